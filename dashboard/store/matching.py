"""Whether two reports describe the same event: compatible date windows and places.

Different sources report one event differently: a ministry says "12 May",
a monthly round-up says "May", a wire writes the next day; one names a
village, another only its province. Incident ids hash the exact window and
places, so none of these share an id; this module decides, from windows and
places alone, whether two of them are the same event. It is pure (no
database) so the rules can be read and tested on their own:

- **dates**: the windows overlap, or both are day-precise ("day"/"days") and
  at most one day apart (a follow-up dated the day after, or the day before);
  two windows both wider than :data:`WIDE_DAYS` never match;
- **places**: they share at least one province (a village's incident carries
  its province, so village and province meet there), or, both dated to the
  day, they lie on one border segment from its two sides (each side's
  ministry names its own villages: "fire on Movses" in Tavush and "fire
  from the direction of Movses on Alibayli" in Tovuz are one clash across
  the Tavush – Tovuz segment); and when both are placed on a point
  (``point``/``near_place``) the points lie within :data:`NEAR_KM`, unless
  one spans several provinces of a country (its point is one of many). An
  incident known only to a country never matches by place: "somewhere in
  Armenia" would swallow every event of the day;
- synthetic and real incidents never match (synthetic data must not leak
  into, or borrow from, real records).

Two events on one day in different provinces therefore stay two. When one
incoming report matches two stored incidents, :func:`bridged` says whether
they are one event after all (the report fills the day between them), so
that the store does not depend on the order reports arrive in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

from dashboard.models import (
    DatePrecision,
    EventType,
    Incident,
    LocationPrecision,
    segment_units,
)

# Two points further apart than this are different places, even in one province.
NEAR_KM = 25.0

# Windows wider than this (a month, an ingest window) only join a narrower one.
WIDE_DAYS = 7

# A follow-up may be dated this far from the first report (day precision only).
FOLLOW_UP = timedelta(days=1)

DAY_PRECISE = frozenset({DatePrecision.DAY, DatePrecision.DAYS})
POINT_PRECISE = frozenset({LocationPrecision.POINT, LocationPrecision.NEAR_PLACE})

_EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True, slots=True)
class Facts:
    """What matching looks at: one incident's window, place and synthetic flag."""

    date_start: date
    date_end: date
    date_precision: DatePrecision
    location_precision: LocationPrecision
    lat: float | None
    lon: float | None
    provinces: frozenset[str]
    synthetic: bool
    segments: frozenset[str] = frozenset()

    @classmethod
    def of(cls, incident: Incident, *, synthetic: bool) -> Facts:
        """The facts of an incident about to be saved (its flag comes from its source)."""
        return cls(
            incident.date_start,
            incident.date_end,
            incident.date_precision,
            incident.location_precision,
            incident.lat,
            incident.lon,
            frozenset(p.code for p in incident.provinces),
            synthetic,
            frozenset(s.id for s in incident.segments),
        )


def same_event(a: Facts, b: Facts) -> bool:
    """True if ``a`` and ``b`` can be one event: see the module docstring."""
    return a.synthetic == b.synthetic and dates_compatible(a, b) and places_compatible(a, b)


# Types two sources may give one event: a coder and a ministry may call one clash
# fighting or shelling, or count the civilians it hit, but not a protest or a move.
_VIOLENT = frozenset(
    {EventType.BATTLES, EventType.EXPLOSIONS, EventType.VIOLENCE_AGAINST_CIVILIANS}
)


def types_compatible(a: EventType, b: EventType) -> bool:
    """Whether two event types can describe one event (a dataset's and a report's reading)."""
    return a == b or (a in _VIOLENT and b in _VIOLENT)


def dates_compatible(a: Facts, b: Facts) -> bool:
    """Overlapping windows, or day-precise windows at most one day apart; not two wide ones.

    A wide window ("May", or an undated page's month before its ingest day)
    joins the precise report that falls inside it; two wide windows say too
    little to make two reports one event, and letting them merge chains every
    vague report of a province into one.
    """
    if _width(a) > WIDE_DAYS and _width(b) > WIDE_DAYS:
        return False
    gap = day_gap(a, b)
    if gap <= 0:
        return True
    precise = a.date_precision in DAY_PRECISE and b.date_precision in DAY_PRECISE
    return precise and gap <= FOLLOW_UP.days


def day_gap(a: Facts, b: Facts) -> int:
    """Days between the windows: 0 if they overlap, 1 if one ends the day before the other."""
    if a.date_end < b.date_start:
        return (b.date_start - a.date_end).days
    if b.date_end < a.date_start:
        return (a.date_start - b.date_end).days
    return 0


def places_compatible(a: Facts, b: Facts) -> bool:
    """A shared province (or one segment, from its two sides, on one day), and points within
    :data:`NEAR_KM` when both have one."""
    if not (a.provinces & b.provinces or _across_one_segment(a, b)):
        return False
    if not (_has_point(a) and _has_point(b)) or _spread(a) or _spread(b):
        return True
    return distance_km(a, b) <= NEAR_KM


def bridged(a: Facts, b: Facts) -> bool:
    """Whether two stored incidents one report matches both of are one event.

    A report of 13 May near Sev Lich matches the record of 12 May and the
    one of 14 May: the three days are one advance, however the reports
    arrived. They are joined when they share a province (or one segment
    from its two sides) and their span together stays within
    :data:`WIDE_DAYS`, so daily reports from one province never chain into
    a record longer than a week.
    """
    if a.synthetic != b.synthetic:
        return False
    span = (max(a.date_end, b.date_end) - min(a.date_start, b.date_start)).days
    return span <= WIDE_DAYS and bool(a.provinces & b.provinces or _across_one_segment(a, b))


def score(incoming: Facts, stored: Facts) -> tuple[int, int, int, int]:
    """How well a compatible stored incident fits; the highest wins.

    More shared provinces first (the same ground), then closer windows, then
    windows of the same width (a "day" report belongs with a "day" record
    rather than with a month), then the finer stored location.
    """
    width = abs(_width(incoming) - _width(stored))
    return (
        len(incoming.provinces & stored.provinces),
        -day_gap(incoming, stored),
        -width,
        -list(LocationPrecision).index(stored.location_precision),
    )


def distance_km(a: Facts, b: Facts) -> float:
    """Great-circle distance between the two points (both must have one)."""
    assert a.lat is not None and a.lon is not None and b.lat is not None and b.lon is not None
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat, dlon = lat2 - lat1, math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _across_one_segment(a: Facts, b: Facts) -> bool:
    """Day-precise, on the two sides of a border segment they both lie on."""
    precise = a.date_precision in DAY_PRECISE and b.date_precision in DAY_PRECISE
    if not precise or not a.provinces or not b.provinces:
        return False
    return any(
        set(segment_units(segment)) & a.provinces and set(segment_units(segment)) & b.provinces
        for segment in a.segments & b.segments
    )


def _spread(facts: Facts) -> bool:
    """Placed in two provinces of one country: its point is only the first of several places."""
    countries = [code.split("-", 1)[0] for code in facts.provinces]
    return len(countries) != len(set(countries))


def _has_point(facts: Facts) -> bool:
    return facts.location_precision in POINT_PRECISE and facts.lat is not None


def _width(facts: Facts) -> int:
    return (facts.date_end - facts.date_start).days
