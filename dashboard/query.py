"""Filters and aggregates over the store's incidents, for the dashboard and for export.

The dashboard answers every filter change from memory: the incidents are
read once into an :class:`IncidentTable` (columnar, one row per incident,
plus link tables for provinces and segments) and each filter is a boolean
mask over it. Export uses the same table and the same masks, so a file
downloaded from the dashboard and one written by ``borderwatch export`` hold
the same incidents for the same filters. Only the free-text search goes to
the database (``LIKE`` over source text), because source text is too large
to keep in memory at scale.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from dashboard.models import (
    SEGMENT_WITHIN_KM,
    DatePrecision,
    LocationPrecision,
    ReviewStatus,
    country_code,
    window_label,
)
from dashboard.store import Store
from dashboard.store.changes import StoreVersion
from dashboard.store.columns import ColumnReader, RawColumns


@dataclass(frozen=True)
class IncidentFilter:
    """What the user asked to see; every field left empty means "no restriction".

    The date filter keeps an incident whose date *window* overlaps the range,
    so an incident known only to "May 2021" shows for any range touching May.
    Region filters (country, province, segment) keep an incident that involves
    any of the listed values.

    ``review`` is the one exception to "empty means everything": it keeps
    incidents whose review status is listed, and left empty it keeps
    :data:`DEFAULT_REVIEW`, every status but ``rejected`` (not an incident)
    and ``duplicate`` (another incident holds its reports). A map or an
    export must not count those twice, or at all, unless asked: ask with
    ``review=("rejected",)`` or :data:`ALL_REVIEW`.
    """

    date_from: date | None = None
    date_to: date | None = None
    countries: tuple[str, ...] = ()
    provinces: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    event_types: tuple[str, ...] = ()
    min_fatalities: int | None = None
    text: str | None = None
    include_synthetic: bool = False
    review: tuple[str, ...] = ()
    # The border's countries: only incidents with a province in one of them (empty: all).
    # Not a link parameter: the dashboard and the export set it from the chosen border.
    scope: tuple[str, ...] = ()
    # With a scope, whether incidents placed on no province at all are kept too.
    scope_unplaced: bool = True
    # Only incidents changed by a store write numbered above this (the API's ``since``,
    # :meth:`Store.seq_at`); not a link parameter.
    changed_after: int | None = None

    @classmethod
    def from_params(cls, params: Mapping[str, Any]) -> IncidentFilter:
        """The filter a dashboard link's parameters describe (names in :data:`FILTER_PARAMS`).

        The one place where user-facing filter values become a filter, so the
        dashboard's sidebar and ``borderwatch export`` cannot drift apart: the
        same values select the same incidents in both. Values come already
        parsed (dates, numbers, lists of codes), as widgets and click give
        them; ``None``, empty lists, blank text, 0 fatalities and ``False``
        all mean "no restriction". Other names (e.g. ``incident``, the
        selection) are not filters and are ignored.
        """
        text = (params.get("q") or "").strip()
        return cls(
            date_from=_day(params.get("from")),
            date_to=_day(params.get("to")),
            countries=tuple(params.get("country") or ()),
            provinces=tuple(params.get("province") or ()),
            segments=tuple(params.get("segment") or ()),
            event_types=tuple(params.get("type") or ()),
            min_fatalities=int(params.get("minfat") or 0) or None,
            text=text or None,
            include_synthetic=bool(params.get("synthetic")),
            review=tuple(params.get("review") or ()),
        )


# The dashboard's link parameters that are filters (README: "Links"), in sidebar order.
FILTER_PARAMS = (
    "from",
    "to",
    "country",
    "province",
    "segment",
    "type",
    "minfat",
    "q",
    "synthetic",
    "review",
)


def dashboard_link(
    dashboard_url: str, incident_id: str, border: str, default_border: str | None = None
) -> str:
    """The incident in the dashboard at ``dashboard_url``: ``?incident=ID``, and ``border=``
    when the incident's border is not the dashboard's default one (README: "Links")."""
    if default_border is None:
        from dashboard.geo.layers import default_border_id  # noqa: PLC0415 - geopandas

        default_border = default_border_id()
    params = {"incident": incident_id}
    if border != default_border:
        params["border"] = border
    return f"{dashboard_url}?{urlencode(params)}"


# What an empty ``review`` filter keeps: everything an analyst has not set aside.
DEFAULT_REVIEW = tuple(
    s.value for s in ReviewStatus if s not in (ReviewStatus.REJECTED, ReviewStatus.DUPLICATE)
)
ALL_REVIEW = tuple(s.value for s in ReviewStatus)


def unknown_filter_values(
    filt: IncidentFilter,
    *,
    countries: Collection[str],
    provinces: Collection[str],
    segments: Collection[str],
    event_types: Collection[str],
) -> list[tuple[str, str]]:
    """``(link parameter, value)`` for each code in ``filt`` that names nothing known.

    A filter on a code that does not exist selects nothing, silently: the
    dashboard says which link values it dropped, and ``borderwatch export``
    refuses them, from this one check.
    """
    checks = (
        ("country", filt.countries, countries),
        ("province", filt.provinces, provinces),
        ("segment", filt.segments, segments),
        ("type", filt.event_types, event_types),
    )
    return [
        (name, value) for name, values, known in checks for value in values if value not in known
    ]


def _day(value: date | None) -> date | None:
    """A ``datetime`` (what click's DateTime gives) is narrowed to its day; empty is no day."""
    if not value:
        return None
    return value.date() if isinstance(value, datetime) else value


INCIDENT_COLUMNS = (
    "id",
    "date_start",
    "date_end",
    "date_precision",
    "event_type",
    "location_precision",
    "lat",
    "lon",
    "fatalities",
    "place_name",
    "distance_km",
    "summary",
    "synthetic",
    "review_status",
    "review_flag",
    "changed_seq",
)


@dataclass(frozen=True)
class IncidentTable:
    """All incidents, columnar, with their provinces, segments and reports.

    Read-only: share one instance (e.g. in ``st.cache_resource``) and never
    mutate its frames. ``provinces``, ``segments`` and ``citations`` are link
    tables whose ``row`` column is the incident's position in ``incidents``;
    ``citations`` numbers each report (``report``, a 64-bit hash of its source
    id: the same in every table, so a refreshed table's fresh rows agree with
    its old ones), so the reports behind a selection are counted once each
    however many incidents they yield. ``reports`` is
    each incident's number of reports. ``countries`` is a link table too: the
    country (ISO code) of imported incidents known only to a country, which
    have no province to name it.
    """

    incidents: pd.DataFrame
    provinces: pd.DataFrame
    segments: pd.DataFrame
    citations: pd.DataFrame = field(repr=False)
    countries: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {"row": np.zeros(0, np.int64), "country": pd.Series([], dtype=object)}
        )
    )
    # The store write this table reflects (None: a store before the change log, or
    # a table built by hand): :mod:`dashboard.refresh` reads only what changed since.
    version: StoreVersion | None = None

    @cached_property
    def reports(self) -> np.ndarray:
        """How many reports cite each incident (merged reports of one incident)."""
        rows = self.citations["row"].to_numpy(dtype=np.int64)
        return np.bincount(rows[rows >= 0], minlength=len(self.incidents)).astype(np.int64)

    def __len__(self) -> int:
        return len(self.incidents)

    @cached_property
    def on_segment(self) -> np.ndarray:
        """Whether each incident is placed *on* a border segment, not merely near one.

        The store links an incident known only to a province to every segment of
        that province (the words name no stretch), so a segment link alone says
        nothing. An incident is on its segments when its precision is
        ``border_segment`` (a stretch was named, or both sides' provinces), or
        when it has a point or a named place that lies within
        :data:`~dashboard.models.SEGMENT_WITHIN_KM` of the line (an unknown
        distance trusts the link: importers link a point only when it is that
        close). Computed once per table (it is shared and read-only).
        """
        frame = self.incidents
        precision = frame["location_precision"].to_numpy(dtype=object)
        km = frame["distance_km"].to_numpy(dtype=float)
        named = precision == LocationPrecision.BORDER_SEGMENT.value
        pointed = np.isin(precision, _POINT_PRECISIONS) & ~(km > SEGMENT_WITHIN_KM)
        linked = np.zeros(len(frame), dtype=bool)
        linked[self.segments["row"].to_numpy()] = True
        return (named | pointed) & linked

    @cached_property
    def segment_links(self) -> pd.DataFrame:
        """The segment links of the incidents :attr:`on_segment`: what segments count and filter."""
        if self.segments.empty:
            return self.segments
        return self.segments[self.on_segment[self.segments["row"].to_numpy()]]

    def column_in(self, column: str, values: Collection[str]) -> np.ndarray:
        """Whether each incident's ``column`` (a text column) is one of ``values``.

        Text columns are compared as integer codes, factorised once per table:
        pandas' ``isin`` over a million Python strings costs a second a filter.
        """
        codes, known = self._codes("incidents", column)
        return np.isin(codes, np.flatnonzero(known.isin(list(values))))

    def rows_with(self, links: str, column: str, values: Collection[str]) -> np.ndarray:
        """Whether each incident has a link in ``links`` (``"provinces"``, ``"segments"`` or
        ``"segment_links"``) whose ``column`` is one of ``values``."""
        frame = getattr(self, links)
        hit = np.zeros(len(self.incidents), dtype=bool)
        if len(frame):
            codes, known = self._codes(links, column)
            wanted = np.isin(codes, np.flatnonzero(known.isin(list(values))))
            hit[frame["row"].to_numpy()[wanted]] = True
        return hit

    def with_ids(self, ids: Collection[str]) -> np.ndarray:
        """Whether each incident's id is one of ``ids`` (by a hash index built once)."""
        positions = self._id_index.get_indexer(list(ids))
        hit = np.zeros(len(self.incidents), dtype=bool)
        hit[positions[positions >= 0]] = True
        return hit

    @cached_property
    def _id_index(self) -> pd.Index:
        return pd.Index(self.incidents["id"].to_numpy(dtype=object))

    def _codes(self, frame: str, column: str) -> tuple[np.ndarray, pd.Index]:
        key = (frame, column)
        if key not in self._code_cache:
            values = getattr(self, frame)[column].to_numpy(dtype=object)
            codes, known = pd.factorize(values)
            self._code_cache[key] = (codes, pd.Index(known))
        return self._code_cache[key]

    @cached_property
    def _code_cache(self) -> dict[tuple[str, str], tuple[np.ndarray, pd.Index]]:
        return {}

    @cached_property
    def in_province(self) -> np.ndarray:
        """Whether each incident is known only to a province or a district ("somewhere in it")."""
        precision = self.incidents["location_precision"].to_numpy(dtype=object)
        return np.isin(precision, _AREA_PRECISIONS)


_POINT_PRECISIONS = [LocationPrecision.POINT.value, LocationPrecision.NEAR_PLACE.value]
_AREA_PRECISIONS = [LocationPrecision.PROVINCE.value, LocationPrecision.DISTRICT.value]


def load_incident_table(store: Store) -> IncidentTable:
    """Read every incident (synthetic ones too: filters decide) into memory.

    The tables are read in one snapshot (:meth:`Store.snapshot`), so a
    document committed meanwhile shows whole or not at all: no link rows or
    report counts for incidents the table does not hold.
    """
    with store.snapshot() as snapshot:
        return read_incident_table(snapshot)


def read_incident_table(snapshot: ColumnReader) -> IncidentTable:
    """The incidents a snapshot reads (all, or those changed after its ``since``)."""
    incidents = incident_frame(snapshot.incidents(INCIDENT_COLUMNS))
    ids = incidents["id"].to_numpy(dtype=object)
    return IncidentTable(
        incidents,
        link_frame(snapshot.provinces(), ids),
        link_frame(snapshot.segments(), ids),
        citation_frame(snapshot.citations(), ids),
        countries=country_frame(snapshot.country_only(), ids),
        version=snapshot.version(),
    )


# The store hands over whole columns as object arrays, in no order: pandas'
# per-row probing and a sort inside the database each cost seconds at a
# million incidents, while numpy converts and sorts whole columns in a fraction.
# String columns stay plain ``object`` arrays (building Arrow strings for a
# million ids and names costs seconds too and buys the filters nothing).


def incident_frame(raw: RawColumns) -> pd.DataFrame:
    """The incidents as typed columns, by date then id."""
    frame = pd.DataFrame(
        {
            "id": _strings(raw["id"]),
            "date_start": _dates(raw["date_start"]),
            "date_end": _dates(raw["date_end"]),
            "date_precision": _strings(raw["date_precision"]),
            "event_type": _strings(raw["event_type"]),
            "location_precision": _strings(raw["location_precision"]),
            "lat": np.array(raw["lat"].tolist(), dtype=float),
            "lon": np.array(raw["lon"].tolist(), dtype=float),
            "fatalities": pd.array(raw["fatalities"].tolist(), dtype="Int64"),
            "place_name": _strings(raw["place_name"]),
            "distance_km": np.array(raw["distance_km"].tolist(), dtype=float),
            "summary": _strings(raw["summary"]),
            "synthetic": raw["synthetic"].astype(bool),
            "review_status": _strings(raw["review_status"]),
            # Whether a machine reading disagrees with a correction; the text is read per incident.
            "flagged": pd.notna(raw["review_flag"]).astype(bool),
            # The write that last changed it (:mod:`dashboard.store.changes`; 0: before the log).
            "changed_seq": np.array([v or 0 for v in raw["changed_seq"].tolist()], dtype=np.int64),
        }
    )
    order = np.lexsort((frame["id"].to_numpy(), frame["date_start"].to_numpy()))
    return frame.take(order).reset_index(drop=True)


def _strings(values: np.ndarray) -> pd.Series:
    return pd.Series(values, dtype=object, copy=True)


def _dates(values: np.ndarray) -> np.ndarray:
    """ISO date strings (SQLite) or ``date`` objects (PostgreSQL) as ``datetime64[s]``."""
    return np.array(values.tolist(), dtype="datetime64[D]").astype("datetime64[s]")


def _rows_of(ids: np.ndarray, keys: np.ndarray) -> np.ndarray:
    """Each key's position in ``ids`` (-1 if absent), by one hash pass over both."""
    codes, _ = pd.factorize(np.concatenate([ids, keys]))
    position = np.full(codes.max() + 1 if len(codes) else 0, -1, dtype=np.int64)
    position[codes[: len(ids)]] = np.arange(len(ids))
    return position[codes[len(ids) :]]


def link_frame(raw: RawColumns, ids: np.ndarray) -> pd.DataFrame:
    """A link table with each incident's row, in incident then stored-position order."""
    rows = _rows_of(ids, raw.pop("incident_id"))
    positions = raw.pop("position").astype(np.int64)
    order = np.lexsort((positions, rows))
    frame = pd.DataFrame({name: _strings(values[order]) for name, values in raw.items()})
    frame.insert(0, "row", rows[order])
    return frame


def country_frame(raw: RawColumns, ids: np.ndarray) -> pd.DataFrame:
    """Country-only imported incidents' rows and ISO codes (a file's names, looked up once)."""
    codes = [country_code(str(name)) for name in raw["country"]]
    known = np.array([c is not None for c in codes], dtype=bool)
    rows = _rows_of(ids, raw["incident_id"][known]) if known.any() else np.zeros(0, np.int64)
    frame = pd.DataFrame(
        {"row": rows.astype(np.int64), "country": [c for c in codes if c is not None]}
    )
    # In row order, as every link table (:mod:`dashboard.refresh` merges them by row).
    return frame.take(np.argsort(frame["row"].to_numpy(), kind="stable")).reset_index(drop=True)


def citation_frame(raw: RawColumns, ids: np.ndarray) -> pd.DataFrame:
    """Each citation as (incident row, report code), in row order: integers, so a
    million cost 16 MB. The code is a 64-bit hash of the source id, the same in
    every table and process (two reports sharing one: odds of 1 in 10^7 at a
    million reports, and then the Reports figure is one short)."""
    rows = _rows_of(ids, raw["incident_id"]) if len(raw["incident_id"]) else np.empty(0, np.int64)
    reports = pd.util.hash_array(np.asarray(raw["source_id"], dtype=object)).view(np.int64)
    order = np.argsort(rows, kind="stable")
    return pd.DataFrame({"row": rows[order].astype(np.int64), "report": reports[order]})


def distinct_reports(table: IncidentTable, mask: np.ndarray) -> int:
    """How many reports stand behind the incidents ``mask`` keeps, each counted once.

    One report that yields three incidents is one report, not three: the
    figure a reader compares with the number of documents ingested.
    """
    rows = table.citations["row"].to_numpy()
    if len(rows) == 0:
        return 0
    picked = table.citations["report"].to_numpy()[(rows >= 0) & mask[np.maximum(rows, 0)]]
    return len(pd.unique(picked))  # a hash pass: sorting a million codes took 0.5 s


# --------------------------------------------------------------------- filters


def filter_mask(
    table: IncidentTable, filt: IncidentFilter, text_ids: set[str] | None = None
) -> np.ndarray:
    """Boolean mask of the incidents ``filt`` keeps.

    ``text_ids`` is the answer of :func:`search_incident_ids` for ``filt.text``
    (the caller runs it, so it can be cached separately from the table).
    """
    frame = table.incidents
    mask = np.ones(len(frame), dtype=bool)
    if not filt.include_synthetic:
        mask &= ~frame["synthetic"].to_numpy()
    if filt.changed_after is not None:
        mask &= frame["changed_seq"].to_numpy() > filt.changed_after
    if filt.date_from is not None:
        mask &= frame["date_end"].to_numpy() >= np.datetime64(filt.date_from, "s")
    if filt.date_to is not None:
        mask &= frame["date_start"].to_numpy() <= np.datetime64(filt.date_to, "s")
    if filt.event_types:
        mask &= table.column_in("event_type", filt.event_types)
    if filt.min_fatalities is not None and filt.min_fatalities > 0:
        mask &= frame["fatalities"].fillna(0).to_numpy() >= filt.min_fatalities
    if filt.scope:
        mask &= scope_mask(table, filt.scope, filt.scope_unplaced)
    if filt.countries:
        mask &= table.rows_with("provinces", "country", filt.countries) | table.rows_with(
            "countries", "country", filt.countries
        )
    if filt.provinces:
        mask &= table.rows_with("provinces", "code", filt.provinces)
    if filt.segments:
        # On the segment, as the map's segment counts: not every incident of its provinces.
        mask &= table.rows_with("segment_links", "segment_id", filt.segments)
    if filt.text:
        mask &= table.with_ids(text_ids or ())
    mask &= table.column_in("review_status", filt.review or DEFAULT_REVIEW)
    return mask


def scoped(filt: IncidentFilter, countries: Sequence[str], *, unplaced: bool) -> IncidentFilter:
    """``filt`` kept to one border's incidents (its two ``countries``).

    One store may hold the incidents of several borders; a border's view and
    export show those with a province in its countries. An incident placed on
    no province (known only to a country) names no border by its provinces:
    ``unplaced`` says whether this border keeps such incidents.
    """
    return replace(filt, scope=tuple(countries), scope_unplaced=unplaced)


def scope_mask(table: IncidentTable, countries: Sequence[str], unplaced: bool) -> np.ndarray:
    """The incidents of a border (:func:`scoped`); every incident when ``countries`` is empty."""
    n = len(table.incidents)
    if not countries:
        return np.ones(n, dtype=bool)
    mask = table.rows_with("provinces", "country", countries)
    mask |= table.rows_with("countries", "country", countries)
    if unplaced:
        placed = np.zeros(n, dtype=bool)
        placed[table.provinces["row"].to_numpy()] = True
        mask |= ~placed
    return mask


def search_incident_ids(store: Store, text: str) -> set[str]:
    """Incidents whose summary, or a citing source's title or text, contains ``text``.

    Case-insensitive substring search; ``%`` and ``_`` in the query are taken
    literally. Answered by the store (:meth:`Store.search_incident_ids`).
    """
    return store.search_incident_ids(text)


# ------------------------------------------------------------------ aggregates


@dataclass(frozen=True)
class Summary:
    """The dashboard's KPI row for the filtered incidents."""

    incidents: int
    fatalities: int
    fatalities_reported: int
    provinces: int
    segments: int
    reports: int
    on_segment: int
    in_province: int


def summarise(table: IncidentTable, mask: np.ndarray) -> Summary:
    """KPIs: counts, fatalities (only where reported), regions touched, reports.

    ``segments`` counts the segments incidents are placed *on*
    (:attr:`IncidentTable.on_segment`); ``on_segment`` and ``in_province``
    split the incidents by how they are placed, so a page can say how many are
    on a stretch of the border and how many only somewhere in a province.
    """
    fatalities = table.incidents["fatalities"][mask]
    links = table.segment_links
    # The links of the kept incidents, picked by their rows' place in the mask (not by
    # ``isin`` over a million row numbers).
    provinces = table.provinces["code"][mask[table.provinces["row"].to_numpy()]]
    segments = links["segment_id"][mask[links["row"].to_numpy()]]
    return Summary(
        incidents=int(mask.sum()),
        fatalities=int(fatalities.fillna(0).sum()),
        fatalities_reported=int(fatalities.notna().sum()),
        provinces=int(provinces.nunique()),
        segments=int(segments.nunique()),
        reports=distinct_reports(table, mask),
        on_segment=int((mask & table.on_segment).sum()),
        in_province=int((mask & table.in_province).sum()),
    )


def counts_by(table: IncidentTable, mask: np.ndarray, level: str) -> pd.DataFrame:
    """Incidents and fatalities per province (``level="province"``) or per segment.

    An incident involving two provinces counts once in each. A segment counts
    only the incidents placed on it (:attr:`IncidentTable.on_segment`), not
    those known only to one of its provinces; ``in_province`` says how many of
    each row's incidents are known only to the province (or a district of it).
    """
    links, key = (
        (table.provinces, "code") if level == "province" else (table.segment_links, "segment_id")
    )
    selected = links[mask[links["row"].to_numpy()]] if len(links) else links
    rows = selected["row"].to_numpy()
    fatalities = table.incidents["fatalities"].fillna(0).to_numpy()
    frame = pd.DataFrame(
        {
            key: selected[key],
            "fatalities": fatalities[rows],
            "in_province": table.in_province[rows].astype(np.int64),
        }
    )
    grouped = frame.groupby(key, sort=True).agg(
        incidents=("fatalities", "size"),
        fatalities=("fatalities", "sum"),
        in_province=("in_province", "sum"),
    )
    return grouped.reset_index()


def heat_counts(
    table: IncidentTable, mask: np.ndarray, level: str, period: str = "M"
) -> pd.DataFrame:
    """Incidents and fatalities per segment (or province) and period: "which stretch heated up?"

    One row per ``(key, period)`` with at least one incident: ``key`` a segment
    id (``level="segment"``, only incidents placed on it, as
    :func:`counts_by`) or a province code; ``period`` the first day of the
    month (``"M"``) or week (``"W"``) in which the incident's window starts.
    """
    links, key = (
        (table.provinces, "code") if level == "province" else (table.segment_links, "segment_id")
    )
    selected = links[mask[links["row"].to_numpy()]] if len(links) else links
    if selected.empty:
        return pd.DataFrame(
            {
                "key": pd.Series(dtype=object),
                "period": pd.Series(dtype="datetime64[s]"),
                "incidents": pd.Series(dtype=np.int64),
                "fatalities": pd.Series(dtype=np.int64),
            }
        )
    rows = selected["row"].to_numpy()
    frame = pd.DataFrame(
        {
            "key": selected[key].to_numpy(),
            "period": table.incidents["date_start"].iloc[rows].dt.to_period(period).dt.start_time,
            "fatalities": table.incidents["fatalities"].fillna(0).to_numpy()[rows],
        }
    )
    grouped = frame.groupby(["key", "period"], sort=True).agg(
        incidents=("fatalities", "size"), fatalities=("fatalities", "sum")
    )
    return grouped.reset_index().astype({"incidents": np.int64, "fatalities": np.int64})


def timeline(table: IncidentTable, mask: np.ndarray, period: str = "M") -> pd.DataFrame:
    """Incidents per period by the start of their date window, split by date precision.

    ``period`` is ``"D"`` (day), ``"W"`` (week) or ``"M"`` (month); each row's
    ``period`` is the period's first day.
    """
    frame = table.incidents.loc[mask, ["date_start", "date_precision"]]
    if frame.empty:
        return pd.DataFrame(columns=["period", "date_precision", "incidents"])
    periods = frame["date_start"].dt.to_period(period).dt.start_time
    counted = (
        frame.assign(period=periods)
        .groupby(["period", "date_precision"], sort=True)
        .size()
        .rename("incidents")
        .reset_index()
    )
    return counted


# ------------------------------------------------------------- for the dashboard


def date_window_labels(starts: np.ndarray, ends: np.ndarray, precisions: np.ndarray) -> list[str]:
    """Each date window in words (:func:`~dashboard.models.window_label`), for many at once.

    A table holds far fewer distinct windows than incidents, so each distinct
    (start, end, precision) is worded once and the words are spread back.
    """
    if len(starts) == 0:
        return []
    windows = pd.MultiIndex.from_arrays(
        [pd.DatetimeIndex(starts), pd.DatetimeIndex(ends), np.asarray(precisions, dtype=object)]
    )
    codes, distinct = windows.factorize()
    words = np.array(
        [window_label(start.date(), end.date(), precision) for start, end, precision in distinct],
        dtype=object,
    )
    return words[codes].tolist()


def date_range(table: IncidentTable, mask: np.ndarray | None = None) -> tuple[date, date] | None:
    """First day and last day of the incidents' date windows, or ``None`` if there are none."""
    frame = table.incidents if mask is None else table.incidents.loc[mask]
    if frame.empty:
        return None
    return (
        pd.Timestamp(frame["date_start"].min()).date(),
        pd.Timestamp(frame["date_end"].max()).date(),
    )


def incident_rows(table: IncidentTable, mask: np.ndarray, limit: int | None = None) -> pd.DataFrame:
    """The filtered incidents for a table, newest first, at most ``limit`` of them.

    Columns: ``id``, ``date`` (the window in words), ``date_start``,
    ``event_type``, ``place``, ``provinces``, ``segments`` (names joined by
    ``; ``; only the segments an incident is placed on), ``fatalities``,
    ``location_precision``, ``reports``, ``review`` (the review status) and
    ``flagged`` (a machine reading disagrees with a correction).
    """
    rows = np.flatnonzero(mask)
    frame = table.incidents
    starts = frame["date_start"].to_numpy().astype(np.int64)
    if limit is not None and len(rows) > limit:
        # Only rows as new as the limit-th newest can make the cut: sort those alone.
        cutoff = np.partition(starts[rows], len(rows) - limit)[len(rows) - limit]
        rows = rows[starts[rows] >= cutoff]
    order = np.lexsort((frame["id"].to_numpy()[rows], -starts[rows]))
    rows = rows[order]
    if limit is not None:
        rows = rows[:limit]
    return _rows_frame(table, rows)


def review_queue(table: IncidentTable, mask: np.ndarray, limit: int | None = None) -> pd.DataFrame:
    """What analysts should look at next, in order, as :func:`incident_rows` gives rows.

    The incidents ``mask`` keeps that are unreviewed or flagged (a machine
    reading disagrees with a correction): flagged first, then the vaguest
    (widest date window precision, then coarsest place), then the newest.
    Vague incidents first because they are the ones a person can most
    improve, and an analyst clearing a day's reports sees the doubtful ones
    while their sources are fresh.
    """
    frame = table.incidents
    wanted = mask & (
        (frame["review_status"] == ReviewStatus.UNREVIEWED.value).to_numpy()
        | frame["flagged"].to_numpy()
    )
    rows = np.flatnonzero(wanted)
    picked = frame.iloc[rows]
    date_rank = picked["date_precision"].map(_DATE_RANK).to_numpy()
    place_rank = picked["location_precision"].map(_PLACE_RANK).to_numpy()
    starts = picked["date_start"].to_numpy().astype(np.int64)
    order = np.lexsort(
        (picked["id"].to_numpy(), -starts, -place_rank, -date_rank, ~picked["flagged"].to_numpy())
    )
    rows = rows[order]
    return _rows_frame(table, rows if limit is None else rows[:limit])


_DATE_RANK = {p.value: n for n, p in enumerate(DatePrecision)}
_PLACE_RANK = {p.value: n for n, p in enumerate(LocationPrecision)}


def _rows_frame(table: IncidentTable, rows: np.ndarray) -> pd.DataFrame:
    """The table rows ``rows`` (in that order) as :func:`incident_rows` describes them."""
    frame = table.incidents
    picked = frame.iloc[rows]
    return pd.DataFrame(
        {
            "id": picked["id"].to_numpy(),
            "date": date_window_labels(
                picked["date_start"].to_numpy(),
                picked["date_end"].to_numpy(),
                picked["date_precision"].to_numpy(),
            ),
            "date_start": picked["date_start"].to_numpy(),
            "event_type": picked["event_type"].to_numpy(),
            "place": picked["place_name"].to_numpy(),
            "provinces": _joined_names(table.provinces, rows),
            "segments": _joined_names(table.segment_links, rows),
            "fatalities": picked["fatalities"].to_numpy(),
            "location_precision": picked["location_precision"].to_numpy(),
            "reports": table.reports[rows],
            "review": picked["review_status"].to_numpy(),
            "flagged": picked["flagged"].to_numpy(),
        }
    )


def _joined_names(links: pd.DataFrame, rows: np.ndarray) -> list[str]:
    if links.empty or len(rows) == 0:
        return [""] * len(rows)
    picked = links[links["row"].isin(rows)]
    joined = picked.groupby("row", sort=False)["name"].agg("; ".join)
    return joined.reindex(rows).fillna("").tolist()


def timeline_windows(table: IncidentTable, mask: np.ndarray) -> pd.DataFrame:
    """Incidents known only to a window wider than a day, counted per distinct window.

    One row per ``(date_start, date_end, date_precision)`` with ``incidents``;
    the timeline draws each as a span from start to end, not as a day.
    """
    frame = table.incidents.loc[mask, ["date_start", "date_end", "date_precision"]]
    frame = frame[frame["date_end"] > frame["date_start"]]
    if frame.empty:
        return pd.DataFrame(columns=["date_start", "date_end", "date_precision", "incidents"])
    return (
        frame.groupby(["date_start", "date_end", "date_precision"], sort=True)
        .size()
        .rename("incidents")
        .reset_index()
    )


def excerpt_heads(store: Store, incident_ids: Sequence[str], chars: int = 120) -> dict[str, str]:
    """The start of each incident's first excerpt (by citation order), for map popups.

    Only the first ``chars`` characters leave the database
    (:meth:`Store.excerpt_heads`).
    """
    return store.excerpt_heads(incident_ids, chars)
