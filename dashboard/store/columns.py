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
from sqlalchemy import Connection, Engine, Select, func, select

from dashboard.store import schema as db

RawColumns = dict[str, np.ndarray]

# Rows per driver fetch: a million row tuples never exist at once (~0.2 GB less at peak).
_FETCH_ROWS = 100_000


class ColumnReader:
    """The reads of one snapshot; get one from :func:`snapshot`."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    def incidents(self, names: Sequence[str]) -> RawColumns:
        """The named columns of every incident."""
        return _raw_columns(self._conn, select(*(db.incidents.c[name] for name in names)))

    def provinces(self) -> RawColumns:
        """Every incident–province link: ``incident_id``, ``position``, ``code``, ``name``,
        ``country``."""
        p = db.incident_provinces.c
        return _raw_columns(
            self._conn, select(p.incident_id, p.position, p.code, p.name, p.country)
        )

    def segments(self) -> RawColumns:
        """Every incident–segment link: ``incident_id``, ``position``, ``segment_id``, ``name``."""
        s = db.incident_segments.c
        return _raw_columns(self._conn, select(s.incident_id, s.position, s.segment_id, s.name))

    def report_counts(self) -> RawColumns:
        """Citations per cited incident: ``incident_id`` and its count (second column)."""
        statement = select(db.citations.c.incident_id, func.count()).group_by(
            db.citations.c.incident_id
        )
        return _raw_columns(self._conn, statement)

    def citations(self) -> RawColumns:
        """Every incident–report link: ``incident_id``, ``source_id`` (one row per citation)."""
        c = db.citations.c
        return _raw_columns(self._conn, select(c.incident_id, c.source_id))


@contextmanager
def snapshot(engine: Engine) -> Iterator[ColumnReader]:
    """One read transaction (REPEATABLE READ on PostgreSQL) for several whole-table reads.

    A document committed meanwhile shows whole or not at all: no link rows or
    report counts for incidents the incident read did not see.
    """
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            yield ColumnReader(conn)


def _raw_columns(conn: Connection, statement: Select) -> RawColumns:
    """A parameterless SELECT run by the driver itself, as one object array per column."""
    names = list(statement.selected_columns.keys())
    sql = str(statement.compile(dialect=conn.dialect))
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
