"""An incident's reviewable fields as JSON values, and the :class:`Correction` an analyst makes.

Revisions store each changed field's value before and after as JSON
(``incident_revisions.changes``), locks name fields (``locked_fields``), and
a machine write compares its reading with a correction field by field. All
three need one naming of the fields and one JSON form of each, which is
this module (pure: no database):

- ``date``: ``{"start", "end", "precision"}`` (ISO days);
- ``place``: ``{"location_precision", "lat", "lon", "place_name", "distance_km"}``;
- ``provinces``: ``[{"code", "name", "country"}]``; ``segments``: ``[{"id", "name"}]``;
- ``casualties``: ``[{"kind", "side", "count"}]``; ``actors``: a list of names;
- ``event_type``, ``summary``: text; ``fatalities``: a number or null;
- review fields, which no machine reads: ``status``, ``duplicate_of``, ``note``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any, NamedTuple

from dashboard.models import (
    CasualtyCount,
    CasualtyKind,
    DatePrecision,
    EventType,
    Incident,
    LocationPrecision,
    ProvinceRef,
    ReviewStatus,
    SegmentRef,
)

# Fields extraction and imports also write: a correction of one locks it.
MACHINE_FIELDS = (
    "date",
    "place",
    "provinces",
    "segments",
    "event_type",
    "casualties",
    "fatalities",
    "actors",
    "summary",
)
# Fields only people write.
REVIEW_FIELDS = ("status", "duplicate_of", "note")


class DateWindow(NamedTuple):
    """A corrected date window and the precision that names its width."""

    start: date
    end: date
    precision: DatePrecision


class Place(NamedTuple):
    """A corrected place: a gazetteer place, a province, a segment or a clicked point.

    The caller resolves what the analyst picked (see :mod:`dashboard.resolve`):
    a point has ``lat``/``lon`` and a precision of ``point``; a province alone
    has none and ``province`` precision.
    """

    location_precision: LocationPrecision
    lat: float | None = None
    lon: float | None = None
    place_name: str | None = None
    distance_km: float | None = None


class _Keep(Enum):
    KEEP = "keep"


KEEP = _Keep.KEEP
"""Leave the field as it is (for :attr:`Correction.fatalities`, where ``None`` means unknown)."""


@dataclass(frozen=True)
class Correction:
    """What an analyst changes on one incident; a field left ``None`` stays as it is.

    ``fatalities`` is the exception: ``None`` is a value there ("not
    reported"), so :data:`KEEP` leaves it. A ``duplicate`` status needs
    ``duplicate_of``; any other status clears it.
    """

    status: ReviewStatus | None = None
    duplicate_of: str | None = None
    window: DateWindow | None = None
    place: Place | None = None
    provinces: tuple[ProvinceRef, ...] | None = None
    segments: tuple[SegmentRef, ...] | None = None
    event_type: EventType | None = None
    casualties: tuple[CasualtyCount, ...] | None = None
    fatalities: int | _Keep | None = KEEP
    actors: tuple[str, ...] | None = None
    summary: str | None = None
    note: str | None = None

    def values(self) -> dict[str, Any]:
        """The fields this correction sets, as JSON values; raises ``ValueError`` if invalid."""
        self._check()
        found: dict[str, Any] = {}
        if self.status is not None:
            found["status"] = self.status.value
            found["duplicate_of"] = self.duplicate_of
        if self.window is not None:
            found["date"] = _window_value(*self.window)
        if self.place is not None:
            found["place"] = _place_value(self.place)
        found |= self._lists()
        if self.event_type is not None:
            found["event_type"] = self.event_type.value
        if self.fatalities is not KEEP:
            found["fatalities"] = self.fatalities
        if self.summary is not None:
            found["summary"] = self.summary
        if self.note is not None:
            found["note"] = self.note
        return found

    def _lists(self) -> dict[str, list[Any]]:
        """The list fields this correction sets (provinces, segments, casualties, actors)."""
        found: dict[str, list[Any]] = {}
        if self.provinces is not None:
            found["provinces"] = [_province_value(p) for p in self.provinces]
        if self.segments is not None:
            found["segments"] = [{"id": s.id, "name": s.name} for s in self.segments]
        if self.casualties is not None:
            found["casualties"] = [_casualty_value(c) for c in self.casualties]
        if self.actors is not None:
            found["actors"] = list(self.actors)
        return found

    def _check(self) -> None:
        if self.status is ReviewStatus.DUPLICATE and not self.duplicate_of:
            raise ValueError("a duplicate needs the id of the incident it duplicates")
        if self.duplicate_of and self.status is not ReviewStatus.DUPLICATE:
            raise ValueError("duplicate_of goes with the status duplicate")
        if self.window is not None and self.window.end < self.window.start:
            raise ValueError("the date window ends before it starts")
        if isinstance(self.fatalities, int) and self.fatalities < 0:
            raise ValueError("fatalities cannot be negative")


def machine_values(incident: Incident) -> dict[str, Any]:
    """The incident's :data:`MACHINE_FIELDS` as JSON values."""
    return {
        "date": _window_value(incident.date_start, incident.date_end, incident.date_precision),
        "place": _place_value(
            Place(
                incident.location_precision,
                incident.lat,
                incident.lon,
                incident.place_name,
                incident.distance_km,
            )
        ),
        "provinces": [_province_value(p) for p in incident.provinces],
        "segments": [{"id": s.id, "name": s.name} for s in incident.segments],
        "event_type": incident.event_type.value,
        "casualties": [_casualty_value(c) for c in incident.casualties],
        "fatalities": incident.fatalities,
        "actors": list(incident.actors),
        "summary": incident.summary,
    }


def with_values(incident: Incident, values: dict[str, Any]) -> Incident:
    """The incident with the given machine fields set from their JSON values (others ignored)."""
    changes: dict[str, Any] = {}
    if "date" in values:
        window = values["date"]
        changes |= {
            "date_start": date.fromisoformat(window["start"]),
            "date_end": date.fromisoformat(window["end"]),
            "date_precision": DatePrecision(window["precision"]),
        }
    if "place" in values:
        place = values["place"]
        changes |= {
            "location_precision": LocationPrecision(place["location_precision"]),
            "lat": place["lat"],
            "lon": place["lon"],
            "place_name": place["place_name"],
            "distance_km": place["distance_km"],
        }
    if "provinces" in values:
        changes["provinces"] = tuple(ProvinceRef(**p) for p in values["provinces"])
    if "segments" in values:
        changes["segments"] = tuple(SegmentRef(**s) for s in values["segments"])
    if "event_type" in values:
        changes["event_type"] = EventType(values["event_type"])
    if "casualties" in values:
        changes["casualties"] = tuple(
            CasualtyCount(CasualtyKind(c["kind"]), c["side"], c["count"])
            for c in values["casualties"]
        )
    for name in ("fatalities", "summary"):
        if name in values:
            changes[name] = values[name]
    if "actors" in values:
        changes["actors"] = tuple(values["actors"])
    return dataclasses.replace(incident, **changes)


def _window_value(start: date, end: date, precision: DatePrecision) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat(), "precision": precision.value}


def _place_value(place: Place) -> dict[str, Any]:
    return {
        "location_precision": LocationPrecision(place.location_precision).value,
        "lat": place.lat,
        "lon": place.lon,
        "place_name": place.place_name,
        "distance_km": place.distance_km,
    }


def _province_value(province: ProvinceRef) -> dict[str, str]:
    return {"code": province.code, "name": province.name, "country": province.country}


def _casualty_value(count: CasualtyCount) -> dict[str, Any]:
    return {"kind": count.kind.value, "side": count.side, "count": count.count}
