"""Bring an in-memory incident table up to date by the rows that changed, not by reading it all.

The dashboard serves every page from one :class:`~dashboard.query.IncidentTable`
per store. Reading it whole costs 40 s at a million incidents, so after an
analyst's edit or a new ingest the table is refreshed from the store's change
log (:mod:`dashboard.store.changes`): the incidents stamped after the write the
table reflects are read (with their links and report counts), the stale copies
of them and the incidents deleted since are dropped, and the fresh rows are put
in their places by (date, id), the table's order. The result equals a fresh
read of the whole store (tests/test_refresh.py holds the two together).

A table of another store (a replaced file, a copy: a new store identity) or of
a store without the change log is read whole, as before.
"""

from __future__ import annotations

from bisect import bisect_left

import numpy as np
import pandas as pd

from dashboard.query import IncidentTable, load_incident_table, read_incident_table
from dashboard.store import Store


def refresh_incident_table(store: Store, table: IncidentTable) -> IncidentTable:
    """``table`` as the store holds it now: itself if nothing changed, patched by the
    changed rows if it is this store's, else read whole."""
    held = table.version
    if held is None:
        return load_incident_table(store)
    with store.snapshot(since=held.seq) as snapshot:
        now = snapshot.version()
        if now is None or now.store_id != held.store_id:
            fresh = None
        elif now.seq == held.seq:
            return table
        else:
            fresh = read_incident_table(snapshot)
            deleted = snapshot.deleted()
    if fresh is None:
        return load_incident_table(store)
    return apply_changes(table, fresh, deleted)


def apply_changes(table: IncidentTable, fresh: IncidentTable, deleted: np.ndarray) -> IncidentTable:
    """``table`` without the incidents ``fresh`` replaces or ``deleted`` removes, with
    ``fresh``'s rows in their (date, id) places; the version is ``fresh``'s."""
    old = table.incidents
    gone = pd.Index(np.concatenate([fresh.incidents["id"].to_numpy(dtype=object), deleted]))
    kept = np.flatnonzero(~old["id"].isin(gone).to_numpy())
    inserted_at = _insertion_points(old, kept, fresh.incidents)
    # Each row's final position: a kept row moves down by the fresh rows placed before it.
    kept_to = np.arange(len(kept)) + np.searchsorted(
        inserted_at, np.arange(len(kept)), side="right"
    )
    fresh_to = inserted_at + np.arange(len(inserted_at))
    old_to = np.full(len(old), -1, dtype=np.int64)
    old_to[kept] = kept_to
    return IncidentTable(
        _merge(old, kept, _like(fresh.incidents, old), inserted_at),
        _merge_links(table.provinces, fresh.provinces, old_to, fresh_to),
        _merge_links(table.segments, fresh.segments, old_to, fresh_to),
        _merge_links(table.citations, fresh.citations, old_to, fresh_to),
        countries=_merge_links(table.countries, fresh.countries, old_to, fresh_to),
        version=fresh.version,
    )


def _insertion_points(old: pd.DataFrame, kept: np.ndarray, fresh: pd.DataFrame) -> np.ndarray:
    """For each fresh row (sorted by date, id), how many kept rows sort before it."""
    dates = old["date_start"].to_numpy()[kept]
    fresh_dates = fresh["date_start"].to_numpy()
    first = np.searchsorted(dates, fresh_dates, side="left")
    last = np.searchsorted(dates, fresh_dates, side="right")
    ids = old["id"]
    points = np.empty(len(fresh), dtype=np.int64)
    for n, (low, high, key) in enumerate(zip(first, last, fresh["id"], strict=True)):
        # Rows of one day are few (hundreds at a million incidents): bisect their ids.
        points[n] = low + bisect_left(list(ids.take(kept[low:high])), key)
    return points


def _merge_links(
    links: pd.DataFrame, fresh: pd.DataFrame, old_to: np.ndarray, fresh_to: np.ndarray
) -> pd.DataFrame:
    """A link table renumbered to the new rows: the kept incidents' links and the fresh
    ones, in incident then stored-position order (both parts are in that order, and
    their incidents never share a row)."""
    new_rows = old_to[links["row"].to_numpy()]
    kept = np.flatnonzero(new_rows >= 0)
    kept_rows = new_rows[kept]
    fresh_rows = fresh_to[fresh["row"].to_numpy()]
    inserted_at = np.searchsorted(kept_rows, fresh_rows)
    merged = _merge(links, kept, _like(fresh, links), inserted_at)
    merged["row"] = np.insert(kept_rows, inserted_at, fresh_rows)
    return merged


# Beyond this many runs of old and fresh rows, one gather beats many slices.
_MAX_RUNS = 64


def _merge(
    old: pd.DataFrame, kept: np.ndarray, fresh: pd.DataFrame, inserted_at: np.ndarray
) -> pd.DataFrame:
    """The kept rows of ``old`` (positions, ascending) with ``fresh``'s rows inserted
    before the kept row each ``inserted_at`` names.

    An edit or an ingest changes a few rows of a million: the result is then a
    few long runs of old rows around the fresh ones, and slicing and joining
    them costs a tenth of gathering every row (Arrow strings gather slowly:
    1–2 s a table at a million rows, against 0.1 s).
    """
    runs = _runs(kept, inserted_at)
    if len(runs) > _MAX_RUNS:
        order = np.insert(
            np.arange(len(kept)), inserted_at, np.arange(len(kept), len(kept) + len(fresh))
        )
        both = pd.concat([old.take(kept), fresh], ignore_index=True)
        return both.take(order).reset_index(drop=True)
    pieces = [(old if source == "old" else fresh).iloc[a:b] for source, a, b in runs]
    return pd.concat(pieces or [old.iloc[:0]], ignore_index=True)


def _runs(kept: np.ndarray, inserted_at: np.ndarray) -> list[tuple[str, int, int]]:
    """The result as runs: ``("old", a, b)`` is ``old.iloc[a:b]``, ``("fresh", a, b)``
    is ``fresh.iloc[a:b]``, in order."""
    breaks = np.union1d(np.flatnonzero(np.diff(kept) != 1) + 1, inserted_at)
    breaks = breaks[(breaks > 0) & (breaks < len(kept))]
    starts = np.concatenate([[0], breaks]).astype(np.int64)
    ends = np.concatenate([breaks, [len(kept)]]).astype(np.int64)
    runs: list[tuple[str, int, int]] = []
    taken = 0
    for start, end in zip(starts, ends, strict=True):
        upto = int(np.searchsorted(inserted_at, start, side="right"))
        if upto > taken:
            runs.append(("fresh", taken, upto))
            taken = upto
        if end > start:
            runs.append(("old", int(kept[start]), int(kept[end - 1]) + 1))
    if taken < len(inserted_at):
        runs.append(("fresh", taken, len(inserted_at)))
    return runs


def _like(frame: pd.DataFrame, model: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with ``model``'s column types (a table read back from the on-disk cache
    holds Arrow strings; mixing in plain objects would slow every filter). An empty
    model has no types worth keeping (an empty column may read back as floats)."""
    if model.empty:
        return frame
    return frame.astype(model.dtypes.to_dict())
