"""Cached loaders shared by the pages; the work itself lives in the package.

Big read-only objects (the border's layers, the incident table, derived
arrays, map layers) live in ``st.cache_resource``: shared by every session
without a copy, so they must never be mutated. Each is keyed by the store's
URL and a cheap *version* of its contents (:func:`store_version`), so an
ingest shows up within seconds without a restart.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import paths, query, refresh, resolve, store
from dashboard.app import assets, drawing, maps
from dashboard.gazetteer.data import read_places
from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import BorderLayers, available_borders, default_border_id, load_border
from dashboard.models import LocationPrecision
from dashboard.pipeline import ensure_sample_store
from dashboard.query import IncidentFilter, IncidentTable
from dashboard.store.changes import StoreVersion

STATIC_DIR = paths.static_dir()


def current_border() -> str:
    """The border this session shows: the sidebar's pick, else the configured default."""
    return str(st.session_state.get(BORDER_KEY) or default_border_id())


BORDER_KEY = "f_border"  # filters.BORDER: the picker's session-state key


def borders() -> dict[str, str]:
    """Every border with built layers, id to name, for the picker (the default first)."""
    ids = available_borders()
    default = default_border_id()
    ordered = [default] + [b for b in ids if b != default] if default in ids else ids
    return {b: _border_layers(b).name for b in ordered}


def border_layers(border: str | None = None) -> BorderLayers:
    """A border's read-only layers (default: the session's border); never mutate them."""
    return _border_layers(border or current_border())


@st.cache_resource(show_spinner=False, max_entries=8)
def _border_layers(border: str) -> BorderLayers:
    return load_border(border)


def display_layers(border: str | None = None) -> dict[str, Any]:
    """The simplified provinces and segments for the map, with their anchors, the
    first view (the border area), the grey neighbours and the labels."""
    return _display_layers(border or current_border())


@st.cache_resource(show_spinner=False, max_entries=8)
def _display_layers(border: str) -> dict[str, Any]:
    return drawing.display_layers(_border_layers(border))


def region_names(border: str | None = None) -> dict[str, str]:
    """Every country, province and segment code the filters take, with its name."""
    return _region_names(border or current_border())


@st.cache_resource(show_spinner=False, max_entries=8)
def _region_names(border: str) -> dict[str, str]:
    return drawing.region_names(_border_layers(border))


def geocoder(border: str | None = None) -> Geocoder:
    """The geocoder of a border (default: the session's)."""
    return _geocoder(border or current_border())


@st.cache_resource(show_spinner=False, max_entries=8)
def _geocoder(border: str) -> Geocoder:
    return Geocoder(_border_layers(border))


def gazetteer_places(border: str | None = None) -> dict[str, Any]:
    """The border's gazetteer places with a point, by id, in name order (the review form's
    place picker); shared read-only."""
    return _gazetteer_places(border or current_border())


@st.cache_resource(show_spinner=False, max_entries=8)
def _gazetteer_places(border: str) -> dict[str, Any]:
    layers = _border_layers(border)
    found = [p for p in read_places(layers.folder / "places.csv") if p.lat is not None]
    return {p.id: p for p in sorted(found, key=lambda p: (p.name, p.id))}


def resolve_place(place_id: str) -> tuple[Any, Any, Any]:
    """A gazetteer place as a correction's place, provinces and segment (near the place)."""
    found = gazetteer_places().get(place_id)
    if found is None:
        raise resolve.UnknownCodeError(f"no place {place_id!r} in the gazetteer")
    return resolve.point_place(
        geocoder(), found.lat, found.lon, found.name, precision=LocationPrecision.NEAR_PLACE
    )


def resolve_point(lat: float, lon: float) -> tuple[Any, Any, Any]:
    """A point clicked on the map as a correction's place, with its province and segment."""
    return resolve.point_place(geocoder(), lat, lon)


@st.cache_resource(show_spinner=False)
def static_assets() -> str | None:
    """Copy the map's scripts into ``static/`` once per process; an error message or None."""
    try:
        assets.install_static_assets(STATIC_DIR)
    except (assets.AssetError, OSError) as exc:
        return str(exc)
    return None


def asset_links() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    return assets.asset_urls(st.get_option("server.baseUrlPath") or "")


# --------------------------------------------------------------------- store


@dataclass(frozen=True)
class StoreStatus:
    """Where the store is and whether the pages can read it."""

    url: str
    masked: str
    error: str | None = None
    loaded_sample: bool = False


def database_url() -> str:
    return store.default_database_url()


def store_status(url: str) -> StoreStatus:
    """Whether the pages can read the store; never raises (a broken store is a message)."""
    masked = store.mask_url(url)
    try:
        loaded = _prepare_store(url)
    except store.StoreError as exc:
        return StoreStatus(url, masked, str(exc))
    return StoreStatus(url, masked, None, loaded)


@st.cache_resource(show_spinner="Preparing the incident store…")
def _prepare_store(url: str) -> bool:
    """Once per process: check the schema; on a first run, fill the store from the sample.

    See :func:`store.ensure_ready`: a store with no schema is created, one
    with no source at all gets the bundled sample reports (the founding
    article), one whose schema is out of date is left alone. Raises
    :class:`StoreError` (not cached, so a fixed store is picked up on reload).
    """
    return store.ensure_ready(url, fill=_load_sample)


def _load_sample(url: str) -> bool:
    """Ingest the bundled sample reports into the (empty) store; True if they went in.

    A sample that fails for any other reason than the store itself leaves
    the store empty: the pages show the empty-store state, not a traceback.
    """
    try:
        return bool(ensure_sample_store(url))
    except store.StoreError:
        raise
    except Exception:  # a bad sample must not take the dashboard down
        logging.getLogger(__name__).exception("could not load the sample reports")
        return False


@st.cache_resource(show_spinner=False)
def open_app_store(url: str) -> store.Store:
    """One engine per process and URL, shared by every session."""
    return store.open_store(url)


@st.cache_data(ttl=0.5, show_spinner=False)
def store_version(url: str) -> tuple[str, ...]:
    """The store's fingerprint (:meth:`Store.fingerprint`: one row of its change log),
    re-read at most every half second, so an edit shows in every session at its next
    rerun (one primary-key read: a rerun asks for it a few times, the store once)."""
    return open_app_store(url).fingerprint()


_CACHE_FORMAT = 4  # bump when IncidentTable's columns or the cache's layout change


def cache_dir() -> Path:
    """Where the incident table is kept between restarts (``$BORDERWATCH_CACHE_DIR``)."""
    return paths.cache_dir()


@dataclass
class _HeldTables:
    """The newest incident table per store URL in this process, and a lock per URL:
    one session refreshes it while the others wait for the result."""

    tables: dict[str, IncidentTable]
    locks: dict[str, threading.Lock]
    guard: threading.Lock

    def lock(self, url: str) -> threading.Lock:
        with self.guard:
            return self.locks.setdefault(url, threading.Lock())


@st.cache_resource(show_spinner=False)
def _held_tables() -> _HeldTables:
    return _HeldTables({}, {}, threading.Lock())


@st.cache_resource(show_spinner="Reading incidents…", max_entries=2)
def incident_table(url: str, version: tuple[str, ...]) -> IncidentTable:
    """Every incident, columnar; read-only and shared (never mutate its frames).

    ``version`` keys the cache: a write to the store changes it, and the next
    call brings the table this process holds up to date by the rows that
    changed (:mod:`dashboard.refresh`: milliseconds for an edit, where reading
    a million incidents whole takes 40 s). A table read whole is also kept on
    disk (Parquet) with the write it reflects, so a restarted dashboard reads
    it back in a fraction of that and then only what changed since. The disk
    copy is an optimisation only: if it cannot be read or written, the store
    is read as usual.
    """
    del version  # the key only; the table says which write it reflects
    held = _held_tables()
    with held.lock(url):
        before = held.tables.get(url) or _read_cached_table(_cache_folder(url))
        store_ = open_app_store(url)
        if before is None:
            table = _load_whole(url)
        else:
            table = refresh.refresh_incident_table(store_, before)
            if _read_whole(before, table):
                table = _cached_copy(url, table)
        held.tables[url] = table
        return table


def _read_whole(before: IncidentTable, after: IncidentTable) -> bool:
    """Whether the refresh read the table whole (another store, or no change log)."""
    return (
        before.version is None
        or after.version is None
        or (before.version.store_id != after.version.store_id)
    )


def _load_whole(url: str) -> IncidentTable:
    return _cached_copy(url, query.load_incident_table(open_app_store(url)))


def _cached_copy(url: str, table: IncidentTable) -> IncidentTable:
    """Keep ``table`` on disk and serve the copy read back: its Arrow strings filter and
    group faster than the store's Python strings (0.25 s against 0.6 s a rerun at 1M)
    and take less memory."""
    folder = _cache_folder(url)
    if table.version is None or not _write_cached_table(folder, table):
        return table
    return _read_cached_table(folder) or table


def _cache_folder(url: str) -> Path:
    digest = hashlib.sha256(f"{_CACHE_FORMAT}|{url}".encode()).hexdigest()[:20]
    return cache_dir() / f"incidents-{digest}"


def _read_cached_table(folder: Path) -> IncidentTable | None:
    try:
        held = json.loads((folder / "version.json").read_text())
        return IncidentTable(
            _read_parquet(folder / "incidents.parquet"),
            _read_parquet(folder / "provinces.parquet"),
            _read_parquet(folder / "segments.parquet"),
            _read_parquet(folder / "citations.parquet"),
            countries=_read_parquet(folder / "countries.parquet"),
            version=StoreVersion(str(held["store_id"]), int(held["seq"])),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _read_parquet(path: Path) -> pd.DataFrame:
    """One contiguous chunk per column: picking rows from many Arrow chunks is ~30x slower."""
    import pyarrow.parquet as pq  # noqa: PLC0415 - pandas' Parquet engine, only needed here

    return pq.read_table(path).combine_chunks().to_pandas()


def _write_cached_table(folder: Path, table: IncidentTable) -> bool:
    """Write atomically (a folder renamed into place, the older copy moved away
    first); False if it could not be written."""
    assert table.version is not None
    log = logging.getLogger(__name__)
    partial = folder.with_name(f".{folder.name}.{os.getpid()}")
    older = folder.with_name(f".{folder.name}.{os.getpid()}.old")
    try:
        partial.mkdir(parents=True, exist_ok=True)
        table.incidents.to_parquet(partial / "incidents.parquet", index=False)
        table.provinces.to_parquet(partial / "provinces.parquet", index=False)
        table.segments.to_parquet(partial / "segments.parquet", index=False)
        table.citations.to_parquet(partial / "citations.parquet", index=False)
        table.countries.to_parquet(partial / "countries.parquet", index=False)
        version = {"store_id": table.version.store_id, "seq": table.version.seq}
        (partial / "version.json").write_text(json.dumps(version))
        if folder.exists():
            folder.rename(older)
        partial.rename(folder)
    except (OSError, ValueError) as exc:
        log.warning("could not cache the incident table in %s: %s", folder.parent, exc)
        shutil.rmtree(partial, ignore_errors=True)
        return False
    finally:
        shutil.rmtree(older, ignore_errors=True)
    return True


@st.cache_resource(show_spinner=False, max_entries=4)
def placed(url: str, version: tuple[str, ...], border: str) -> tuple[np.ndarray, np.ndarray]:
    """Each incident's map position (its own, or its segment's / province's anchor on
    ``border``; the anchors differ per border, so the positions are cached per border)."""
    layers = display_layers(border)
    return maps.placed_coordinates(
        incident_table(url, version), layers["segment_anchors"], layers["province_anchors"]
    )


@st.cache_data(show_spinner=False, max_entries=64)
def text_matches(url: str, version: tuple[str, ...], text: str) -> frozenset[str]:
    """Incident ids whose sources or summary contain ``text`` (answered by the store)."""
    del version
    return frozenset(query.search_incident_ids(open_app_store(url), text))


@dataclass(frozen=True)
class View:
    """What every page works from: the table, the user's filter and its mask."""

    url: str
    version: tuple[str, ...]
    border: str
    table: IncidentTable
    filt: IncidentFilter
    mask: np.ndarray
    visible: np.ndarray  # everything this filter could show (the border and synthetic rules)

    @property
    def count(self) -> int:
        return int(self.mask.sum())


def build_view(url: str, filt: IncidentFilter, border: str | None = None) -> View:
    """The table, masks and border every page of this run works from (``filt`` carries
    the border's scope, :func:`scope_filter`)."""
    version = store_version(url)
    table = incident_table(url, version)
    ids = text_matches(url, version, filt.text.strip()) if filt.text else None
    mask = query.filter_mask(table, filt, set(ids) if ids is not None else None)
    visible = query.filter_mask(table, visible_filter(filt))
    return View(url, version, border or current_border(), table, filt, mask, visible)


def visible_filter(filt: IncidentFilter) -> IncidentFilter:
    """Only the border and synthetic rules of ``filt``: what the date range spans."""
    return IncidentFilter(
        include_synthetic=filt.include_synthetic,
        scope=filt.scope,
        scope_unplaced=filt.scope_unplaced,
    )


def scope_filter(filt: IncidentFilter, border: str) -> IncidentFilter:
    """``filt`` kept to ``border``'s incidents: those with a province in its countries,
    and, on the configured default border only, those placed on no province (a store
    filled for one border keeps showing its country-level incidents)."""
    layers = border_layers(border)
    return query.scoped(filt, layers.countries, unplaced=border == default_border_id())


def hidden_synthetic(view: View) -> int:
    """How many of the border's incidents the synthetic rule hides (to say so when empty)."""
    if view.filt.include_synthetic:
        return 0
    scope = query.scope_mask(view.table, view.filt.scope, view.filt.scope_unplaced)
    return int((scope & view.table.incidents["synthetic"].to_numpy()).sum())


# ---------------------------------------------------------------------- map


@st.cache_resource(show_spinner=False, max_entries=16)
def map_layers(
    url: str, version: tuple[str, ...], filt: IncidentFilter, selected: str | None, border: str
) -> dict[str, Any]:
    """The map's changing layers as GeoJSON dicts, for :func:`maps.build_incident_layers`.

    Cached per filter and selection, shared read-only across sessions.
    """
    table = incident_table(url, version)
    ids = text_matches(url, version, filt.text.strip()) if filt.text else None
    mask = query.filter_mask(table, filt, set(ids) if ids is not None else None)
    lat, lon = placed(url, version, border)
    drawn = drawing.drawn_layers(
        table,
        mask,
        display_layers(border),
        (lat, lon),
        fills=border_layers(border).country_fill,
        excerpt_heads=lambda ids_shown: query.excerpt_heads(
            open_app_store(url), ids_shown, maps.EXCERPT_HEAD_CHARS + 10
        ),
    )
    return {
        **drawn,
        "fit": drawing.region_bounds(filt, display_layers(border)),
        "selection": _selection(table, lat, lon, selected, border),
    }


def _selection(
    table: IncidentTable, lat: np.ndarray, lon: np.ndarray, selected: str | None, border: str
) -> dict[str, Any] | None:
    if not selected:
        return None
    frame = table.incidents
    hits = np.flatnonzero(frame["id"].to_numpy() == selected)
    if len(hits) == 0:
        return None
    row = int(hits[0])
    layers = display_layers(border)
    segment_ids = set(table.segments.loc[table.segments["row"] == row, "segment_id"])
    codes = set(table.provinces.loc[table.provinces["row"] == row, "code"])
    return maps.selection_features(
        (float(lat[row]), float(lon[row])),
        str(frame["location_precision"].iloc[row]),
        selected,
        [f for f in layers["segments"]["features"] if f["properties"]["id"] in segment_ids],
        [f for f in layers["provinces"]["features"] if f["properties"]["code"] in codes],
    )


# ------------------------------------------------------------------ details


def load_incident(url: str, incident_id: str):
    """The full incident with its citations, or None (not cached: it is one small read)."""
    return open_app_store(url).get_incident(incident_id)


def load_fused(url: str, incident_id: str):
    """A record's dataset and the report incidents fused with it (:meth:`Store.fused_reports`);
    ``None`` for an incident no dataset imported. Not cached: small reads."""
    opened = open_app_store(url)
    place = opened.get_imported_place(incident_id)
    if place is None:
        return None
    return place.dataset, opened.fused_reports(incident_id)


def load_dataset_fields(url: str, incident_id: str) -> dict[str, str]:
    """An imported incident's own dataset fields (:meth:`Store.dataset_fields`); not cached."""
    return open_app_store(url).dataset_fields(incident_id)


def load_sources(url: str, source_ids: tuple[str, ...]) -> dict[str, Any]:
    opened = open_app_store(url)
    return {sid: opened.get_source(sid) for sid in source_ids}


def table_frame(view: View, limit: int) -> pd.DataFrame:
    return query.incident_rows(view.table, view.mask, limit)


TILES_ENV = "BORDERWATCH_TILES"
TILES_ATTRIBUTION_ENV = "BORDERWATCH_TILES_ATTRIBUTION"


def tile_settings() -> tuple[str | None, str | None]:
    """Background tiles: ``$BORDERWATCH_TILES`` (a URL template) or none (the default).

    Without tiles nothing is fetched from outside and the province layer is
    the basemap; with them, the monitor's browser asks that tile server.
    """
    url = os.environ.get(TILES_ENV, "").strip()
    if not url or url.lower() == "none":
        return None, None
    return url, os.environ.get(TILES_ATTRIBUTION_ENV, "").strip() or url.split("/")[2]


def current_view() -> View:
    """The view ``main`` built for this run (pages run after the sidebar)."""
    return st.session_state[VIEW_KEY]


VIEW_KEY = "_view"
