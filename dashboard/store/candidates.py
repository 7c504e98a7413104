"""Finding the stored incident an incoming one is another report of.

Runs once per incident of every saved document, so it asks the database
only for what can match: incidents of the same synthetic flag whose window
comes within :data:`~dashboard.store.matching.FOLLOW_UP` of the incoming one
(``ix_incidents_date_start_date_end``), are no duplicate an analyst marked,
and share a province or a border segment with it (``ix_incident_provinces_code``,
the segment links). The rules themselves are applied in Python by
:mod:`~dashboard.store.matching` to that short list.
"""

from __future__ import annotations

from sqlalchemy import Connection, and_, exists, select

from dashboard.models import DatePrecision, Incident, LocationPrecision, ReviewStatus
from dashboard.store import schema as db
from dashboard.store.matching import FOLLOW_UP, Facts, same_event, score


def matching_ids(
    conn: Connection, incident: Incident, *, synthetic: bool, source_id: str
) -> list[str]:
    """Every stored incident ``incident`` matches, best first.

    Incidents that already cite ``source_id`` are left out: when one report
    names two incidents, extraction has judged them two events, and a
    merge would also have no row left to hold the second citation. Ties go
    to the smallest id, so the choice does not depend on row order. The
    caller locks the rows it merges into (``FOR UPDATE`` on PostgreSQL), so
    two documents refining one incident queue.
    """
    incoming = Facts.of(incident, synthetic=synthetic)
    facts = _candidate_facts(conn, incident, incoming, source_id)
    matches = sorted(i for i, f in facts.items() if same_event(incoming, f))
    # sorted() is stable: among equal scores the smaller id stays first.
    return sorted(matches, key=lambda i: score(incoming, facts[i]), reverse=True)


def _candidate_facts(
    conn: Connection, incident: Incident, incoming: Facts, source_id: str
) -> dict[str, Facts]:
    """Facts of the stored incidents near in time that share a province, by id."""
    if not incoming.provinces:
        return {}
    t = db.incidents.c
    provinces = db.incident_provinces.c
    shares_province = select(provinces.incident_id).where(
        provinces.code.in_(sorted(incoming.provinces))
    )
    segments = db.incident_segments.c
    shares_segment = select(segments.incident_id).where(
        segments.segment_id.in_(sorted(incoming.segments))
    )
    cites_source = exists().where(
        and_(db.citations.c.incident_id == t.id, db.citations.c.source_id == source_id)
    )
    rows = conn.execute(
        select(
            t.id, t.date_start, t.date_end, t.date_precision, t.location_precision, t.lat, t.lon
        ).where(
            t.synthetic.is_(incoming.synthetic),
            t.date_start <= incident.date_end + FOLLOW_UP,
            t.date_end >= incident.date_start - FOLLOW_UP,
            t.id != incident.id,
            # A duplicate's reports belong to the incident it repeats (which matches too).
            t.review_status != ReviewStatus.DUPLICATE.value,
            t.id.in_(shares_province) | t.id.in_(shares_segment),
            ~cites_source,
        )
    ).all()
    codes: dict[str, set[str]] = {row.id: set() for row in rows}
    segment_ids: dict[str, set[str]] = {row.id: set() for row in rows}
    if codes:
        for link in conn.execute(
            select(provinces.incident_id, provinces.code).where(
                provinces.incident_id.in_(sorted(codes))
            )
        ):
            codes[link.incident_id].add(link.code)
        for link in conn.execute(
            select(segments.incident_id, segments.segment_id).where(
                segments.incident_id.in_(sorted(codes))
            )
        ):
            segment_ids[link.incident_id].add(link.segment_id)
    return {
        row.id: Facts(
            row.date_start,
            row.date_end,
            DatePrecision(row.date_precision),
            LocationPrecision(row.location_precision),
            row.lat,
            row.lon,
            frozenset(codes[row.id]),
            incoming.synthetic,
            frozenset(segment_ids[row.id]),
        )
        for row in rows
    }
