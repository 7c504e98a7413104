"""Whole tables read a column at a time, in one snapshot: the dashboard's in-memory table.

Reading a million incidents is done a column at a time, with the database
asked for no order: SQLAlchemy's per-value conversion and a sort inside
SQLite (a temporary B-tree) each cost seconds at that size, while numpy
converts and sorts whole columns in a fraction. So each read here is a
parameterless SELECT run by the driver itself, returned as one object array
per column; turning them into typed frames is :mod:`dashboard.query`'s job.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from sqlalchemy import ColumnElement, Connection, Engine, Select, literal_column, select

from dashboard.store import changes
from dashboard.store import schema as db
from dashboard.store.changes import StoreVersion

RawColumns = dict[str, np.ndarray]

# Rows per driver fetch: a million row tuples never exist at once (~0.2 GB less at peak).
_FETCH_ROWS = 100_000


class ColumnReader:
    """The reads of one snapshot; get one from :func:`snapshot`.

    With ``since`` (a number of the change log, :mod:`~dashboard.store.changes`)
    every read keeps to the incidents changed after that write: what a reader
    that holds the table as of ``since`` needs to bring it up to date.
    """

    def __init__(self, conn: Connection, since: int | None = None) -> None:
        self._conn = conn
        self._since = since

    def version(self) -> StoreVersion | None:
        """The store's identity and latest write number, as this snapshot sees them."""
        return changes.version(self._conn)

    def incidents(self, names: Sequence[str]) -> RawColumns:
        """The named columns of every incident (changed after ``since``)."""
        statement = select(*(db.incidents.c[name] for name in names))
        if self._since is not None:
            statement = statement.where(db.incidents.c.changed_seq > self._since)
        return _raw_columns(self._conn, statement)

    def provinces(self) -> RawColumns:
        """Every incident–province link: ``incident_id``, ``position``, ``code``, ``name``,
        ``country``."""
        p = db.incident_provinces.c
        statement = select(p.incident_id, p.position, p.code, p.name, p.country)
        return _raw_columns(self._conn, self._changed(statement, p.incident_id))

    def segments(self) -> RawColumns:
        """Every incident–segment link: ``incident_id``, ``position``, ``segment_id``, ``name``."""
        s = db.incident_segments.c
        statement = select(s.incident_id, s.position, s.segment_id, s.name)
        return _raw_columns(self._conn, self._changed(statement, s.incident_id))

    def country_only(self) -> RawColumns:
        """The file's country (as written) of each imported incident known only to a country:
        ``incident_id``, ``country``. Few rows: the country filter reads them."""
        i, p = db.incidents.c, db.imported_places.c
        statement = (
            select(p.incident_id, p.country)
            .join_from(db.imported_places, db.incidents, i.id == p.incident_id)
            .where(i.location_precision == literal_column("'country'"), p.country.is_not(None))
        )
        return _raw_columns(self._conn, self._changed(statement, p.incident_id))

    def citations(self) -> RawColumns:
        """Every incident–report link: ``incident_id``, ``source_id`` (one row per citation)."""
        c = db.citations.c
        statement = select(c.incident_id, c.source_id)
        return _raw_columns(self._conn, self._changed(statement, c.incident_id))

    def deleted(self) -> np.ndarray:
        """The ids of incidents deleted after ``since`` (none without ``since``)."""
        if self._since is None:
            return np.empty(0, dtype=object)
        t = db.incident_tombstones.c
        statement = select(t.incident_id).where(t.seq > self._since)
        return _raw_columns(self._conn, statement)["incident_id"]

    def _changed(self, statement: Select, incident_id: ColumnElement[str]) -> Select:
        if self._since is None:
            return statement
        changed = select(db.incidents.c.id).where(db.incidents.c.changed_seq > self._since)
        return statement.where(incident_id.in_(changed))


@contextmanager
def snapshot(engine: Engine, since: int | None = None) -> Iterator[ColumnReader]:
    """One read transaction (REPEATABLE READ on PostgreSQL) for several whole-table reads.

    A document committed meanwhile shows whole or not at all: no link rows or
    report counts for incidents the incident read did not see.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield ColumnReader(conn, since)


def _raw_columns(conn: Connection, statement: Select) -> RawColumns:
    """A parameterless SELECT run by the driver itself, as one object array per column."""
    names = list(statement.selected_columns.keys())
    # Literal binds: the only values are the integer ``since`` and fixed names.
    sql = str(statement.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    cursor = conn.connection.cursor()  # the driver's own cursor: no Row objects
    blocks = [np.empty((0, len(names)), dtype=object)]
    try:
        cursor.execute(sql)
        while rows := cursor.fetchmany(_FETCH_ROWS):
            block = np.empty((len(rows), len(names)), dtype=object)
            block[:] = rows
            blocks.append(block)
    finally:
        cursor.close()
    matrix = np.concatenate(blocks)
    return {name: matrix[:, i] for i, name in enumerate(names)}
