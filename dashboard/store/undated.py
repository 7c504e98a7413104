"""What dating an undated page asks the store: day-precise windows and undated reports by place.

A page with neither publication date nor year ("clashes from 12 to 16
July") is dated by :mod:`dashboard.undated` against the incidents already
stored at its places; these two queries are its only SQL.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, func, select

from dashboard.models import SourceKind
from dashboard.store import schema as db


def day_windows(
    conn: Connection, provinces: Collection[str], *, synthetic: bool, max_days: int
) -> list[tuple[date, date]]:
    """Distinct windows at most ``max_days`` wide of incidents in any of ``provinces``.

    Wide windows are left out: an undated page's own incident (a month
    before its ingest day) must not date another undated page.
    """
    if not provinces:
        return []
    t = db.incidents.c
    query = select(t.date_start, t.date_end).where(
        t.synthetic.is_(synthetic), t.id.in_(_in_provinces(provinces)), _width(conn) <= max_days
    )
    rows = conn.execute(query.distinct()).all()
    return sorted((row.date_start, row.date_end) for row in rows)


def place_windows(
    conn: Connection,
    provinces: Collection[str],
    place_names: Collection[str],
    *,
    synthetic: bool,
    max_days: int,
) -> list[tuple[str, date, date]]:
    """(id, start, end) of incidents at most ``max_days`` wide in ``provinces`` placed at one of
    ``place_names`` (their main place)."""
    if not provinces or not place_names:
        return []
    t = db.incidents.c
    rows = conn.execute(
        select(t.id, t.date_start, t.date_end).where(
            t.synthetic.is_(synthetic),
            t.id.in_(_in_provinces(provinces)),
            t.place_name.in_(sorted(place_names)),
            _width(conn) <= max_days,
        )
    ).all()
    return sorted((row.id, row.date_start, row.date_end) for row in rows)


def undated_report_ids(
    conn: Connection, provinces: Collection[str], *, wider_than: int
) -> list[str]:
    """Reports without a publication date citing an incident in any of ``provinces`` whose
    window is wider than ``wider_than`` days (still dated by ingest), in storing order."""
    if not provinces:
        return []
    s, c, p = db.sources.c, db.citations.c, db.incident_provinces.c
    cited = (
        select(c.source_id)
        .join(db.incident_provinces, p.incident_id == c.incident_id)
        .join(db.incidents, db.incidents.c.id == c.incident_id)
        .where(p.code.in_(sorted(provinces)), _width(conn) > wider_than)
    )
    rows = conn.execute(
        select(s.id)
        .where(
            s.published.is_(None),
            s.text.is_not(None),
            s.kind == SourceKind.REPORT.value,
            s.id.in_(cited),
        )
        .order_by(s.created_at, s.id)
    )
    return [row.id for row in rows]


def _width(conn: Connection) -> ColumnElement[Any]:
    """An incident's window width in days (dates are text on SQLite, dates on PostgreSQL)."""
    t = db.incidents.c
    if conn.dialect.name == "sqlite":
        return func.julianday(t.date_end) - func.julianday(t.date_start)
    return t.date_end - t.date_start


def _in_provinces(provinces: Collection[str]) -> Select[Any]:
    """Ids of the incidents linked to any of ``provinces``."""
    p = db.incident_provinces.c
    return select(p.incident_id).where(p.code.in_(sorted(provinces)))
