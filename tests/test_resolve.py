"""Tests for dashboard.resolve: what an analyst names, resolved on the am-az layers."""

from __future__ import annotations

from datetime import date

import pytest

from dashboard import resolve
from dashboard.gazetteer import Gazetteer, load_gazetteer
from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import BorderLayers, load_border
from dashboard.models import DatePrecision, LocationPrecision, ProvinceRef, SegmentRef

SOTK_ID = "settlement:gn:616041"


@pytest.fixture(scope="module")
def layers() -> BorderLayers:
    return load_border("am-az")


@pytest.fixture(scope="module")
def geocoder(layers: BorderLayers) -> Geocoder:
    return Geocoder(layers)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer("am-az")


def test_province_codes_become_whole_references_in_order(layers: BorderLayers) -> None:
    assert resolve.province_refs(layers, ["az-tov", "AM-TV", "AM-TV"]) == (
        ProvinceRef("AZ-TOV", "Tovuz", "AZ"),
        ProvinceRef("AM-TV", "Tavush", "AM"),
    )


def test_segment_ids_become_whole_references(layers: BorderLayers) -> None:
    (segment,) = resolve.segment_refs(layers, ["am-gr_az-kal"])
    assert segment == SegmentRef("AM-GR_AZ-KAL", "Gegharkunik – Kalbajar")


@pytest.mark.parametrize(
    ("resolver", "known", "value", "message"),
    [
        (resolve.province_refs, "AM-TV", "AM-XX", "no province 'AM-XX' on border am-az"),
        (
            resolve.segment_refs,
            "AM-GR_AZ-KAL",
            "AM-XX_AZ-YY",
            "no border segment 'AM-XX_AZ-YY' on border am-az",
        ),
    ],
)
def test_unknown_codes_are_named(layers, resolver, known, value, message) -> None:
    with pytest.raises(resolve.UnknownCodeError, match=message):
        resolver(layers, [known, value])


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (date(2024, 5, 12), None, None, DatePrecision.DAY),
        (date(2024, 5, 11), date(2024, 5, 12), None, DatePrecision.DAYS),
        (date(2024, 5, 1), date(2024, 5, 31), DatePrecision.MONTH, DatePrecision.MONTH),
    ],
)
def test_date_window_names_its_precision(start, end, precision, expected) -> None:
    window = resolve.date_window(start, end, precision)
    assert (window.start, window.end, window.precision) == (start, end or start, expected)


def test_a_window_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(ValueError, match="ends"):
        resolve.date_window(date(2024, 5, 12), date(2024, 5, 1))


def test_a_clicked_point_brings_its_province_and_segment(geocoder: Geocoder) -> None:
    place, provinces, segments = resolve.point_place(geocoder, 40.2046, 45.9463)
    assert (place.location_precision, place.lat, place.lon, place.place_name) == (
        LocationPrecision.POINT,
        40.2046,
        45.9463,
        None,
    )
    assert [p.code for p in provinces] == ["AM-GR"]
    assert [s.id for s in segments] == ["AM-GR_AZ-KAL"]
    assert 0 < place.distance_km < 10


def test_a_gazetteer_place_is_near_that_place(gazetteer: Gazetteer, geocoder: Geocoder) -> None:
    place, provinces, _ = resolve.gazetteer_place(gazetteer, geocoder, SOTK_ID)
    assert (place.location_precision, place.place_name) == (LocationPrecision.NEAR_PLACE, "Sotk")
    assert [p.code for p in provinces] == ["AM-GR"]
    with pytest.raises(resolve.UnknownCodeError, match="no place 'nowhere'"):
        resolve.gazetteer_place(gazetteer, geocoder, "nowhere")
