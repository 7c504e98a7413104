"""The grey neighbouring countries: picked, clipped and named around a border."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.geometry import box, shape

from dashboard.geo.build.neighbours import alpha2, neighbour_collection
from dashboard.geo.layers import load_border


@pytest.mark.parametrize(
    ("numeric", "code"), [("268", "GE"), ("051", "AM"), ("31", "AZ"), (None, None), ("999", None)]
)
def test_numeric_codes_become_alpha2(numeric, code):
    assert alpha2(numeric) == code


def test_neighbours_are_clipped_named_and_never_our_own_countries():
    world = gpd.GeoDataFrame(
        {
            "id": ["051", "268", "364", "036"],
            "name": ["Armenia", "Georgia", "Iran", "Australia"],
        },
        geometry=[
            box(44, 39, 46, 41),
            box(40, 41, 47, 44),
            box(44, 30, 60, 39),
            box(110, -40, 150, -10),
        ],
        crs="EPSG:4326",
    )
    collection = neighbour_collection(world, {"AM"}, (44.0, 39.0, 46.0, 41.0), pad=1.0)
    names = [f["properties"]["name"] for f in collection["features"]]
    assert names == ["Georgia", "Iran"]  # by code; Armenia is ours, Australia far away
    frame = box(43, 38, 47, 42)
    for feature in collection["features"]:
        assert frame.buffer(1e-9).contains(shape(feature["geometry"]))
    assert collection["features"][0]["properties"] == {"code": "GE", "name": "Georgia"}


def test_the_shipped_neighbours_surround_armenia_and_azerbaijan():
    layers = load_border("am-az")
    path = layers.folder / "display" / "neighbours.geojson"
    codes = {f["properties"]["code"] for f in json.loads(path.read_text())["features"]}
    assert {"GE", "IR", "TR", "RU"} <= codes
    assert not codes & {"AM", "AZ"}
    assert path.stat().st_size < 20_000  # context only: coarse and small


def test_the_shipped_neighbours_surround_kyrgyzstan_and_tajikistan():
    path = load_border("kg-tj").folder / "display" / "neighbours.geojson"
    codes = {f["properties"]["code"] for f in json.loads(path.read_text())["features"]}
    assert {"UZ", "KZ", "CN", "AF"} <= codes  # Uzbekistan holds Sokh and Shakhimardan
    assert not codes & {"KG", "TJ"}
    assert path.stat().st_size < 20_000
