"""Table rows built from the models, and "insert unless it already exists".

Shared by the two write paths (:mod:`~dashboard.store.writes`, one document
at a time, and :mod:`~dashboard.store.bulk`, many incidents at once), so
both store an incident in exactly the same columns.

Rows are built a column at a time (name → one value per row): the bulk path
hands the columns to the driver; the single-document path takes row 0.

Portability rule of the store: only portable column types (see
:mod:`~dashboard.store.schema`), no dialect-specific SQL text, and the one
dialect-specific statement, "insert unless it already exists", lives in
:func:`insert_ignore_statement`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, Table
from sqlalchemy.dialects import postgresql, sqlite

from dashboard.models import Incident, Source, Span
from dashboard.store.engine import StoreError

Columns = dict[str, list[Any]]

# ``incident_casualties.side`` of a count whose side the report does not give.
UNKNOWN_SIDE = ""


def insert_ignore_statement(conn: Connection, table: Table) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` (any unique key) for this backend."""
    name = conn.dialect.name
    if name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    if name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing()
    raise StoreError(f"unsupported database backend {name!r}")  # pragma: no cover


def insert_ignore(conn: Connection, table: Table, values: dict[str, Any]) -> Row[Any] | None:
    """INSERT unless a unique key already holds the row.

    Returns the new row's primary key, or ``None`` if nothing was inserted.
    ON CONFLICT DO NOTHING (rather than select-then-insert) stays correct
    when two PostgreSQL sessions save the same thing at once: the second
    waits, then skips. RETURNING (SQLite 3.35+) says whether a row went in;
    ``rowcount`` cannot, as drivers need not report it for INSERT.
    """
    statement = insert_ignore_statement(conn, table).values(values)
    return conn.execute(statement.returning(*table.primary_key.columns)).first()


def rows(columns: Columns) -> list[dict[str, Any]]:
    """The columns turned into one dict per row."""
    return [
        dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)
    ]


def source_row(source: Source, now: datetime) -> dict[str, Any]:
    """The ``sources`` row of a source first stored at ``now``."""
    return {
        "id": source.id,
        "kind": str(source.kind),
        "title": source.title,
        "url": source.url,
        "publisher": source.publisher,
        "published": source.published,
        "language": source.language,
        "text": source.text,
        "content_hash": source.content_hash,
        "synthetic": source.synthetic,
        "created_at": now,
    }


def incident_row(
    incident: Incident, now: datetime, *, synthetic: bool, changed_seq: int | None = None
) -> dict[str, Any]:
    """The ``incidents`` row of one incident."""
    return rows(incident_columns([incident], now, [synthetic], changed_seq))[0]


def incident_columns(
    incidents: Sequence[Incident],
    now: datetime,
    synthetic: list[bool],
    changed_seq: int | None = None,
) -> Columns:
    """The ``incidents`` columns of many incidents (``synthetic``: one flag each;
    ``changed_seq``: the write's number in the change log, :mod:`.changes`, left out
    when None, for a store whose schema predates it)."""
    columns: Columns = {
        "id": [i.id for i in incidents],
        "date_start": [i.date_start for i in incidents],
        "date_end": [i.date_end for i in incidents],
        "date_precision": [i.date_precision.value for i in incidents],
        "event_type": [i.event_type.value for i in incidents],
        "location_precision": [i.location_precision.value for i in incidents],
        "lat": [i.lat for i in incidents],
        "lon": [i.lon for i in incidents],
        "summary": [i.summary for i in incidents],
        "fatalities": [i.fatalities for i in incidents],
        "actors": [tuple(i.actors) for i in incidents],
        "place_name": [i.place_name for i in incidents],
        "distance_km": [i.distance_km for i in incidents],
        "synthetic": synthetic,
        "created_at": [now] * len(incidents),
    }
    if changed_seq is not None:
        columns["changed_seq"] = [changed_seq] * len(incidents)
    return columns


def province_columns(incidents: Sequence[Incident]) -> Columns:
    """The ``incident_provinces`` columns, positions in each incident's own order."""
    links = [(i.id, n, p) for i in incidents for n, p in enumerate(i.provinces)]
    return {
        "incident_id": [incident_id for incident_id, _, _ in links],
        "position": [n for _, n, _ in links],
        "code": [p.code for _, _, p in links],
        "name": [p.name for _, _, p in links],
        "country": [p.country for _, _, p in links],
    }


def segment_columns(incidents: Sequence[Incident]) -> Columns:
    """The ``incident_segments`` columns, positions in each incident's own order."""
    links = [(i.id, n, s) for i in incidents for n, s in enumerate(i.segments)]
    return {
        "incident_id": [incident_id for incident_id, _, _ in links],
        "position": [n for _, n, _ in links],
        "segment_id": [s.id for _, _, s in links],
        "name": [s.name for _, _, s in links],
    }


def casualty_columns(incidents: Sequence[Incident]) -> Columns:
    """The ``incident_casualties`` columns; an unknown side is stored as ``''`` (see the schema)."""
    links = [(i.id, n, c) for i in incidents for n, c in enumerate(i.casualties)]
    return {
        "incident_id": [incident_id for incident_id, _, _ in links],
        "position": [n for _, n, _ in links],
        "kind": [c.kind.value for _, _, c in links],
        "side": [c.side or UNKNOWN_SIDE for _, _, c in links],
        "count": [c.count for _, _, c in links],
    }


def span_rows(excerpt_id: int, spans: Sequence[Span]) -> list[dict[str, Any]]:
    """The ``excerpt_spans`` rows of one stored excerpt."""
    return [
        {
            "excerpt_id": excerpt_id,
            "position": n,
            "start_char": s.start,
            "end_char": s.end,
            "kind": str(s.kind),
            "label": s.label,
            "matched": s.matched,
        }
        for n, s in enumerate(spans)
    ]
