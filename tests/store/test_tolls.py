"""Tests for dashboard.store.tolls: how two reports' casualty breakdowns combine."""

from __future__ import annotations

import dataclasses
from datetime import date

from dashboard.models import (
    CasualtyCount,
    CasualtyKind,
    DatePrecision,
    EventType,
    Incident,
    LocationPrecision,
)
from dashboard.store import refine, tolls

KILLED, WOUNDED, MISSING = CasualtyKind.KILLED, CasualtyKind.WOUNDED, CasualtyKind.MISSING


def reported(*counts: CasualtyCount, fatalities: int | None = None) -> Incident:
    """One report's incident with this breakdown (fatalities: its killed toll unless given)."""
    killed = tolls.toll(counts, KILLED)
    return Incident(
        id="inc",
        date_start=date(2024, 5, 12),
        date_end=date(2024, 5, 12),
        date_precision=DatePrecision.DAY,
        event_type=EventType.BATTLES,
        location_precision=LocationPrecision.PROVINCE,
        fatalities=killed if fatalities is None else fatalities,
        casualties=counts,
    )


def test_toll_is_the_sides_sum_or_a_larger_overall_figure() -> None:
    assert tolls.toll([], KILLED) is None
    assert tolls.toll([CasualtyCount(KILLED, "AM", 4), CasualtyCount(KILLED, "AZ", 3)], KILLED) == 7
    assert tolls.toll([CasualtyCount(KILLED, "AM", 2), CasualtyCount(KILLED, None, 5)], KILLED) == 5
    assert tolls.toll([CasualtyCount(WOUNDED, None, 1)], KILLED) is None


def test_each_sides_own_count_is_kept_and_the_larger_figure_wins() -> None:
    armenian = reported(CasualtyCount(KILLED, "AM", 4), CasualtyCount(WOUNDED, "AM", 1))
    azerbaijani = reported(CasualtyCount(KILLED, "AZ", 3), CasualtyCount(KILLED, "AM", 2))

    merged = refine.refine(armenian, azerbaijani)

    assert merged.casualties == (
        CasualtyCount(KILLED, "AM", 4),
        CasualtyCount(KILLED, "AZ", 3),
        CasualtyCount(WOUNDED, "AM", 1),
    )
    # The single figure is the sum of the sides, more than either report said.
    assert merged.fatalities == 7


def test_merging_in_either_order_gives_the_same_figures() -> None:
    a = reported(CasualtyCount(KILLED, "AM", 4), CasualtyCount(MISSING, None, 2))
    b = reported(CasualtyCount(KILLED, "AZ", 3), CasualtyCount(MISSING, None, 5))
    one, other = refine.refine(a, b), refine.refine(b, a)
    assert set(one.casualties) == set(other.casualties)
    assert one.fatalities == other.fatalities == 7
    assert CasualtyCount(MISSING, None, 5) in one.casualties


def test_an_overall_figure_stays_only_where_it_says_more_than_the_sides() -> None:
    overall = reported(CasualtyCount(KILLED, None, 5))
    sides = reported(CasualtyCount(KILLED, "AM", 4), CasualtyCount(KILLED, "AZ", 3))
    assert refine.refine(overall, sides).casualties == sides.casualties

    larger = reported(CasualtyCount(KILLED, None, 9))
    merged = refine.refine(sides, larger)
    assert merged.casualties == (*sides.casualties, CasualtyCount(KILLED, None, 9))
    assert merged.fatalities == 9


def test_a_larger_toll_without_breakdown_becomes_the_overall_killed_figure() -> None:
    # An ACLED row gives only fatalities; a report gives the sides.
    acled = reported(fatalities=10)
    sides = reported(CasualtyCount(KILLED, "AM", 4), CasualtyCount(KILLED, "AZ", 3))
    merged = refine.refine(acled, sides)
    assert merged.fatalities == 10
    assert merged.casualties == (*sides.casualties, CasualtyCount(KILLED, None, 10))
    assert tolls.toll(merged.casualties, KILLED) == merged.fatalities


def test_no_breakdown_on_either_side_stays_none() -> None:
    merged = refine.refine(reported(fatalities=3), reported(fatalities=None))
    assert (merged.casualties, merged.fatalities) == ((), 3)
    wounded_only = reported(CasualtyCount(WOUNDED, "AZ", 2))
    merged = refine.refine(dataclasses.replace(wounded_only, fatalities=None), reported())
    assert (merged.casualties, merged.fatalities) == (wounded_only.casualties, None)


def test_an_explicit_zero_is_kept() -> None:
    none_killed = reported(CasualtyCount(KILLED, None, 0))
    merged = refine.refine(none_killed, reported(fatalities=None))
    assert (merged.casualties, merged.fatalities) == ((CasualtyCount(KILLED, None, 0),), 0)
