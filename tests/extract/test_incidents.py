"""Extraction on short report texts written for these tests (not real reports).

Each case is a made-up sentence or two in the style of border reports, with
the traps the extractor must not fall into: a person named Ararat, a meeting
in Dushanbe, a death toll from another day, a dateline, a province named only
in its Russian adjectival form, a clash outside the border's coverage.
"""

from dataclasses import dataclass
from datetime import date

import pytest

from dashboard.extract import extract_incidents
from dashboard.gazetteer import load_gazetteer
from dashboard.models import DatePrecision, EventType, LocationPrecision, Source, content_hash


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer("am-az")


def source(text: str, published: date | None = date(2022, 9, 14), language: str = "en") -> Source:
    return Source(
        id="src-test",
        title="Test text",
        content_hash=content_hash(text),
        published=published,
        language=language,
        text=text,
        publisher="test fixture",
    )


@dataclass(frozen=True)
class Expect:
    provinces: set[str]
    first: date
    last: date
    precision: DatePrecision
    fatalities: int | None = None
    event_type: EventType | None = None
    location: LocationPrecision | None = None
    segments: set[str] | None = None


CASES = [
    (
        "plain English, one province, yesterday, two killed",
        "Azerbaijani forces shelled positions in Syunik yesterday. Two Armenian servicemen "
        "were killed.",
        Expect({"AM-SU"}, date(2022, 9, 13), date(2022, 9, 13), DatePrecision.DAY, 2,
               EventType.EXPLOSIONS, LocationPrecision.PROVINCE),
    ),
    (
        "shelling in an exchange of fire is a battle (ACLED codes the armed clash)",
        "Azerbaijani forces shelled positions in Syunik yesterday and the two sides exchanged "
        "fire. Two Armenian servicemen were killed.",
        Expect({"AM-SU"}, date(2022, 9, 13), date(2022, 9, 13), DatePrecision.DAY, 2,
               EventType.BATTLES, LocationPrecision.PROVINCE),
    ),
    (
        "the day a ministry speaks is that day or the one before",
        "Armenia's defence ministry reported on Wednesday that Azerbaijani forces had shelled "
        "positions in Syunik.",
        Expect({"AM-SU"}, date(2022, 9, 13), date(2022, 9, 14), DatePrecision.DAYS, None,
               EventType.EXPLOSIONS, LocationPrecision.PROVINCE),
    ),
    (
        "both sides named: the shared segment",
        "On 13 September troops opened fire on the border between Gegharkunik and Kalbajar.",
        Expect({"AM-GR", "AZ-KAL"}, date(2022, 9, 13), date(2022, 9, 13), DatePrecision.DAY,
               None, EventType.BATTLES, LocationPrecision.BORDER_SEGMENT, {"AM-GR_AZ-KAL"}),
    ),
    (
        "a person named Ararat is not a place",
        "Ararat Mirzoyan said that troops crossed into Tavush on 12 September.",
        Expect({"AM-TV"}, date(2022, 9, 12), date(2022, 9, 12), DatePrecision.DAY),
    ),
    (
        "a meeting in Dushanbe is context",
        "After the shelling of Vayots Dzor on 13 September, ministers met in Dushanbe.",
        Expect({"AM-VD"}, date(2022, 9, 13), date(2022, 9, 13), DatePrecision.DAY),
    ),
    (
        "a death toll from another day is not this incident's",
        "Troops opened fire in Syunik on 13 September. The total death toll since 2020 "
        "has risen: 300 soldiers were killed in all.",
        Expect({"AM-SU"}, date(2022, 9, 13), date(2022, 9, 13), DatePrecision.DAY, None),
    ),
    (
        "a dateline is not where it happened",
        "YEREVAN, Sept 14 — Azerbaijani troops shelled villages in Gegharkunik on Tuesday.",
        Expect({"AM-GR"}, date(2022, 9, 13), date(2022, 9, 13), DatePrecision.DAY),
    ),
    (
        "Russian, adjectival province name, month",
        "В мае азербайджанские военнослужащие пересекли границу в Сюникской области.",
        Expect({"AM-SU"}, date(2022, 5, 1), date(2022, 5, 31), DatePrecision.MONTH, None,
               EventType.STRATEGIC_DEVELOPMENTS),
    ),
    (
        "Russian, no casualties",
        "13 сентября был открыт огонь по позициям в Гехаркунике. Жертв нет.",
        Expect({"AM-GR"}, date(2022, 9, 13), date(2022, 9, 13), DatePrecision.DAY, 0,
               EventType.BATTLES),
    ),
    (
        "a range of days",
        "From 12 to 14 September the Azerbaijani side shelled Jermuk in Vayots Dzor.",
        Expect({"AM-VD"}, date(2022, 9, 12), date(2022, 9, 14), DatePrecision.DAYS),
    ),
]  # fmt: skip


@pytest.mark.parametrize(("label", "text", "expect"), CASES, ids=[c[0] for c in CASES])
def test_extraction_table(gazetteer, label, text, expect):
    result = extract_incidents(source(text), gazetteer)
    assert len(result.incidents) == 1, result
    incident = result.incidents[0].incident
    assert {p.code for p in incident.provinces} >= expect.provinces
    assert (incident.date_start, incident.date_end, incident.date_precision) == (
        expect.first,
        expect.last,
        expect.precision,
    )
    assert incident.fatalities == expect.fatalities
    if expect.event_type:
        assert incident.event_type == expect.event_type
    if expect.location:
        assert incident.location_precision == expect.location
    if expect.segments is not None:
        assert {s.id for s in incident.segments} == expect.segments
    for found in result.incidents:
        for excerpt in found.incident.citations[0].excerpts:
            assert text[excerpt.start : excerpt.end] == excerpt.text
            for span in excerpt.spans:
                assert excerpt.start <= span.start < span.end <= excerpt.end


def test_clash_outside_coverage_is_reported_not_placed(gazetteer):
    text = "Kyrgyz and Tajik border guards exchanged fire near Batken on 14 September."
    result = extract_incidents(source(text), gazetteer)
    assert result.incidents == ()
    assert [m.matched for m in result.outside_coverage] == ["Batken"]


def test_sentence_without_cue_makes_no_incident(gazetteer):
    result = extract_incidents(source("The governor of Syunik visited schools."), gazetteer)
    assert result.incidents == ()


def test_two_dates_two_incidents(gazetteer):
    text = "On 12 September troops shelled Syunik. On 14 September soldiers opened fire in Tavush."
    result = extract_incidents(source(text), gazetteer)
    assert sorted(i.incident.date_start.day for i in result.incidents) == [12, 14]


def test_no_publication_date_is_a_warning(gazetteer):
    result = extract_incidents(
        source("Troops shelled Syunik yesterday.", published=None), gazetteer
    )
    assert any("no publication date" in w for w in result.warnings)


def test_excerpt_spans_carry_the_alias_and_the_place(gazetteer):
    text = "Troops opened fire in Сюникской области on 13 September."
    (found,) = extract_incidents(source(text), gazetteer).incidents
    (excerpt,) = found.incident.citations[0].excerpts
    place_spans = [s for s in excerpt.spans if s.kind.value == "place"]
    assert [(s.label, text[s.start : s.end]) for s in place_spans] == [
        ("province:AM-SU", "Сюникской области")
    ]


def test_borrowed_date_is_shown_as_evidence(gazetteer):
    text = "In May the border talks stalled. Later troops crossed into Tavush."
    # Published in June, so May is this report's news, not its background.
    result = extract_incidents(source(text, published=date(2022, 6, 10)), gazetteer)
    (found,) = result.incidents
    assert found.incident.date_precision == DatePrecision.MONTH
    # The incident sentence comes first; the sentence the date came from is an
    # excerpt too, with the date highlighted.
    incident_sentence, date_sentence = found.incident.citations[0].excerpts
    assert incident_sentence.text.startswith("Later troops crossed")
    assert [s.matched for s in date_sentence.spans if s.kind.value == "date"] == ["May"]


def test_date_from_elsewhere_in_the_document_is_a_warning(gazetteer):
    text = (
        "After the May appeal, talks were held. Nothing else happened that week. "
        "Troops crossed into Tavush."
    )
    result = extract_incidents(source(text, published=date(2022, 6, 10)), gazetteer)
    (found,) = result.incidents
    assert found.incident.date_precision == DatePrecision.MONTH
    assert any("took 'May' from the document" in w for w in result.warnings)


def test_dateline_in_a_later_paragraph_and_a_speaking_capital(gazetteer):
    text = (
        "Report follows.\n\nYEREVAN, Sept 14 — Troops shelled Syunik on Tuesday. "
        "Baku denied the claim."
    )
    result = extract_incidents(source(text), gazetteer)
    (found,) = result.incidents
    assert [p.code for p in found.incident.provinces] == ["AM-SU"]
    assert found.incident.date_start == date(2022, 9, 13)


# --- the document-level reading: one main incident, history and asides left out ---


def test_background_paragraph_is_not_an_incident(gazetteer):
    text = (
        "Azerbaijani forces shelled positions near Sotk on Tuesday, the ministry said. "
        "In 2020 the two countries fought a war in which Azerbaijani troops attacked Kalbajar. "
        "Clashes in Tavush in July 2020 killed 17 soldiers."
    )
    result = extract_incidents(source(text), gazetteer)
    (found,) = result.incidents
    assert [p.code for p in found.incident.provinces] == ["AM-GR"]
    assert found.incident.date_start == date(2022, 9, 13)


def test_a_country_named_alone_joins_the_main_incident(gazetteer):
    text = (
        "Azerbaijani troops opened fire on Armenian positions in Syunik on Tuesday. "
        "Armenia said Azerbaijan had violated the ceasefire again."
    )
    result = extract_incidents(source(text), gazetteer)
    (found,) = result.incidents
    assert [p.code for p in found.incident.provinces] == ["AM-SU"]


def test_capitals_speak_but_are_not_incident_places(gazetteer):
    text = (
        "YEREVAN/BAKU, Sept 13 (Reuters) - Fighting broke out near Jermuk on Tuesday. "
        "The defence ministry in Yerevan said Azerbaijani forces attacked; Baku said "
        "Armenian troops opened fire first."
    )
    result = extract_incidents(source(text), gazetteer)
    (found,) = result.incidents
    codes = {p.code for p in found.incident.provinces}
    assert "AM-ER" not in codes and "AZ-BA" not in codes
    assert "AM-VD" in codes


def test_an_aside_with_its_own_day_and_province_is_a_second_incident(gazetteer):
    text = (
        "Azerbaijani forces shelled Sotk on Tuesday. "
        "On 10 September troops had also opened fire near Yeraskh in Ararat."
    )
    result = extract_incidents(source(text), gazetteer)
    main, other = result.incidents
    assert main.incident.date_start == date(2022, 9, 13)
    assert other.incident.date_start == date(2022, 9, 10)
    assert [p.code for p in other.incident.provinces] == ["AM-AR"]


def test_an_older_aside_is_background_to_the_main_incident(gazetteer):
    text = (
        "Azerbaijani forces shelled Sotk on Tuesday. "
        "On 2 September troops had also opened fire near Yeraskh in Ararat."
    )
    (main,) = extract_incidents(source(text), gazetteer).incidents
    assert [p.code for p in main.incident.provinces] == ["AM-GR"]


def test_a_look_back_in_the_lede_is_the_news(gazetteer):
    text = "In July 2020 Azerbaijani troops attacked positions in Tavush, the report recalls."
    result = extract_incidents(source(text), gazetteer)
    (found,) = result.incidents
    assert (found.incident.date_start, found.incident.date_end) == (
        date(2020, 7, 1),
        date(2020, 7, 31),
    )


def test_undated_page_is_read_against_the_latest_date_in_its_text(gazetteer):
    text = "On 12 July 2020 Azerbaijani units opened fire near Movses in Tavush."
    result = extract_incidents(source(text, published=None), gazetteer)
    (found,) = result.incidents
    assert found.incident.date_start == date(2020, 7, 12)
    assert any("latest date in the text, 2020-07-12" in w for w in result.warnings)


def test_undated_page_without_dates_is_dated_by_the_ingest_day(gazetteer):
    text = "Azerbaijani units opened fire near Movses in Tavush on Tuesday."
    result = extract_incidents(source(text, published=None), gazetteer, received=date(2026, 12, 7))
    (found,) = result.incidents
    assert (found.incident.date_start, found.incident.date_end) == (
        date(2026, 11, 7),
        date(2026, 12, 7),
    )
    assert found.incident.date_precision == DatePrecision.DAYS
    assert any("dated by the day it was ingested" in w for w in result.warnings)


def test_undated_page_without_dates_or_ingest_day_says_why_it_yields_nothing(gazetteer):
    text = "Azerbaijani units opened fire near Movses in Tavush on Tuesday."
    result = extract_incidents(source(text, published=None), gazetteer)
    assert result.incidents == ()
    assert any("undatable" in w for w in result.warnings)


def test_the_night_before_in_the_same_province_is_the_same_clash(gazetteer):
    text = (
        "Azerbaijani forces shelled Sotk on Tuesday, the ministry said. "
        "Fire had first been opened near Sotk in Gegharkunik late on Monday."
    )
    result = extract_incidents(source(text), gazetteer)
    (found,) = result.incidents
    assert found.incident.date_start == date(2022, 9, 13)


def test_citation_carries_who_makes_the_claim(gazetteer):
    text = (
        "Azerbaijani forces shelled positions in Syunik yesterday, Armenia's defence ministry said."
    )
    citation = extract_incidents(source(text), gazetteer).incidents[0].incident.citations[0]
    assert citation.claim == "Armenian defence ministry"
    unattributed = "Azerbaijani forces shelled positions in Syunik yesterday."
    citation = extract_incidents(source(unattributed), gazetteer).incidents[0].incident.citations[0]
    assert citation.claim == "test fixture"  # the publisher


def test_fire_from_the_direction_of_a_town_is_placed_on_its_stretch_not_in_it(gazetteer):
    text = "On Tuesday Armenian units fired from the direction of Basarkechar."
    (found,) = extract_incidents(source(text), gazetteer).incidents
    incident = found.incident
    assert incident.location_precision == LocationPrecision.BORDER_SEGMENT
    assert "AM-GR" in {p.code for p in incident.provinces}
    vardenis = gazetteer.place(found.places[0].place_id)
    assert (incident.lat, incident.lon) != (vardenis.lat, vardenis.lon)


def test_a_village_known_only_by_its_province_places_the_incident_on_the_province(gazetteer):
    text = "On Tuesday Azerbaijani forces opened fire near Nerkin Hand."
    (found,) = extract_incidents(source(text), gazetteer).incidents
    assert found.incident.location_precision == LocationPrecision.PROVINCE
    assert [p.code for p in found.incident.provinces] == ["AM-SU"]
