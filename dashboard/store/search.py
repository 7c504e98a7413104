"""Reads over text too large to keep in memory: free-text search and excerpt heads.

The dashboard answers filters from its in-memory table but leaves source
text in the database; these two reads go there for it, with the work
(substring matching, cutting excerpts short) done by the database.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, func, or_, select

from dashboard.store import schema as db

# Incident ids per IN list; below every backend's parameter limit.
_HEADS_CHUNK = 900


def search_incident_ids(conn: Connection, text: str) -> set[str]:
    """Incidents whose summary, or a citing source's title or text, contains ``text``.

    Case-insensitive substring search; ``%`` and ``_`` in the query are taken
    literally.
    """
    needle = f"%{_escape_like(text.strip().lower())}%"
    if needle == "%%":
        return set()
    by_source = (
        select(db.citations.c.incident_id)
        .join(db.sources, db.sources.c.id == db.citations.c.source_id)
        .where(
            or_(
                func.lower(db.sources.c.text).like(needle, escape="\\"),
                func.lower(db.sources.c.title).like(needle, escape="\\"),
            )
        )
    )
    by_summary = select(db.incidents.c.id).where(
        func.lower(db.incidents.c.summary).like(needle, escape="\\")
    )
    found = {row[0] for row in conn.execute(by_source)}
    found |= {row[0] for row in conn.execute(by_summary)}
    return found


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def excerpt_heads(conn: Connection, incident_ids: Sequence[str], chars: int) -> dict[str, str]:
    """The start of each incident's first excerpt (by citation order), for map popups.

    Only the first ``chars`` characters leave the database; ids are sent in
    chunks to stay under every backend's parameter limit.
    """
    heads: dict[str, str] = {}
    ids = list(dict.fromkeys(incident_ids))
    for i in range(0, len(ids), _HEADS_CHUNK):
        statement = (
            select(db.excerpts.c.incident_id, func.substr(db.excerpts.c.text, 1, chars))
            .join(
                db.citations,
                (db.citations.c.incident_id == db.excerpts.c.incident_id)
                & (db.citations.c.source_id == db.excerpts.c.source_id),
            )
            .where(db.excerpts.c.incident_id.in_(ids[i : i + _HEADS_CHUNK]))
            .order_by(
                db.excerpts.c.incident_id,
                db.citations.c.position,
                db.excerpts.c.position,
                db.excerpts.c.id,
            )
        )
        for incident_id, head in conn.execute(statement):
            heads.setdefault(incident_id, head)
    return heads
