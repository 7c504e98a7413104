"""What the in-memory incident table leaves out, read for a selection of incidents.

Export needs actors, casualties by kind and side, the citing sources, their
excerpts and the file's own place names, but only for the incidents a filter selected; these reads
fetch just those. Each frame's first column is ``incident_id``; rows keep
the stored order (citation order, excerpt order).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Select, select

from dashboard.store import schema as db

# Selections larger than this read whole tables and filter in memory
# instead of sending the ids to the database in IN lists.
_IN_LIST_LIMIT = 5_000
_IN_CHUNK = 500


@dataclass(frozen=True)
class DetailRows:
    """The details of the selected incidents, one frame per kind, keyed by ``incident_id``."""

    actors: pd.DataFrame
    """``incident_id``, ``actors`` (a list of names)."""
    sources: pd.DataFrame
    """One row per citation: ``incident_id``, ``source_id``, ``claim`` and the source's
    ``title``, ``url``, ``publisher``, ``published``, ``kind``, in citation order."""
    excerpts: pd.DataFrame
    """``incident_id``, ``source_id``, ``start_char``, ``end_char``, ``text``."""
    places: pd.DataFrame
    """``incident_id``, ``dataset``, ``country``, ``admin1``, ``admin2``, ``attributes``
    (the dataset's own fields, a dict or ``None``)."""
    casualties: pd.DataFrame
    """``incident_id``, ``kind``, ``side`` (``None``: not stated), ``count``, in stored order."""


def read_details(conn: Connection, incident_ids: Sequence[str]) -> DetailRows:
    """Actors, casualties, sources, excerpts and file place names of the given incidents."""
    ids = list(incident_ids)
    i, c, s, e, p, k = (
        db.incidents.c, db.citations.c, db.sources.c, db.excerpts.c, db.imported_places.c,
        db.incident_casualties.c,
    )  # fmt: skip
    actors = _read(conn, select(i.id, i.actors), i.id, ids)
    sources = _read(
        conn,
        select(
            c.incident_id, c.source_id, c.claim, s.title, s.url, s.publisher, s.published, s.kind,
        )
        .join(db.sources, s.id == c.source_id)
        .order_by(c.incident_id, c.position, c.source_id),
        c.incident_id,
        ids,
    )  # fmt: skip
    excerpts = _read(
        conn,
        select(e.incident_id, e.source_id, e.start_char, e.end_char, e.text).order_by(
            e.incident_id, e.source_id, e.position, e.id
        ),
        e.incident_id,
        ids,
    )
    places = _read(
        conn,
        select(p.incident_id, p.dataset, p.country, p.admin1, p.admin2, p.attributes),
        p.incident_id,
        ids,
    )
    casualties = _read(
        conn,
        select(k.incident_id, k.kind, k.side, k.count).order_by(k.incident_id, k.position),
        k.incident_id,
        ids,
    )
    # The store's '' for "side not stated" stays inside the store.
    casualties["side"] = casualties["side"].astype(object).where(casualties["side"] != "", None)
    return DetailRows(
        actors=actors.rename(columns={"id": "incident_id"}),
        sources=sources,
        excerpts=excerpts,
        places=places,
        casualties=casualties,
    )


def _read(conn: Connection, statement: Select, key: Any, ids: list[str]) -> pd.DataFrame:
    """Run ``statement`` for the given incidents (``key`` is its incident id column)."""
    names = list(statement.selected_columns.keys())
    if len(ids) > _IN_LIST_LIMIT:
        found = pd.DataFrame(conn.execute(statement).fetchall(), columns=names)
        return found[found[names[0]].isin(ids)]
    parts = [
        conn.execute(statement.where(key.in_(ids[n : n + _IN_CHUNK]))).fetchall()
        for n in range(0, len(ids), _IN_CHUNK)
    ]
    return pd.DataFrame([r for part in parts for r in part], columns=names)
