"""An API request's query values, read into the dashboard's own filter or refused with a reason.

The API's queryables are the dashboard's link parameters (``province``,
``segment``, ``country``, ``type``, ``minfat``, ``q``, ``review``,
``synthetic``: :data:`dashboard.query.FILTER_PARAMS`), so a link copied from
the dashboard and an API query select the same incidents; the values go to
:meth:`IncidentFilter.from_params`, as the sidebar's and ``borderwatch
export``'s do. Lists are comma-separated (``province=AM-GR,AZ-KAL``).
``datetime`` is the standard's: a date, a date-time or an interval with
``..`` for an open end; an incident is kept when its date *window* meets it.

Every refusal is a :class:`ValueError` whose message names the parameter and
what is wrong with it: the service answers it as the standard's 400.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime

from dashboard.models import ReviewStatus
from dashboard.query import IncidentFilter

# The queryables and their JSON Schema types (OGC API - Features, Part 3 "Queryables").
QUERYABLES: dict[str, dict[str, object]] = {
    "province": {"type": "string", "description": "ISO 3166-2 codes, comma-separated"},
    "segment": {"type": "string", "description": "Border segment ids, comma-separated"},
    "country": {"type": "string", "description": "Country codes, comma-separated"},
    "type": {"type": "string", "description": "ACLED event types, comma-separated"},
    "minfat": {"type": "integer", "description": "At least this many fatalities"},
    "review": {
        "type": "string",
        "description": "Review statuses, comma-separated (default: all but rejected and duplicate)",
    },
    "synthetic": {"type": "boolean", "description": "Include synthetic (test) incidents"},
    "since": {
        "type": "string",
        "format": "date-time",
        "description": "Only incidents created or changed after this time (RFC 3339), to poll",
    },
}

_LISTS = ("province", "segment", "country", "type", "review")
# Query cost: a filter naming hundreds of codes or a search for a paragraph is refused.
MAX_VALUES = 50
MAX_TEXT = 200
_TRUE = {"true", "1", "yes"}
_FALSE = {"false", "0", "no", ""}


def incident_filter(properties: Iterable[tuple[str, str]], q: str | None) -> IncidentFilter:
    """The filter a request's queryables and ``q`` describe (no dates: see :func:`date_range`)."""
    given: Mapping[str, str] = dict(properties)
    params: dict[str, object] = {}
    for name in _LISTS:
        if given.get(name):
            params[name] = _values(name, given[name])
    for status in params.get("review", ()):  # type: ignore[union-attr]
        if status not in _REVIEW_STATUSES:
            raise ValueError(
                f"review: unknown status {status!r} (one of {', '.join(_REVIEW_STATUSES)})"
            )
    if given.get("minfat"):
        params["minfat"] = _count("minfat", given["minfat"])
    if "synthetic" in given:
        params["synthetic"] = _flag("synthetic", given["synthetic"])
    if q is not None:
        if len(q) > MAX_TEXT:
            raise ValueError(f"q: at most {MAX_TEXT} characters")
        params["q"] = q
    return IncidentFilter.from_params(params)


_REVIEW_STATUSES = tuple(s.value for s in ReviewStatus)


def _values(name: str, raw: str) -> tuple[str, ...]:
    values = tuple(v.strip() for v in raw.split(",") if v.strip())
    if len(values) > MAX_VALUES:
        raise ValueError(f"{name}: at most {MAX_VALUES} values")
    return values


def _count(name: str, raw: str) -> int:
    try:
        number = int(raw)
    except ValueError:
        raise ValueError(f"{name}: {raw!r} is not a whole number") from None
    if number < 0:
        raise ValueError(f"{name}: must be 0 or more, not {number}")
    return number


def _flag(name: str, raw: str) -> bool:
    word = raw.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"{name}: {raw!r} is not true or false")


def since_time(value: str | None) -> datetime | None:
    """The ``since`` queryable as an aware time (a date is its midnight, UTC if no zone)."""
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"since: {value!r} is not an RFC 3339 date-time") from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def date_range(value: str | None) -> tuple[date | None, date | None]:
    """The first and last day the standard's ``datetime`` value covers (``None``: open).

    Incidents are dated to the day, so a date-time counts as its day (in the
    time zone it is written in).
    """
    if value is None or not value.strip():
        return None, None
    parts = value.split("/")
    if len(parts) > 2:
        raise ValueError(_DATETIME_HELP.format(value=value))
    if len(parts) == 1:
        day = _day(parts[0], value)
        if day is None:
            raise ValueError(_DATETIME_HELP.format(value=value))
        return day, day
    start, end = (_day(part, value) for part in parts)
    if start is not None and end is not None and end < start:
        raise ValueError(f"datetime: the interval {value!r} ends before it starts")
    return start, end


_DATETIME_HELP = (
    "datetime: {value!r} is not an RFC 3339 date, date-time or interval "
    "(e.g. 2022-09-13, 2022-09-01T00:00:00Z, 2022-09-01/2022-09-30 or 2022-09-01/..)"
)


def _day(part: str, whole: str) -> date | None:
    part = part.strip()
    if part in ("", ".."):
        return None
    try:
        if len(part) == 10:
            return date.fromisoformat(part)
        return datetime.fromisoformat(part).date()
    except ValueError:
        raise ValueError(_DATETIME_HELP.format(value=whole)) from None


def bbox_values(bbox: Iterable[float]) -> tuple[float, float, float, float] | None:
    """``(min lon, min lat, max lon, max lat)`` of a 2D or 3D bbox, or ``None`` for none."""
    values = [float(v) for v in bbox]
    if not values:
        return None
    if len(values) == 6:
        values = [values[0], values[1], values[3], values[4]]
    if len(values) != 4:
        raise ValueError("bbox: four numbers, min lon, min lat, max lon, max lat")
    west, south, east, north = values
    if south > north:
        raise ValueError("bbox: the southern edge lies north of the northern one")
    return west, south, east, north
