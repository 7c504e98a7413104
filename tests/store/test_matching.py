"""Tests for dashboard.store.matching and dashboard.store.refine: the same-event rules, pure."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from dashboard.models import (
    DatePrecision,
    EventType,
    Incident,
    LocationPrecision,
    ProvinceRef,
    SegmentRef,
)
from dashboard.store.matching import Facts, distance_km, same_event, score
from dashboard.store.refine import merged_window, refine

DAY, DAYS, MONTH = DatePrecision.DAY, DatePrecision.DAYS, DatePrecision.MONTH
GR = ProvinceRef("AM-GR", "Gegharkunik", "AM")
KAL = ProvinceRef("AZ-KAL", "Kalbajar", "AZ")
SU = ProvinceRef("AM-SU", "Syunik", "AM")
SOTK = (40.2046, 45.9463)
VERIN_SHORZHA = (40.502, 45.274)  # in Gegharkunik too, ~65 km from Sotk


def incident(
    start: int,
    end: int | None = None,
    precision: DatePrecision = DAY,
    provinces: tuple[ProvinceRef, ...] = (GR,),
    where: LocationPrecision = LocationPrecision.PROVINCE,
    point: tuple[float, float] | None = None,
    **fields: object,
) -> Incident:
    """An incident in May 2024 (``start``/``end`` are days of the month)."""
    lat, lon = point if point else (None, None)
    return Incident(
        id=f"inc-{start}-{end}-{precision}-{[p.code for p in provinces]}-{where}",
        date_start=date(2024, 5, start),
        date_end=date(2024, 5, end or start),
        date_precision=precision,
        event_type=EventType.EXPLOSIONS,
        location_precision=where,
        lat=lat,
        lon=lon,
        provinces=provinces,
        **fields,  # type: ignore[arg-type]
    )


def facts(item: Incident, synthetic: bool = False) -> Facts:
    return Facts.of(item, synthetic=synthetic)


def match(a: Incident, b: Incident) -> bool:
    """The rule must be symmetric, so every check asks both ways."""
    forward, backward = same_event(facts(a), facts(b)), same_event(facts(b), facts(a))
    assert forward == backward
    return forward


MAY = incident(1, 31, MONTH)


def test_a_day_matches_its_month_and_a_next_day_follow_up() -> None:
    assert match(incident(12), MAY)
    assert match(incident(12), incident(13))
    assert match(incident(12), incident(13, 14, DAYS))


def test_day_windows_two_days_apart_are_two_events() -> None:
    assert not match(incident(12), incident(14))


def test_the_follow_up_tolerance_is_for_day_precise_windows_only() -> None:
    assert not match(
        incident(1, 31, MONTH),
        dataclasses.replace(incident(12), date_start=date(2024, 6, 1), date_end=date(2024, 6, 1)),
    )


def test_same_day_in_different_provinces_is_two_events() -> None:
    assert not match(incident(12, provinces=(GR,)), incident(12, provinces=(SU,)))


def test_a_village_matches_its_province() -> None:
    village = incident(12, provinces=(GR, KAL), where=LocationPrecision.NEAR_PLACE, point=SOTK)
    assert match(village, incident(12, provinces=(GR,)))


def test_points_far_apart_in_one_province_are_two_events() -> None:
    near = LocationPrecision.NEAR_PLACE
    sotk = incident(12, where=near, point=SOTK)
    assert distance_km(facts(sotk), facts(incident(12, where=near, point=VERIN_SHORZHA))) > 25
    assert not match(sotk, incident(12, where=near, point=VERIN_SHORZHA))
    assert match(sotk, incident(12, where=near, point=(40.25, 45.9)))


def test_a_country_only_incident_never_matches_by_place() -> None:
    country = incident(12, provinces=(), where=LocationPrecision.COUNTRY)
    assert not match(country, incident(12))
    assert not match(country, country)


def test_synthetic_and_real_never_match() -> None:
    assert not same_event(facts(incident(12), True), facts(incident(12), False))
    assert same_event(facts(incident(12), True), facts(incident(12), True))


def test_score_prefers_shared_ground_then_closer_windows() -> None:
    day = facts(incident(12, provinces=(GR, KAL)))
    both = facts(incident(12, provinces=(GR, KAL)))
    one = facts(incident(12, provinces=(GR,)))
    next_day = facts(incident(13, provinces=(GR, KAL)))
    month = facts(incident(1, 31, MONTH, provinces=(GR, KAL)))
    assert score(day, both) > score(day, one)
    # An overlapping window beats an adjacent one; among overlapping, the same width wins.
    assert score(day, month) > score(day, next_day)
    assert score(day, both) > score(day, month)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((1, 31, MONTH), (12, 12, DAY), (12, 12, DAY)),
        ((12, 12, DAY), (13, 13, DAY), (12, 13, DAYS)),
        # Both day-precise: a clash's day and its whole span make the span.
        ((12, 13, DAYS), (13, 13, DAY), (12, 13, DAYS)),
        ((11, 12, DAYS), (12, 14, DAYS), (11, 14, DAYS)),
        ((12, 12, DAY), (12, 12, DAYS), (12, 12, DAY)),
    ],
)
def test_merged_window_is_the_narrower_or_the_span_and_is_symmetric(
    a: tuple[int, int, DatePrecision],
    b: tuple[int, int, DatePrecision],
    expected: tuple[int, int, DatePrecision],
) -> None:
    def window(w: tuple[int, int, DatePrecision]) -> tuple[date, date, DatePrecision]:
        return date(2024, 5, w[0]), date(2024, 5, w[1]), w[2]

    assert merged_window(window(a), window(b)) == window(expected)
    assert merged_window(window(b), window(a)) == window(expected)


def test_refine_takes_the_finer_place_union_of_places_and_larger_toll() -> None:
    coarse = incident(
        1, 31, MONTH, summary="Shelling reported in the border, May 2024 (x).", fatalities=3
    )
    village = incident(
        12,
        provinces=(GR, KAL),
        where=LocationPrecision.NEAR_PLACE,
        point=SOTK,
        place_name="Sotk",
        distance_km=2.5,
        fatalities=2,
        actors=("Military Forces of Armenia",),
    )

    refined = refine(coarse, village)

    assert refined.id == coarse.id
    assert (refined.date_start, refined.date_end, refined.date_precision) == (
        date(2024, 5, 12),
        date(2024, 5, 12),
        DAY,
    )
    assert (refined.location_precision, (refined.lat, refined.lon)) == (
        LocationPrecision.NEAR_PLACE,
        SOTK,
    )
    assert (refined.place_name, refined.distance_km) == ("Sotk", 2.5)
    assert refined.provinces == (GR, KAL)
    assert refined.fatalities == 3
    assert refined.actors == ("Military Forces of Armenia",)
    assert refined.summary == "Shelling reported in the border, 2024-05-12 (x)."


def test_refine_keeps_the_stored_place_when_the_incoming_is_coarser() -> None:
    village = incident(12, where=LocationPrecision.NEAR_PLACE, point=SOTK, place_name="Sotk")
    refined = refine(village, incident(12, fatalities=None))
    assert (refined.location_precision, refined.place_name) == (
        LocationPrecision.NEAR_PLACE,
        "Sotk",
    )
    assert refined.fatalities is None


def _on_segment(item: Incident, *segment_ids: str) -> Incident:
    return dataclasses.replace(item, segments=tuple(SegmentRef(s, s) for s in segment_ids))


def test_each_sides_report_of_one_clash_meet_across_their_segment():
    armenian = _on_segment(incident(12, provinces=(GR,)), "AM-GR_AZ-KAL", "AM-GR_AZ-GAD")
    azerbaijani = _on_segment(incident(12, provinces=(KAL,)), "AM-GR_AZ-KAL", "AM-SU_AZ-KAL")
    assert same_event(facts(armenian), facts(azerbaijani))


def test_across_a_segment_needs_the_day_not_a_month():
    armenian = _on_segment(incident(1, 31, MONTH, provinces=(GR,)), "AM-GR_AZ-KAL")
    azerbaijani = _on_segment(incident(12, provinces=(KAL,)), "AM-GR_AZ-KAL")
    assert not same_event(facts(armenian), facts(azerbaijani))


def test_provinces_on_different_segments_do_not_meet():
    armenian = _on_segment(incident(12, provinces=(SU,)), "AM-SU_AZ-LAC")
    azerbaijani = _on_segment(incident(12, provinces=(KAL,)), "AM-GR_AZ-KAL")
    assert not same_event(facts(armenian), facts(azerbaijani))


def test_an_incident_across_several_provinces_is_not_held_to_its_first_point():
    spread = incident(13, provinces=(GR, SU), where=LocationPrecision.NEAR_PLACE, point=SOTK)
    other = incident(13, provinces=(GR,), where=LocationPrecision.NEAR_PLACE, point=VERIN_SHORZHA)
    assert same_event(facts(spread), facts(other))


def test_two_wide_windows_say_too_little_to_be_one_event():
    month = incident(1, 31, MONTH)
    other_month = incident(1, 31, MONTH, where=LocationPrecision.PROVINCE)
    assert not same_event(facts(month), facts(dataclasses.replace(other_month, id="inc-other")))
    assert same_event(facts(month), facts(incident(12)))
