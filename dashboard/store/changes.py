"""The change log: every write numbered, so readers fetch only what changed since they last read.

The dashboard holds every incident in memory (:class:`dashboard.query.IncidentTable`);
reading them all again after each write costs 40 s at a million incidents. So
each write transaction takes the next number (``store_changes.seq``) as it
begins (:func:`begin_write`, called by :func:`dashboard.store.engine.writing`),
every incident it touches is stamped with it (``incidents.changed_seq``), and
every incident it deletes is remembered (``incident_tombstones``). A reader
that saw number *n* asks for the incidents stamped after *n* and the ids
buried after *n* (:class:`~dashboard.store.columns.ColumnReader` with
``since``), in one snapshot with the current number (:func:`version`).

Why a counter row and not a database sequence: on PostgreSQL the ``UPDATE``
that raises it locks the row until commit, so writes commit in the order of
their numbers, and a reader that saw *n* can never later meet a write
numbered below *n* that it missed. SQLite writers are serialised anyway.

Who stamps: the code stamps the incidents it inserts (:func:`current_seq`, see
:func:`dashboard.store.rows.incident_columns`); triggers stamp every other
change, so no write path can forget. On PostgreSQL the triggers are part of
the schema (migration 0007). On SQLite an ``AFTER`` trigger costs about as much
as the row it fires on (a million-row import took 4.3 s instead of 2.6 s with
one trigger that did nothing), so they are temporary triggers this module
installs on each connection's first write, and a bulk write (which inserts
only new incidents and their rows, stamped by the code) goes without the
insert triggers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, case, delete, func, insert, select, text, update

from dashboard.store import schema as db

_SEQ = "(SELECT seq FROM store_changes WHERE id = 1)"

_CHILD_TABLES = ("incident_provinces", "incident_segments", "incident_casualties", "citations")


def _touch(table: str, event: str, row: str) -> str:
    return (
        f"CREATE TEMP TRIGGER IF NOT EXISTS bw_touch_{table}_{event.lower()} "
        f"AFTER {event} ON {table} BEGIN UPDATE incidents SET changed_seq = {_SEQ} "
        f"WHERE id = {row}.incident_id AND changed_seq IS NOT {_SEQ}; END"
    )


# Triggers every SQLite write has, bulk or not: updates and deletes are rare.
_SQLITE_ALWAYS = {
    "bw_stamp_incidents_update": (
        "CREATE TEMP TRIGGER IF NOT EXISTS bw_stamp_incidents_update AFTER UPDATE ON incidents "
        "WHEN NEW.changed_seq IS OLD.changed_seq "
        f"BEGIN UPDATE incidents SET changed_seq = {_SEQ} WHERE rowid = NEW.rowid; END"
    ),
    "bw_bury_incidents": (
        "CREATE TEMP TRIGGER IF NOT EXISTS bw_bury_incidents AFTER DELETE ON incidents "
        f"BEGIN INSERT INTO incident_tombstones (seq, incident_id) VALUES ({_SEQ}, OLD.id); END"
    ),
} | {
    f"bw_touch_{table}_{event.lower()}": _touch(table, event, row)
    for table in _CHILD_TABLES
    for event, row in (("UPDATE", "NEW"), ("DELETE", "OLD"))
}

# Triggers only a non-bulk SQLite write has: inserts, one per row of an import.
_SQLITE_INSERTS = {
    "bw_stamp_incidents_insert": (
        "CREATE TEMP TRIGGER IF NOT EXISTS bw_stamp_incidents_insert AFTER INSERT ON incidents "
        "WHEN NEW.changed_seq IS NULL "
        f"BEGIN UPDATE incidents SET changed_seq = {_SEQ} WHERE rowid = NEW.rowid; END"
    ),
} | {f"bw_touch_{table}_insert": _touch(table, "INSERT", "NEW") for table in _CHILD_TABLES}

# Tables of the change log: a store's own, never copied into another.
LOG_TABLES = frozenset({"store_changes", "change_log", "incident_tombstones"})

_SEQ_KEY = "borderwatch_change_seq"


@dataclass(frozen=True)
class StoreVersion:
    """Which store (a random id made with its schema) and the number of its latest write."""

    store_id: str
    seq: int

    def key(self) -> tuple[str, ...]:
        """As a cache key: strings, like the older fingerprints."""
        return (self.store_id, str(self.seq))


def has_change_log(conn: Connection) -> bool:
    """Whether this store's schema has the change log (revision 0007 or later).

    Asked each time (a catalogue lookup, microseconds), never remembered: a
    pooled connection may outlive an upgrade or a downgrade of its store.
    """
    if conn.dialect.name == "sqlite":
        query = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'store_changes'"
        return conn.exec_driver_sql(query).first() is not None
    return conn.exec_driver_sql("SELECT to_regclass('store_changes')").scalar() is not None


def begin_write(conn: Connection, *, bulk: bool = False) -> int | None:
    """Number this write transaction and set up its stamping; the number, or None
    for a store whose schema predates the change log. Call right after BEGIN."""
    conn.info.pop(_SEQ_KEY, None)
    if not has_change_log(conn):
        if conn.dialect.name == "sqlite":
            _set_sqlite_triggers(conn, {})  # left from before a downgrade: they would fail
        return None
    seq = conn.execute(
        update(db.store_changes)
        .where(db.store_changes.c.id == 1)
        .values(seq=db.store_changes.c.seq + 1)
        .returning(db.store_changes.c.seq)
    ).scalar_one()
    conn.execute(insert(db.change_log).values(seq=seq, changed_at=datetime.now(UTC)))
    if conn.dialect.name == "sqlite":
        _set_sqlite_triggers(conn, _SQLITE_ALWAYS if bulk else _SQLITE_ALWAYS | _SQLITE_INSERTS)
    elif bulk:
        conn.execute(text("SELECT set_config('borderwatch.bulk', 'on', true)"))
    conn.info[_SEQ_KEY] = seq
    return int(seq)


def end_write(conn: Connection) -> None:
    """Time the write as it is about to commit: ``since=TIME`` asks for writes that
    were done by then, and a long import begun earlier may not be."""
    seq = current_seq(conn)
    if seq is not None:
        conn.execute(
            update(db.change_log)
            .where(db.change_log.c.seq == seq)
            .values(changed_at=datetime.now(UTC))
        )


def current_seq(conn: Connection) -> int | None:
    """The number of the write transaction ``conn`` is in (None: no change log, or no write)."""
    return conn.info.get(_SEQ_KEY)


def _set_sqlite_triggers(conn: Connection, wanted: dict[str, str]) -> None:
    """Make this connection's temporary triggers exactly ``wanted`` (name → SQL)."""
    present = set(
        conn.exec_driver_sql(
            "SELECT name FROM sqlite_temp_master WHERE type = 'trigger' AND name LIKE 'bw_%'"
        ).scalars()
    )
    for name in present - wanted.keys():
        conn.exec_driver_sql(f"DROP TRIGGER temp.{name}")
    for name in wanted.keys() - present:
        conn.exec_driver_sql(wanted[name])


def version(conn: Connection) -> StoreVersion | None:
    """The store's identity and latest write number (None: no change log yet)."""
    if not has_change_log(conn):
        return None
    row = conn.execute(
        select(db.store_changes.c.store_id, db.store_changes.c.seq).where(
            db.store_changes.c.id == 1
        )
    ).one()
    return StoreVersion(row.store_id, int(row.seq))


def seq_at(conn: Connection, when: datetime) -> int:
    """The number of the last write done (about to commit) by ``when`` (0 if none):
    the incidents changed after ``when`` are those stamped above it. Writes commit
    in number order, so the numbers below it were all done by then."""
    latest = conn.execute(
        select(func.max(db.change_log.c.seq)).where(db.change_log.c.changed_at <= when)
    ).scalar()
    return int(latest or 0)


def after_copy(conn: Connection) -> None:
    """After a store's contents were replaced by a copy: a new identity, so no reader
    takes it for what it held before (they read it whole again), a number above every
    copied stamp, and no tombstones of what the copy replaced."""
    if not has_change_log(conn):
        return
    top = conn.execute(select(func.max(db.incidents.c.changed_seq))).scalar() or 0
    seq = db.store_changes.c.seq
    conn.execute(
        update(db.store_changes)
        .where(db.store_changes.c.id == 1)
        .values(store_id=str(uuid.uuid4()), seq=case((seq < top, top), else_=seq))
    )
    conn.execute(delete(db.incident_tombstones))
