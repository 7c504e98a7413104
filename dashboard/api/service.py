"""The incidents the API serves: the dashboard's table, filters and export, one page at a time.

Nothing here knows HTTP or pygeoapi: :mod:`dashboard.api.provider` hands
the request's values over and gets GeoJSON back. The incidents are the
dashboard's in-memory :class:`~dashboard.query.IncidentTable`, read once and
brought up to date, off the request path, when the store changes (a watcher
looks at its change log every :data:`REFRESH_SECONDS` and patches the table by
the rows that changed, :mod:`dashboard.refresh`), and filtered by the same masks; each
page's features are ``borderwatch export``'s GeoJSON features
(:func:`dashboard.export.incidents_to_geojson`) for the page's incidents, so
a script reading the API and one reading an export file read the same
properties. Pages follow the table's order (date window start, then id),
which is stable while the store is unchanged.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np

from dashboard import export, query, refresh
from dashboard.api import params
from dashboard.geo.layers import BorderLayers, default_border_id
from dashboard.models import EventType
from dashboard.query import IncidentFilter, IncidentTable
from dashboard.store import Store

# How stale the served incidents may be: how often the watcher reads the store's
# latest write number (one row; the table is then patched by the changed rows).
REFRESH_SECONDS = 1.0
# Text searches whose answers are kept (each is a LIKE over every source's text).
_TEXTS_KEPT = 64


@dataclass(frozen=True)
class Selection:
    """A request's selection: the filter, its dates and bbox; build with :func:`selection`."""

    filt: IncidentFilter
    bbox: tuple[float, float, float, float] | None = None
    since: datetime | None = None  # only incidents created or changed after it


def selection(
    properties: Iterable[tuple[str, str]],
    q: str | None = None,
    datetime_: str | None = None,
    bbox: Iterable[float] = (),
) -> Selection:
    """A request's values as a :class:`Selection`; :class:`ValueError` names a bad one."""
    given = list(properties)
    filt = params.incident_filter(given, q)
    start, end = params.date_range(datetime_)
    since = params.since_time(dict(given).get("since"))
    return Selection(replace(filt, date_from=start, date_to=end), params.bbox_values(bbox), since)


class IncidentService:
    """One border's incidents in one store, as pages of GeoJSON features.

    ``dashboard_url`` is the dashboard's address: each feature links to the
    incident there (``?incident=ID``).
    """

    def __init__(
        self,
        store: Store,
        layers: BorderLayers,
        dashboard_url: str,
        refresh_seconds: float = REFRESH_SECONDS,
    ) -> None:
        self.store = store
        self.layers = layers
        self.dashboard_url = dashboard_url
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._table: IncidentTable | None = None
        self._version: tuple[str, ...] | None = None
        self._texts: dict[str, set[str]] = {}
        self._stop = threading.Event()
        self._scope: tuple[IncidentTable, np.ndarray] | None = None

    def table(self) -> IncidentTable:
        """The incident table: read on the first request, then kept current by a watcher.

        The watcher (a daemon thread) looks at the store's latest write number
        every ``refresh_seconds`` and, when it changed, patches the table by the
        rows that changed (:func:`refresh.refresh_incident_table`), so no request
        waits for it; only the first read of a million incidents takes tens of
        seconds.
        """
        with self._lock:
            if self._table is None:
                self._version = self.store.fingerprint()
                self._table = query.load_incident_table(self.store)
                threading.Thread(target=self._watch, name="incident-watcher", daemon=True).start()
            return self._table

    def close(self) -> None:
        """Stop watching the store."""
        self._stop.set()

    def _watch(self) -> None:
        log = logging.getLogger(__name__)
        while not self._stop.wait(self.refresh_seconds):
            try:
                version = self.store.fingerprint()
                if version == self._version:
                    continue
                table = refresh.refresh_incident_table(self.store, self._table)
            except Exception:  # the store is away for a while: keep serving what was read
                log.exception("could not read the store again; serving the incidents read before")
                continue
            with self._lock:
                self._table, self._version, self._texts = table, version, {}

    def mask(self, table: IncidentTable, chosen: Selection) -> np.ndarray:
        """The incidents ``chosen`` keeps, on this border, as the dashboard would show them."""
        self._refuse_unknown(chosen.filt)
        filt = chosen.filt
        if chosen.since is not None:
            # The store's change log numbers every write: those done after ``since``.
            filt = replace(filt, changed_after=self.store.seq_at(chosen.since))
        text_ids = self._text_matches(filt.text) if filt.text else None
        mask = query.filter_mask(table, filt, text_ids) & self._border(table)
        if chosen.bbox is not None:
            mask &= _in_bbox(table, chosen.bbox)
        return mask

    def _border(self, table: IncidentTable) -> np.ndarray:
        """This border's incidents (:func:`query.scoped`'s rule), worked out once per table."""
        kept = self._scope
        if kept is None or kept[0] is not table:
            unplaced = self.layers.id == default_border_id()
            kept = (table, query.scope_mask(table, self.layers.countries, unplaced))
            self._scope = kept
        return kept[1]

    def count(self, chosen: Selection) -> int:
        """How many incidents ``chosen`` keeps (the API's ``numberMatched``)."""
        table = self.table()
        return int(self.mask(table, chosen).sum())

    def page(self, chosen: Selection, offset: int, limit: int) -> dict[str, Any]:
        """A FeatureCollection of the ``limit`` incidents after the first ``offset`` kept."""
        table = self.table()
        rows = np.flatnonzero(self.mask(table, chosen))
        picked = rows[offset : offset + limit]
        collection = self._features(table, picked)
        collection["numberMatched"] = len(rows)
        collection["numberReturned"] = len(picked)
        return collection

    def feature(self, incident_id: str) -> dict[str, Any] | None:
        """One incident of this border as a feature, or ``None`` if there is none such.

        Asked for by id, an incident is served whatever its review status or
        synthetic mark (both are in its properties): its id came from a list
        that asked for it.
        """
        table = self.table()
        rows = np.flatnonzero(table.with_ids([incident_id]))
        if len(rows) == 0 or not self._border(table)[rows[0]]:
            return None
        return self._features(table, rows[:1])["features"][0]

    def _features(self, table: IncidentTable, rows: np.ndarray) -> dict[str, Any]:
        mask = np.zeros(len(table), dtype=bool)
        mask[rows] = True
        details = export.load_details(self.store, table, mask)
        collection = export.incidents_to_geojson(table, mask, details)
        frame = table.incidents.iloc[np.sort(rows)]
        labels = query.date_window_labels(
            frame["date_start"].to_numpy(),
            frame["date_end"].to_numpy(),
            frame["date_precision"].to_numpy(),
        )
        for feature, label in zip(collection["features"], labels, strict=True):
            incident_id = feature["properties"]["id"]
            link = query.dashboard_link(self.dashboard_url, incident_id, self.layers.id)
            feature["id"] = incident_id
            feature["properties"]["date_window"] = label
            feature["properties"]["dashboard_link"] = link
            feature["links"] = [
                {"href": link, "rel": "alternate", "type": "text/html", "title": "In the dashboard"}
            ]
        return collection

    def _refuse_unknown(self, filt: IncidentFilter) -> None:
        unknown = query.unknown_filter_values(
            filt,
            countries=set(self.layers.countries),
            provinces=set(self.layers.provinces["code"]),
            segments=set(self.layers.segments["id"]),
            event_types={e.value for e in EventType},
        )
        if unknown:
            named = ", ".join(f"{name}={value!r}" for name, value in unknown)
            raise ValueError(f"unknown {named} on the {self.layers.id} border")

    def _text_matches(self, text: str) -> set[str]:
        """Incident ids whose words hold ``text``; the store's answer is kept until it changes."""
        found = self._texts.get(text)
        if found is None:
            found = query.search_incident_ids(self.store, text)
            with self._lock:
                if len(self._texts) >= _TEXTS_KEPT:
                    self._texts = {}
                self._texts[text] = found
        return found


def _in_bbox(table: IncidentTable, bbox: tuple[float, float, float, float]) -> np.ndarray:
    """Incidents whose point lies in ``bbox``; one across the antimeridian has west > east."""
    west, south, east, north = bbox
    lat = table.incidents["lat"].to_numpy()
    lon = table.incidents["lon"].to_numpy()
    inside = (lat >= south) & (lat <= north)
    if west <= east:
        return inside & (lon >= west) & (lon <= east)
    return inside & ((lon >= west) | (lon <= east))
