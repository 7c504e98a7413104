r"""Monitors' own tables (CSV, GeoJSON points) → import record fields, by column mapping.

Fields and the columns read for them when ``--map FIELD=COLUMN`` does not
say otherwise (the first column present wins). The defaults are the columns
``borderwatch export`` writes, so an export imports back unchanged:

=====================  =====================================================
field                  default columns; meaning
=====================  =====================================================
``id``                 ``id``: kept as is when it has a ``prefix:``, else
                       ``csv:<id>`` (``geojson:<id>``); without one, the id
                       is a hash of the row's mapped values
``date``               ``date``, ``event_date``: a one-day event
``date_start/_end``    ``date_start``, ``date_end``: a window (end defaults
                       to the start)
``date_precision``     ``date_precision``: day/days/week/month/year or UCDP
                       1-5; without it, from the window's width: 1 day →
                       day, ≤ 6 → days, 7 → week, ≤ 31 → month, else year
``event_type``         ``event_type``: an ACLED event type (any case)
``location_precision`` ``location_precision``: point/near_place/
                       border_segment/district/province/country or UCDP 1-6;
                       default ``near_place`` (coordinates of a named place)
``lat``, ``lon``       ``lat``/``latitude``, ``lon``/``longitude``/``lng``;
                       for GeoJSON the point geometry comes first; a row
                       without them is placed by its place names
                       (:mod:`.naming`), so a table of names needs none
``summary``            ``summary``, ``notes``
``fatalities``         ``fatalities``: blank means not reported
``casualties``         ``casualties``: by kind and side, ``killed:AM=4;
                       wounded:?=1`` (``?``: side not stated), or for
                       GeoJSON a list of ``{kind, side, count}`` objects,
                       as exports write (:mod:`dashboard.casualty_text`)
``actors``             ``actors``: ``;``-separated (``\;`` is a ``;`` inside
                       a name, as exports write it), or a JSON list
``place_name``         ``place_name``, ``location``
``country/admin1/2``   ``file_country``/``country``, ``file_admin1``/
                       ``admin1``, ``file_admin2``/``admin2``: the file's own
                       place names
``dataset``            ``file_dataset``: whose place names they are
                       (default ``csv``/``geojson``)
``attributes``         ``file_attributes``: the dataset's own fields, a
                       JSON object, as exports write them
``source``             ``source``, ``sources``: source names, ``;``-separated
                       (GeoJSON: also a list of names or of objects with
                       ``id``, ``title``, ``publisher``, ``url``,
                       ``published``, ``claim``, as exports write)
``source_ids`` …       ``source_ids``, ``source_titles``,
                       ``source_publishers``, ``source_urls``,
                       ``source_published``, ``source_claims``: parallel
                       ``;``-separated lists, as CSV exports write; they win
                       over ``source``
=====================  =====================================================
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from pydantic import ValidationError

from dashboard.casualty_text import parse_casualties
from dashboard.importers.dates import DateReader, parse_date
from dashboard.importers.fields import event_type
from dashboard.importers.records import (
    RowError,
    SourceRecord,
    blank_to_none,
    dataset_source,
    describe_errors,
    hashed_id,
)
from dashboard.models import CasualtyCount, DatePrecision, LocationPrecision

DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "date": ("date", "event_date"),
    "date_start": ("date_start",),
    "date_end": ("date_end",),
    "date_precision": ("date_precision",),
    "event_type": ("event_type",),
    "location_precision": ("location_precision",),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "longitude", "lng"),
    "summary": ("summary", "notes"),
    "fatalities": ("fatalities",),
    "casualties": ("casualties",),
    "actors": ("actors",),
    "place_name": ("place_name", "location"),
    "country": ("file_country", "country"),
    "admin1": ("file_admin1", "admin1"),
    "admin2": ("file_admin2", "admin2"),
    "dataset": ("file_dataset",),
    "attributes": ("file_attributes",),
    "source": ("source", "sources"),
    "source_ids": ("source_ids",),
    "source_titles": ("source_titles",),
    "source_publishers": ("source_publishers",),
    "source_urls": ("source_urls",),
    "source_published": ("source_published",),
    "source_claims": ("source_claims",),
}
FIELDS = tuple(DEFAULT_COLUMNS)
# A point, or a place name to place the row by (:mod:`.naming`).
REQUIRED = (
    "date|date_start",
    "event_type",
    "lat|place_name|admin2|admin1|country",
    "lon|place_name|admin2|admin1|country",
)
DEFAULT_LOCATION_PRECISION = LocationPrecision.NEAR_PLACE

_DATE_PRECISIONS = {
    **{p.value: p for p in DatePrecision},
    **{str(p.ucdp_code): p for p in DatePrecision},
}
_LOCATION_PRECISIONS = {
    **{p.value: p for p in LocationPrecision},
    **{str(p.ucdp_code): p for p in LocationPrecision},
}
_SOURCE_LISTS = ("ids", "titles", "publishers", "urls", "published", "claims")


def _need_label(need: str) -> str:
    """A required column as the missing-column message names it."""
    first, *others = need.split("|")
    if first in ("lat", "lon"):
        return f"{first} (or a place name column: {', '.join(others)})"
    return need


def precision_from_width(start: date, end: date) -> DatePrecision:
    """The date precision a window's width implies (see the module table)."""
    days = (end - start).days + 1
    if days == 1:
        return DatePrecision.DAY
    if days <= 6:
        return DatePrecision.DAYS
    if days == 7:
        return DatePrecision.WEEK
    if days <= 31:
        return DatePrecision.MONTH
    return DatePrecision.YEAR


class TabularMapper:
    """A CSV or GeoJSON table → :class:`~.records.ImportRecord` fields.

    ``prefix`` (``csv`` or ``geojson``) starts ids made here and is the
    default dataset name. The runner renames mapped columns to their field
    names first, so a field is read from its own name, then from its defaults.
    """

    columns = FIELDS

    def __init__(self, prefix: str) -> None:
        self.dataset = prefix
        self.dates = DateReader()
        self._column_of: dict[str, str] = {}

    def date_columns(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys(
                column
                for name in ("date", "date_start", "date_end")
                for column in (name, *DEFAULT_COLUMNS[name])
            )
        )

    def missing_columns(self, present: Collection[str]) -> list[str]:
        self._column_of = {
            field: next((c for c in (field, *defaults) if c in present), field)
            for field, defaults in DEFAULT_COLUMNS.items()
        }
        return [
            _need_label(need)
            for need in REQUIRED
            if not any(self._column_of[f] in present for f in need.split("|"))
        ]

    def column_of(self, field: str) -> str:
        return self._column_of.get(field, field)

    def to_fields(self, row: Mapping[str, Any]) -> dict[str, Any]:
        raw = {
            field: value
            for field in FIELDS
            if (value := blank_to_none(_first(row, field))) is not None
        }
        start, end = self._window(raw)
        given = raw.get("date_precision")
        fields = {
            "id": self._id(raw),
            "dataset": raw.get("dataset", self.dataset),
            "date_start": start,
            "date_end": end,
            "date_precision": (
                _lookup(_DATE_PRECISIONS, given, self.column_of("date_precision"))
                if given is not None
                else precision_from_width(start, end)
            ),
            "event_type": event_type(raw.get("event_type"), self.column_of("event_type")),
            "location_precision": _lookup(
                _LOCATION_PRECISIONS,
                raw.get("location_precision", DEFAULT_LOCATION_PRECISION.value),
                self.column_of("location_precision"),
            ),
            "lat": raw.get("lat"),
            "lon": raw.get("lon"),
            "summary": str(raw.get("summary", "")),
            "fatalities": raw.get("fatalities"),
            "casualties": self._casualties(raw),
            "actors": tuple(dict.fromkeys(a for a in _items(raw.get("actors")) if a)),
            "place_name": raw.get("place_name"),
            "country": raw.get("country"),
            "admin1": raw.get("admin1"),
            "admin2": raw.get("admin2"),
            "sources": self._sources(raw),
            "attributes": self._attributes(raw.get("attributes")),
        }
        return fields

    def _attributes(self, value: Any) -> dict[str, str]:
        """Dataset fields as an export writes them: a JSON object (text in CSV)."""
        if value is None:
            return {}
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError as exc:
                raise RowError(
                    f"{self.column_of('attributes')}: not a JSON object ({exc})"
                ) from None
        if not isinstance(value, dict):
            raise RowError(f"{self.column_of('attributes')}: not a JSON object")
        return {str(k): str(v) for k, v in value.items() if v is not None and str(v) != ""}

    def _id(self, raw: Mapping[str, Any]) -> str:
        given = raw.get("id")
        if given is None:
            return hashed_id(self.dataset, raw)
        text = str(given)
        return text if ":" in text else f"{self.dataset}:{text}"

    def _window(self, raw: Mapping[str, Any]) -> tuple[date, date]:
        if "date_start" in raw:
            start = self._date(raw, "date_start")
            return start, self._date(raw, "date_end") if "date_end" in raw else start
        if "date" in raw:
            day = self._date(raw, "date")
            return day, day
        raise RowError("no date (map a column with --map date=COLUMN or date_start=COLUMN)")

    def _date(self, raw: Mapping[str, Any], field: str) -> date:
        try:
            return self.dates.read(str(raw[field]))
        except RowError as exc:
            raise RowError(f"{self.column_of(field)}: {exc}") from None

    def _casualties(self, raw: Mapping[str, Any]) -> tuple[CasualtyCount, ...]:
        try:
            return parse_casualties(raw.get("casualties"))
        except ValueError as exc:
            raise RowError(f"{self.column_of('casualties')}: {exc}") from None

    def _sources(self, raw: Mapping[str, Any]) -> tuple[SourceRecord, ...]:
        if "source_ids" in raw:
            return _parallel_sources(raw)
        value = raw.get("source")
        if isinstance(value, list) and any(isinstance(v, Mapping) for v in value):
            known = SourceRecord.model_fields
            try:
                return tuple(
                    SourceRecord.model_validate({k: w for k, w in v.items() if k in known})
                    for v in value
                    if isinstance(v, Mapping)
                )
            except ValidationError as exc:
                column = self.column_of("source")
                raise RowError(f"{column}: {describe_errors(exc, {})}") from None
        names = dict.fromkeys(n for n in _items(value) if n)
        return tuple(dataset_source(self.dataset, name) for name in names)


def _first(row: Mapping[str, Any], field: str) -> Any:
    """The row's value for ``field``: under its own name, else under a default column."""
    for column in (field, *DEFAULT_COLUMNS[field]):
        value = row.get(column)
        if value is not None and value != "":
            return value
    return None


def _lookup(table: Mapping[str, Any], value: Any, column: str) -> Any:
    key = str(value).strip().lower().removesuffix(".0")
    if key not in table:
        raise RowError(f"{column}: {value!r} is not one of {', '.join(table)}")
    return table[key]


def _parallel_sources(raw: Mapping[str, Any]) -> tuple[SourceRecord, ...]:
    """Sources from the parallel ``source_*`` lists of a CSV export."""
    lists = {name: _items(raw.get(f"source_{name}")) for name in _SOURCE_LISTS}
    n = len(lists["ids"])
    for name, items in lists.items():
        if items and len(items) != n:
            raise RowError(f"source_{name} has {len(items)} entries but source_ids has {n}")
    records = []
    for i, source_id in enumerate(lists["ids"]):
        value = {name: (items[i] if items else "") for name, items in lists.items()}
        try:
            published = parse_date(value["published"]) if value["published"] else None
        except RowError as exc:
            raise RowError(f"source_published: {exc}") from None
        records.append(
            SourceRecord(
                id=source_id,
                title=value["titles"] or source_id,
                publisher=value["publishers"] or None,
                url=value["urls"] or None,
                published=published,
                claim=value["claims"] or None,
            )
        )
    return tuple(records)


def _items(value: Any) -> list[str]:
    """Positional items of a ``;``-joined list (empty items kept: they hold a place).

    ``\\;`` is a ``;`` inside an item and ``\\`` a backslash; any other
    backslash is kept as it is.
    """
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v).strip() if v is not None else "" for v in value]
    text = str(value)
    if "\\" not in text:
        return [item.strip() for item in text.split(";")]
    items, current, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            current.append(following if following in ";\\" else char + following)
        elif char == ";":
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    items.append("".join(current).strip())
    return items
