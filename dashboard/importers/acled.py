"""ACLED exports (CSV) → import record fields.

Columns of the current layout (2023 on) are :data:`ACLED_COLUMNS`; older
exports lack ``disorder_type``, ``civilian_targeting`` and ``tags``, add
``data_id``, ``event_id_no_cnty`` and ``iso3``, and some spell
``geo_precision`` as ``geo_precis``. Headers are matched case-insensitively.
Only :data:`REQUIRED` must be present; the rest are read when there.

Mappings (ACLED codebook wording, paraphrased):

- ``event_id_cnty`` → incident id ``acled:<event_id_cnty>``: the stable key,
  so re-importing an export, or a newer one, changes nothing already stored.
- ``event_date``: every shape ACLED's tools and spreadsheets write
  (:mod:`.dates`: ``2021-05-12``, ``12 May 2021``, ``8-May-20``,
  ``5/8/2020``…); it must agree with ``year`` when that is given.
- ``time_precision`` → date precision and window:
  1 the source gives the day → ``day``, that day;
  2 the source gives a week (or a few days), coded to a day inside it →
  ``week``, that day ± 3 days;
  3 the source gives only the month → ``month``, the calendar month.
- ``geo_precision`` → location precision:
  1 the event's own town or village, with its coordinates → ``point``;
  2 near a town, or a small part of a region, coded to a nearby town →
  ``near_place``;
  3 only a larger region, coded to its capital or centre → ``province``.
- ``notes`` → summary (the coder's summary, not a quotation);
  ``fatalities`` → fatalities; ``actor1``, ``assoc_actor_1``, ``actor2``,
  ``assoc_actor_2`` (``;``-separated) → actors; ``location`` → place name;
  ``country``, ``admin1``, ``admin2`` → the file's own place names.
- ``source`` (``;``-separated names) → one dataset-record source per name,
  without text, shared by every row naming it. A source named ``synthetic``
  is the synthetic publisher: such rows are test data.

Dataset fields: every other column is kept as the file wrote it, in the
record's attributes (:data:`ATTRIBUTE_COLUMNS`): ``disorder_type``,
``sub_event_type``, both actors with their associates and ``inter`` codes,
``interaction``, ``civilian_targeting``, ``tags``, ``source``,
``source_scale``, ``geo_precision``, ``time_precision``, ``admin3``,
``iso``, ``region``, ``timestamp`` and the older layouts' ids. ``notes`` is
the summary, verbatim. ``timestamp`` (epoch seconds: when ACLED last changed
the event) is also the record's version: re-importing a newer export
revises the stored event, an older one leaves it (see
:mod:`dashboard.store.living`).
"""

from __future__ import annotations

import calendar
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from typing import Any

from dashboard.importers.dates import DateReader
from dashboard.importers.fields import code, event_type
from dashboard.importers.records import KeptColumns, RowError, dataset_source, split_list
from dashboard.models import DatePrecision, LocationPrecision

DATASET = "acled"

ACLED_COLUMNS = (
    "event_id_cnty",
    "event_date",
    "year",
    "time_precision",
    "disorder_type",
    "event_type",
    "sub_event_type",
    "actor1",
    "assoc_actor_1",
    "inter1",
    "actor2",
    "assoc_actor_2",
    "inter2",
    "interaction",
    "civilian_targeting",
    "iso",
    "region",
    "country",
    "admin1",
    "admin2",
    "admin3",
    "location",
    "latitude",
    "longitude",
    "geo_precision",
    "source",
    "source_scale",
    "notes",
    "fatalities",
    "tags",
    "timestamp",
)
OLD_COLUMNS = ("data_id", "event_id_no_cnty", "iso3", "geo_precis")
# Columns kept as dataset fields: all but those the incident's own fields hold as written.
ATTRIBUTE_COLUMNS = tuple(
    c
    for c in ACLED_COLUMNS + OLD_COLUMNS
    if c not in ("event_id_cnty", "event_date", "year", "notes", "fatalities", "latitude",
                 "longitude", "location", "country", "admin1", "admin2")
)  # fmt: skip
REQUIRED = (
    "event_id_cnty",
    "event_date",
    "time_precision",
    "event_type",
    "latitude",
    "longitude",
    "geo_precision|geo_precis",
)

TIME_PRECISION = {"1": DatePrecision.DAY, "2": DatePrecision.WEEK, "3": DatePrecision.MONTH}
GEO_PRECISION = {
    "1": LocationPrecision.POINT,
    "2": LocationPrecision.NEAR_PLACE,
    "3": LocationPrecision.PROVINCE,
}
# A week-precision event is coded to a day inside the week: that day ± 3 days.
WEEK_HALF_WIDTH = timedelta(days=3)

_COLUMN_OF = {
    "id": "event_id_cnty",
    "date_start": "event_date",
    "date_end": "event_date",
    "date_precision": "time_precision",
    "event_type": "event_type",
    "location_precision": "geo_precision",
    "lat": "latitude",
    "lon": "longitude",
    "summary": "notes",
    "fatalities": "fatalities",
    "actors": "actor1",
    "place_name": "location",
    "country": "country",
    "admin1": "admin1",
    "admin2": "admin2",
    "sources": "source",
}


def date_window(day: date, precision: DatePrecision) -> tuple[date, date]:
    """The window an ACLED date stands for at the given precision (see the module rules)."""
    if precision is DatePrecision.WEEK:
        return day - WEEK_HALF_WIDTH, day + WEEK_HALF_WIDTH
    if precision is DatePrecision.MONTH:
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    return day, day


class AcledMapper:
    """Rows of an ACLED export → :class:`~.records.ImportRecord` fields."""

    dataset = DATASET
    columns = ACLED_COLUMNS + OLD_COLUMNS

    def __init__(self) -> None:
        self.dates = DateReader()
        self._kept = KeptColumns(ATTRIBUTE_COLUMNS)

    def date_columns(self) -> tuple[str, ...]:
        return ("event_date",)

    def missing_columns(self, present: Collection[str]) -> list[str]:
        self._kept = KeptColumns(ATTRIBUTE_COLUMNS, present)  # the file's own columns
        return [c for c in REQUIRED if not any(a in present for a in c.split("|"))]

    def column_of(self, field: str) -> str:
        return _COLUMN_OF.get(field, field)

    def to_fields(self, row: Mapping[str, Any]) -> dict[str, Any]:
        # Written for speed (it runs once per row of million-row files): each
        # value is fetched once, and CSV values are always strings.
        get = row.get
        event_id = get("event_id_cnty", "").strip()
        if not event_id:
            raise RowError("event_id_cnty is empty")
        try:
            day = self.dates.read(get("event_date") or "")
        except RowError as exc:
            raise RowError(f"event_date: {exc}") from None
        year = get("year", "").strip()
        if year and year != str(day.year):
            raise RowError(f"year {year} does not match event_date {day.isoformat()}")
        precision = code(TIME_PRECISION, get("time_precision"), "time_precision")
        start, end = date_window(day, precision)
        geo = get("geo_precision", get("geo_precis"))
        sources = get("source", "")
        return {
            "id": f"{DATASET}:{event_id}",
            "dataset": DATASET,
            "date_start": start,
            "date_end": end,
            "date_precision": precision,
            "event_type": event_type(get("event_type")),
            "location_precision": code(GEO_PRECISION, geo, "geo_precision"),
            "lat": get("latitude") or None,  # blank: placed by its names
            "lon": get("longitude") or None,
            "summary": get("notes", "").strip(),
            "fatalities": get("fatalities", "").strip() or None,
            "actors": _actors(
                get("actor1", ""), get("assoc_actor_1", ""), get("actor2", ""),
                get("assoc_actor_2", ""),
            ),
            "place_name": get("location", "").strip() or None,
            "country": get("country", "").strip() or None,
            "admin1": get("admin1", "").strip() or None,
            "admin2": get("admin2", "").strip() or None,
            "sources": (
                tuple(dataset_source(DATASET, name) for name in split_list(sources))
                if sources
                else ()
            ),
            "attributes": self._kept(row),
            "dataset_timestamp": _timestamp(get("timestamp", "")),
        }  # fmt: skip


def _timestamp(value: str) -> int | None:
    """ACLED's ``timestamp`` (epoch seconds, "1700000000" or "1700000000.0"); ``None`` if blank."""
    text = value.strip().removesuffix(".0")
    if not text:
        return None
    if not text.isdigit():
        raise RowError(f"timestamp: {value!r} is not epoch seconds")
    return int(text)


def _actors(*values: str) -> tuple[str, ...]:
    """Actor names in order, first of each kept; ``assoc_actor_*`` hold ``;``-separated lists."""
    names: list[str] = []
    for value in values:
        if ";" in value:
            names.extend(split_list(value))
        elif stripped := value.strip():
            names.append(stripped)
    return tuple(dict.fromkeys(names)) if len(names) > 1 else tuple(names)
