"""What a brief says: gathered from the dashboard's table and masks, before any formatting.

A brief covers one period (``from`` – ``to``) under the dashboard's filters
and holds: a title naming the period and the filters; the KPIs
(:func:`dashboard.query.summarise`, the dashboard's own, over the same mask
``borderwatch export`` writes); the map of the period, drawn as the
dashboard draws it (:mod:`dashboard.app.drawing`, :func:`pictures.map_svg`);
incidents and deaths per segment and week; the incidents newest first (at
most :data:`LISTED`), each with its window, place, casualties, review
status and one excerpt with its source's link; how each segment compares
with the previous period of the same length; the sources quoted and the
data's attribution.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from dashboard import export, query
from dashboard.app import drawing, maps, pictures
from dashboard.casualty_text import casualty_objects
from dashboard.geo.layers import BorderLayers, default_border_id
from dashboard.query import IncidentFilter, IncidentTable, Summary
from dashboard.store import Store

LISTED = 100
# Beyond this many weeks the segment table counts per month (a year has 52 columns of weeks).
MAX_WEEK_COLUMNS = 16
ATTRIBUTION = (
    "Incidents: borderwatch, from the reports and datasets listed above; each incident "
    "keeps the words of its sources. " + pictures.ATTRIBUTION + "."
)


@dataclass(frozen=True)
class ListedIncident:
    """One incident as the brief lists it."""

    id: str
    window: str
    event_type: str
    place: str
    placed_to: str
    provinces: str
    segments: str
    fatalities: int | None
    casualties: list[dict[str, Any]]
    review: str
    excerpt: str | None
    excerpt_source: str | None
    source_url: str | None
    link: str


@dataclass(frozen=True)
class SegmentChange:
    """A segment's incidents and deaths in this period and the one before."""

    name: str
    incidents: int
    before: int
    deaths: int
    deaths_before: int

    @property
    def change(self) -> int:
        return self.incidents - self.before


@dataclass(frozen=True)
class Brief:
    """Everything a brief shows; :mod:`dashboard.briefs.render` formats it."""

    title: str
    filters: str  # the filters in words, "" for none
    period: tuple[date, date]
    previous: tuple[date, date]
    summary: Summary
    map_png: bytes | None
    table_unit: str  # "week" or "month"
    segment_table: pd.DataFrame  # rows: segment names; columns: period starts; "n (d†)"
    incidents: list[ListedIncident]
    sources: list[dict[str, Any]]
    changes: list[SegmentChange]
    attribution: str

    @property
    def unlisted(self) -> int:
        return self.summary.incidents - len(self.incidents)


def build_brief(
    store: Store,
    layers: BorderLayers,
    filt: IncidentFilter,
    *,
    dashboard_url: str,
    table: IncidentTable | None = None,
    with_map: bool = True,
) -> Brief:
    """The brief for ``filt``'s period (both dates needed) on ``layers``'s border."""
    if filt.date_from is None or filt.date_to is None:
        raise ValueError("a brief needs a period: both a first and a last day")
    if filt.date_to < filt.date_from:
        raise ValueError(f"the period ends ({filt.date_to}) before it starts ({filt.date_from})")
    table = table if table is not None else query.load_incident_table(store)
    filt = query.scoped(filt, layers.countries, unplaced=layers.id == default_border_id())
    text_ids = query.search_incident_ids(store, filt.text) if filt.text else None
    mask = query.filter_mask(table, filt, text_ids)
    length = filt.date_to - filt.date_from + timedelta(days=1)
    previous = (filt.date_from - length, filt.date_from - timedelta(days=1))
    before = query.filter_mask(
        table, replace(filt, date_from=previous[0], date_to=previous[1]), text_ids
    )
    names = drawing.region_names(layers)
    summary = query.summarise(table, mask)
    unit = "week" if length.days <= 7 * MAX_WEEK_COLUMNS else "month"
    listed, sources = _listed(store, table, mask, dashboard_url, layers.id)
    return Brief(
        title=f"Incidents on the {layers.name} border, "
        f"{filt.date_from.isoformat()} – {filt.date_to.isoformat()}",
        filters=_filter_words(filt, names),
        period=(filt.date_from, filt.date_to),
        previous=previous,
        summary=summary,
        map_png=_map_png(table, mask, filt, layers, summary.incidents) if with_map else None,
        table_unit=unit,
        segment_table=_segment_table(table, mask, names, "W" if unit == "week" else "M"),
        incidents=listed,
        sources=sources,
        changes=_changes(table, mask, before, names),
        attribution=ATTRIBUTION,
    )


def _filter_words(filt: IncidentFilter, names: Mapping[str, str]) -> str:
    """The filters other than the period, in the words the dashboard's captions use."""
    undated = replace(filt, date_from=None, date_to=None)
    line = pictures.describe_filter(undated, names, 0, None)[0]
    return line.partition(" · ")[2]


def _map_png(
    table: IncidentTable,
    mask: np.ndarray,
    filt: IncidentFilter,
    layers: BorderLayers,
    count: int,
) -> bytes:
    display = drawing.display_layers(layers)
    placed = maps.placed_coordinates(table, display["segment_anchors"], display["province_anchors"])
    drawn = drawing.drawn_layers(
        table, mask, display, placed, fills=layers.country_fill, excerpt_heads=lambda _ids: {}
    )
    caption = pictures.describe_filter(
        filt, drawing.region_names(layers), count, query.date_range(table, mask)
    )
    svg = pictures.map_svg(
        {**drawn, "neighbours": display["neighbours"], "labels": display["labels"]},
        drawing.region_bounds(filt, display) or display["bounds"],
        caption,
    )
    return pictures.svg_to_png(svg)


def _segment_table(
    table: IncidentTable, mask: np.ndarray, names: Mapping[str, str], period: str
) -> pd.DataFrame:
    """Incidents and deaths per segment (rows, by name) and week or month (columns)."""
    counts = query.heat_counts(table, mask, "segment", period)
    if counts.empty:
        return pd.DataFrame()
    counts = counts.assign(
        name=counts["key"].map(lambda key: names.get(key, key)),
        cell=[
            f"{n} ({d}†)" if d else str(n)
            for n, d in zip(counts["incidents"], counts["fatalities"], strict=True)
        ],
        start=counts["period"].dt.strftime("%Y-%m-%d" if period == "W" else "%Y-%m"),
    )
    return counts.pivot(index="name", columns="start", values="cell").fillna("").sort_index()


def _listed(
    store: Store, table: IncidentTable, mask: np.ndarray, dashboard_url: str, border: str
) -> tuple[list[ListedIncident], list[dict[str, Any]]]:
    """The newest :data:`LISTED` incidents, and the sources they cite (each once)."""
    rows = query.incident_rows(table, mask, LISTED)
    picked = np.zeros(len(table), dtype=bool)
    ids = table.incidents["id"].to_numpy()
    picked[np.isin(ids, rows["id"].to_numpy())] = True
    details = export.load_details(store, table, picked)
    row_of = dict(zip(ids[picked], np.flatnonzero(picked), strict=True))
    listed = []
    for record in rows.itertuples():
        row = int(row_of[record.id])
        excerpt, source_title, url = _first_excerpt(details, row)
        listed.append(
            ListedIncident(
                id=record.id,
                window=record.date,
                event_type=record.event_type,
                place=record.place if isinstance(record.place, str) else "",
                placed_to=record.location_precision,
                provinces=record.provinces,
                segments=record.segments,
                fatalities=None if pd.isna(record.fatalities) else int(record.fatalities),
                casualties=casualty_objects(details.casualties.get(row, ())),
                review=record.review,
                excerpt=excerpt,
                excerpt_source=source_title,
                source_url=url,
                link=query.dashboard_link(dashboard_url, record.id, border),
            )
        )
    sources = (
        details.sources.drop_duplicates("source_id")
        .sort_values(["published", "title"], na_position="last")[
            ["title", "publisher", "published", "url"]
        ]
        .astype(object)
    )
    return listed, [
        {key: _text(value) for key, value in record.items()}
        for record in sources.to_dict("records")
    ]


def _first_excerpt(
    details: export.IncidentDetails, row: int
) -> tuple[str | None, str | None, str | None]:
    """The incident's first excerpt (citation order) with its source's title and link."""
    sources = details.sources[details.sources["row"] == row]
    excerpts = details.excerpts[details.excerpts["row"] == row]
    for source in sources.itertuples():
        found = excerpts[excerpts["source_id"] == source.source_id]
        if len(found):
            return str(found["text"].iloc[0]), source.title, _text(source.url)
    if len(sources):
        first = sources.iloc[0]
        return None, first["title"], _text(first["url"])
    return None, None, None


def _text(value: Any) -> str | None:
    return None if value is None or pd.isna(value) else str(value)


def _changes(
    table: IncidentTable, now: np.ndarray, before: np.ndarray, names: Mapping[str, str]
) -> list[SegmentChange]:
    """Every segment with incidents in either period, the largest changes first."""
    current = query.counts_by(table, now, "segment").set_index("segment_id")
    previous = query.counts_by(table, before, "segment").set_index("segment_id")
    keys = sorted(set(current.index) | set(previous.index))
    changes = [
        SegmentChange(
            name=names.get(key, key),
            incidents=int(current["incidents"].get(key, 0)),
            before=int(previous["incidents"].get(key, 0)),
            deaths=int(current["fatalities"].get(key, 0)),
            deaths_before=int(previous["fatalities"].get(key, 0)),
        )
        for key in keys
    ]
    return sorted(changes, key=lambda c: (-abs(c.change), c.name))
