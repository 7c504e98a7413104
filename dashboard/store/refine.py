"""Combining a stored incident with another report of the same event.

When :mod:`~dashboard.store.matching` says an incoming incident is an event
already stored under another id, the stored record keeps its id and takes
the better of what the two reports know, so that several reports make one
record that is as exact as the most exact of them:

- **date window**: the narrower window when it lies inside a vaguer other,
  with its precision ("12 May" refines "May"); day-precise windows ("12
  July" and "12 to 14 July": a clash's first day and its whole) and windows
  that do not nest (a follow-up the next day) become the span covering both;
- **place**: the finer location precision with its point, place name and
  distance to the border (a village refines its province);
- **provinces, segments, actors**: the union, stored ones first;
- **casualties**: per kind and side the larger figure
  (:mod:`~dashboard.store.tolls` says why: each side reports its own dead,
  counts rise over days, and reports do not arrive in order);
- **fatalities**: the larger known count, or the merged killed toll where the
  sides' figures from both reports add up to more. The citations keep every
  source's own claim beside it;
- **event type**: the stored one (both describe the same event).

The rules are symmetric where the result can differ (nested windows, finer
places, unions up to order, the maximum), so merging the same reports in
another order gives the same record.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from dashboard.models import DatePrecision, Incident, LocationPrecision, window_label
from dashboard.store import tolls
from dashboard.store.matching import DAY_PRECISE

Window = tuple[date, date, DatePrecision]
_T = TypeVar("_T")


def refine(stored: Incident, incoming: Incident) -> Incident:
    """The stored incident improved by ``incoming``, another report of the same event."""
    start, end, precision = merged_window(_window(stored), _window(incoming))
    place = incoming if _finer_place(incoming, stored) else stored
    casualties = tolls.merged_casualties(stored, incoming)
    refined = dataclasses.replace(
        stored,
        date_start=start,
        date_end=end,
        date_precision=precision,
        location_precision=place.location_precision,
        lat=place.lat,
        lon=place.lon,
        place_name=place.place_name,
        distance_km=place.distance_km,
        fatalities=tolls.merged_fatalities(stored, incoming, casualties),
        casualties=casualties,
        actors=tuple(dict.fromkeys((*stored.actors, *incoming.actors))),
        provinces=_union(stored.provinces, incoming.provinces, key=lambda p: p.code),
        segments=_union(stored.segments, incoming.segments, key=lambda s: s.id),
        citations=(),
    )
    return dataclasses.replace(refined, summary=restated(stored, refined))


def merged_window(a: Window, b: Window) -> Window:
    """The narrower window if one lies inside a vaguer other; else the span covering both.

    Two day-precise windows are both exact: "12 July" and "12 to 14 July"
    are the first day and the whole of one clash, so they make the span.
    """
    if a[:2] == b[:2]:
        return min(a, b, key=lambda w: _rank(w[2]))
    if a[2] in DAY_PRECISE and b[2] in DAY_PRECISE:
        return min(a[0], b[0]), max(a[1], b[1]), DatePrecision.DAYS
    if _inside(b, a):
        return b
    if _inside(a, b):
        return a
    start, end = min(a[0], b[0]), max(a[1], b[1])
    if a[2] in DAY_PRECISE and b[2] in DAY_PRECISE:
        return start, end, DatePrecision.DAYS
    return start, end, max(a[2], b[2], key=_rank)


def _window(incident: Incident) -> Window:
    return incident.date_start, incident.date_end, incident.date_precision


def _inside(inner: Window, outer: Window) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _rank(precision: DatePrecision) -> int:
    return list(DatePrecision).index(precision)


def _finer_place(incoming: Incident, stored: Incident) -> bool:
    """Incoming places better: a finer precision, or the same one with a point where none was."""
    order = list(LocationPrecision)
    mine, theirs = order.index(incoming.location_precision), order.index(stored.location_precision)
    if mine != theirs:
        return mine < theirs
    return stored.lat is None and incoming.lat is not None


def _union(
    stored: tuple[_T, ...], incoming: tuple[_T, ...], *, key: Callable[[_T], str]
) -> tuple[_T, ...]:
    """Stored items, then incoming ones whose key is not yet there."""
    seen = {key(item) for item in stored}
    return (*stored, *(item for item in incoming if key(item) not in seen))


def restated(stored: Incident, refined: Incident) -> str:
    """The stored summary with its window and place words brought up to date.

    Summaries name the window in :func:`window_label`'s wording and the place
    by name; a refined record must not read "May 2024" beside a 12 May date.
    """
    summary = stored.summary
    old_when = window_label(stored.date_start, stored.date_end, stored.date_precision)
    new_when = window_label(refined.date_start, refined.date_end, refined.date_precision)
    summary = summary.replace(old_when, new_when, 1)
    if stored.place_name and refined.place_name and stored.place_name != refined.place_name:
        summary = summary.replace(stored.place_name, refined.place_name, 1)
    return summary
