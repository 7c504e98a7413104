"""Extraction on the Kyrgyzstan–Tajikistan border.

The reports below are SYNTHETIC: written for these tests in the style of
border reports (English and Russian), not quotations of real ones. A
Kyrgyz–Tajik report lands on the kg-tj border when that border is
configured, and is left off the Armenia–Azerbaijan border; an Armenian–
Azerbaijani report is left off kg-tj.
"""

from __future__ import annotations

from datetime import date

import pytest

from dashboard.extract import extract_incidents
from dashboard.gazetteer import Gazetteer, load_gazetteer
from dashboard.models import LocationPrecision, Source, content_hash, segment_units

BATKEN_ISFARA = "KG-B.BATKEN_TJ-SU.ISFARA"

# SYNTHETIC (English): a village placed by province, a disputed landmark and a GeoNames village.
VORUKH_EN = (
    "Kyrgyz and Tajik border guards exchanged fire near the village of Kok-Tash in Batken "
    "region on Thursday, the Kyrgyz border service said. Two Kyrgyz servicemen were wounded. "
    "Tajik officials said the shooting started at the Golovnoy water distribution point "
    "near Vorukh."
)
# SYNTHETIC (Russian): a Kyrgyz village and a Tajik town, in their Russian case forms.
ISFARA_RU = (
    "16 сентября на кыргызско-таджикской границе у села Ак-Сай Баткенской области произошла "
    "перестрелка, сообщила пограничная служба Кыргызстана. По данным таджикской стороны, "
    "обстрелу подверглись окрестности Исфары, ранены трое мирных жителей."
)
# SYNTHETIC (English): only the two districts are named, one on each side.
DISTRICTS_EN = (
    "Fighting broke out on the border between Batken District of Kyrgyzstan and Isfara "
    "District of Tajikistan on Friday; one Tajik soldier was killed."
)
# SYNTHETIC (English): a report about the other border, naming its countries.
ARMENIA_EN = (
    "Azerbaijani forces shelled Armenian positions in Syunik province of Armenia on "
    "Tuesday; two soldiers were killed, the defence ministry in Yerevan said."
)


@pytest.fixture(scope="module")
def kg_tj() -> Gazetteer:
    return load_gazetteer("kg-tj")


def extract(text: str, gazetteer: Gazetteer, language: str = "en"):
    source = Source(
        id="synthetic",
        title="Synthetic test report",
        content_hash=content_hash(text),
        published=date(2022, 9, 16),
        language=language,
        text=text,
        publisher="test fixture (synthetic)",
    )
    return extract_incidents(source, gazetteer)


@pytest.mark.parametrize(
    ("text", "language", "place", "provinces"),
    [
        (VORUKH_EN, "en", "Vorukh", {"KG-B", "TJ-SU"}),
        (ISFARA_RU, "ru", "Ak-Say", {"KG-B", "TJ-SU"}),
    ],
)
def test_a_clash_near_vorukh_or_isfara_lands_on_batken_isfara(
    kg_tj: Gazetteer, text: str, language: str, place: str, provinces: set[str]
) -> None:
    result = extract(text, kg_tj, language)
    assert not result.outside_coverage
    incident = result.incidents[0].incident
    assert incident.location_precision is LocationPrecision.NEAR_PLACE
    assert incident.place_name == place
    assert {p.code for p in incident.provinces} == provinces
    # Kok-Tash, known only by its province, must not spread the incident over all of Batken.
    assert [s.id for s in incident.segments] == [BATKEN_ISFARA]
    assert incident.segments[0].name == "Batken – Isfara"


def test_two_districts_named_give_their_one_segment(kg_tj: Gazetteer) -> None:
    incident = extract(DISTRICTS_EN, kg_tj).incidents[0].incident
    assert incident.location_precision is LocationPrecision.BORDER_SEGMENT
    assert {p.code for p in incident.provinces} == {"KG-B", "TJ-SU"}
    assert [s.id for s in incident.segments] == [BATKEN_ISFARA]


def test_a_kyrgyz_tajik_report_stays_off_the_armenia_azerbaijan_border() -> None:
    result = extract(VORUKH_EN, load_gazetteer("am-az"))
    assert not result.incidents
    assert "Batken" in [m.matched for m in result.outside_coverage]


def test_an_armenia_azerbaijan_report_stays_off_the_kyrgyz_tajik_border(kg_tj: Gazetteer) -> None:
    result = extract(ARMENIA_EN, kg_tj)
    assert not result.incidents
    assert "Armenia" in [m.matched for m in result.outside_coverage]


@pytest.mark.parametrize(
    ("segment_id", "units"),
    [
        ("AM-GR_AZ-KAL", ("AM-GR", "AZ-KAL")),
        (f"segment:{BATKEN_ISFARA}", ("KG-B", "TJ-SU")),
        ("KG-O.CHONG-ALAY_TJ-RA.JIRGATOL", ("KG-O", "TJ-RA")),
    ],
)
def test_segment_ids_name_their_provinces(segment_id: str, units: tuple[str, str]) -> None:
    assert segment_units(segment_id) == units
