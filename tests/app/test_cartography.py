"""The map's names and first view, from the border's layers and gazetteer (no browser)."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, box

from dashboard.app import cartography, maps
from dashboard.gazetteer.data import Place, read_places
from dashboard.geo.layers import load_border


@pytest.fixture(scope="module")
def border():
    return load_border("am-az")


@pytest.fixture(scope="module")
def labels(border):
    provinces = border.display_layer("provinces")
    area = cartography.area_bounds(maps.geojson_bounds(border.display_layer("segments")))
    collection = cartography.label_collection(
        provinces,
        border.display_layer("neighbours"),
        read_places(border.folder / "places.csv"),
        area,
    )
    return area, collection["features"]


@pytest.mark.parametrize(
    ("width_deg", "zoom"),
    [(1.0, 7), (0.4, 9), (0.2, 10), (5.0, 6), (0.001, 11), (0.0, 11)],
)
def test_a_label_shows_from_the_zoom_at_which_it_fits(width_deg, zoom):
    assert cartography.label_min_zoom(width_deg) == zoom


def test_every_country_is_named_inside_the_first_view(labels):
    area, features = labels
    (south, west), (north, east) = area
    frame = box(west, south, east, north)
    countries = {
        f["properties"]["t"]: f
        for f in features
        if f["properties"]["c"] in ("country", "neighbour")
    }
    assert {"Armenia", "Azerbaijan", "Georgia", "Iran", "Turkey"} <= set(countries)
    for name in ("Armenia", "Azerbaijan", "Georgia", "Iran"):
        lon, lat = countries[name]["geometry"]["coordinates"]
        assert frame.contains(Point(lon, lat)), name
        assert countries[name]["properties"]["z"] == cartography.MIN_LABEL_ZOOM


def test_provinces_on_both_sides_and_border_towns_are_named(labels):
    _area, features = labels
    by_text: dict[str, dict[str, dict]] = {}
    for f in features:
        by_text.setdefault(f["properties"]["t"], {})[f["properties"]["c"]] = f["properties"]
    for province in ("Syunik", "Gegharkunik", "Tavush", "Kalbajar", "Gazakh"):
        assert "province" in by_text[province], province
    assert by_text["Syunik"]["province"]["z"] <= 7  # a large province: named at the first view
    assert by_text["Gazakh"]["place"]["z"] == cartography.TOWN_ZOOM  # the town, and its district
    assert by_text["Kapan"] == {"place": {"t": "Kapan", "c": "place", "z": cartography.TOWN_ZOOM}}
    assert "place" not in by_text["Yerevan"]  # the city is 55 km from the line: only its province


def test_settlements_are_named_by_distance_and_size():
    def place(name: str, km: float | None, population: int | None) -> Place:
        return Place(f"settlement:{name}", "settlement", name, "AM", "AM-SU", 39.0, 46.0,
                     (), km, True, population)  # fmt: skip

    found = cartography.settlement_labels(
        [place("Village", 2.0, 300), place("Town", 9.0, 20_000), place("Far", 40.0, 90_000),
         place("Unknown", None, 5)]
    )  # fmt: skip
    assert [(f["properties"]["t"], f["properties"]["z"]) for f in found] == [
        ("Town", cartography.TOWN_ZOOM),
        ("Village", cartography.VILLAGE_ZOOM),
    ]


def test_the_first_view_is_the_border_line_padded():
    area = cartography.area_bounds([[38.8, 44.7], [41.3, 46.7]], pad=0.25)
    assert area == [[38.55, 44.45], [41.55, 46.95]]


def test_country_names_come_from_pycountry():
    assert cartography.country_name("AM") == "Armenia"
    assert cartography.country_name("IR") == "Iran"  # its common name, not "Islamic Republic of"
    assert cartography.country_name("XX") == "XX"
