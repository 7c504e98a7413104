"""Geocoding real coordinates against the committed Armenia–Azerbaijan layers.

Every coordinate here was read off the layers themselves (a representative
point of a province polygon, the midpoint of a segment line) or is computed
from the raw files in the test; none is a guess.
"""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from dashboard.geo.build.territory import polygon_parts
from dashboard.geo.geocode import OUTSIDE, GeocodeError, Geocoder, coordinate_problems
from dashboard.geo.layers import load_border
from dashboard.paths import geodata_root


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder(load_border("am-az"))


# (lat, lon) of representative points of the province polygons in geodata/am-az/provinces.geojson
INSIDE = [
    ("Syunik", 39.3529, 46.1504, "AM", "AM-SU"),
    ("Gegharkunik", 40.3071, 45.4062, "AM", "AM-GR"),
    ("Tavush", 40.9702, 45.1113, "AM", "AM-TV"),
    ("Sharur (Nakhchivan)", 39.5872, 45.0388, "AZ", "AZ-SAR"),
    ("Nakhchivan City", 39.2154, 45.4118, "AZ", "AZ-NV"),
    ("Kalbajar", 40.0516, 46.3390, "AZ", "AZ-KAL"),
    ("Gazakh", 41.1736, 45.2711, "AZ", "AZ-QAZ"),
]


@pytest.mark.parametrize(("label", "lat", "lon", "country", "code"), INSIDE)
def test_points_inside_provinces(geocoder, label, lat, lon, country, code):
    answer = geocoder.geocode_point(lat, lon)
    assert (answer["country"], answer["province_code"], answer["side"]) == (country, code, country)
    assert answer["distance_km"] > 0


def test_nearest_segment_and_distance_for_a_syunik_point(geocoder):
    answer = geocoder.geocode_point(39.3529, 46.1504)
    assert answer["province_name"] == "Syunik"
    assert answer["segment_id"] == "AM-SU_AZ-ORD"
    assert answer["segment_name"] == "Syunik – Ordubad"
    assert answer["distance_km"] == pytest.approx(14.63, abs=0.05)


# Midpoints of segment lines (shapely interpolate(0.5, normalized=True)): on the line itself.
@pytest.mark.parametrize(
    ("lat", "lon", "segment"),
    [
        (40.06036, 45.90062, "AM-GR_AZ-KAL"),
        (39.14912, 46.47768, "AM-SU_AZ-ZAN"),
        (39.63934, 45.18182, "AM-VD_AZ-SAR"),
    ],
)
def test_points_on_the_line(geocoder, lat, lon, segment):
    answer = geocoder.geocode_point(lat, lon)
    assert answer["segment_id"] == segment
    assert answer["distance_km"] < 0.01


@pytest.mark.parametrize(
    ("label", "lat", "lon"),
    [
        ("Tbilisi, Georgia", 41.7151, 44.8271),
        ("Tabriz, Iran", 38.0800, 46.2919),
        ("Kars, Turkey", 40.6013, 43.0975),
    ],
)
def test_points_outside_both_countries_are_not_forced_onto_a_province(geocoder, label, lat, lon):
    answer = geocoder.geocode_point(lat, lon)
    assert answer["country"] is None
    assert answer["province_code"] is None
    assert answer["side"] == OUTSIDE
    assert answer["distance_km"] > 20


def test_exclaves_belong_to_their_de_jure_country(geocoder):
    # Points inside the exclave pieces listed in geodata/am-az/build.toml.
    assert geocoder.geocode_point(40.631, 45.517)["province_code"] == "AM-GR"  # Artsvashen
    assert geocoder.geocode_point(41.067, 45.004)["province_code"] == "AZ-QAZ"
    assert geocoder.geocode_point(39.79, 44.95)["province_code"] == "AZ-SAD"  # Karki


def test_sliver_where_both_raw_outlines_overlap_goes_to_armenia(geocoder):
    """Armenia's outline is the line: ground inside both raw outlines is Armenia's."""
    raw = geodata_root() / "raw"
    arm = gpd.read_file(raw / "geoBoundaries-ARM-ADM0_simplified.geojson").union_all()
    aze = gpd.read_file(raw / "geoBoundaries-AZE-ADM1_simplified.geojson").union_all()
    slivers = [p for p in polygon_parts(shapely.intersection(arm, aze)) if 1e-6 < p.area < 3e-4]
    # Keep the ones that are not the listed exclaves (those go to Azerbaijan).
    slivers = [p for p in slivers if p.distance(shapely.Point(45.004, 41.067)) > 0.05]
    assert len(slivers) > 20
    points = shapely.point_on_surface(np.array(slivers, dtype=object))
    result = geocoder.geocode(shapely.get_y(points), shapely.get_x(points))
    assert list(result.country) == ["AM"] * len(slivers)
    assert max(result.distance_km) < 3


def test_far_answers_match_exact_answers(geocoder):
    """The interpolated far-field distances agree with exact ones to ~50 m."""
    rng = np.random.default_rng(7)
    lat, lon = rng.uniform(38.3, 42.0, 20_000), rng.uniform(43.3, 50.5, 20_000)
    fast = geocoder.geocode(lat, lon)
    line = geocoder._line  # the exact path, for comparison only
    x, y = line._to_metric.transform(lon, lat)
    segment, distance_m = line.exact(x, y)
    assert np.max(np.abs(fast.distance_km - distance_m / 1000)) < 0.05
    assert np.mean(fast.segment_id == line.segment_id[segment]) > 0.999


def test_vectorised_answers_keep_input_order(geocoder):
    lats = np.array([row[1] for row in INSIDE])
    lons = np.array([row[2] for row in INSIDE])
    result = geocoder.geocode(lats, lons)
    assert list(result.province_code) == [row[4] for row in INSIDE]
    assert len(list(result.records())) == len(INSIDE)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (91.0, 45.0, "row 1: latitude outside -90..90"),
        (40.0, -181.0, "row 1: longitude outside -180..180"),
        (float("nan"), 45.0, "row 1: latitude is not a number"),
        (40.0, float("inf"), "row 1: longitude is not a number"),
    ],
)
def test_invalid_coordinates_are_a_clear_error(geocoder, lat, lon, message):
    with pytest.raises(GeocodeError, match=message):
        geocoder.geocode(np.array([lat]), np.array([lon]))


def test_coordinate_problems_names_every_bad_row():
    lat = np.array([40.0, 95.0, np.nan, 39.0])
    lon = np.array([45.0, 45.0, 45.0, 200.0])
    assert coordinate_problems(lat, lon) == {
        1: "latitude outside -90..90",
        2: "latitude is not a number",
        3: "longitude outside -180..180",
    }
