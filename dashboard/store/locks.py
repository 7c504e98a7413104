"""People win over machines: what re-ingest and re-extraction must keep of an analyst's work.

A field an analyst corrected is *locked* (``incidents.locked_fields``, names
from :mod:`~dashboard.store.fields`). Machine writes (ingest merging another
report in, re-extraction re-deriving an incident) pass their new reading
through :func:`guard`, which puts every locked field back to its corrected
value and, where the machine reads it differently, *flags* the incident
(``incidents.review_flag``) so an analyst looks again, rather than undoing
the correction. A status is never written by a machine at all. Incidents an
analyst has touched (``version > 0``) are never deleted by re-extraction
(:func:`reviewed`), and a report of an incident marked duplicate goes to the
incident it duplicates (:func:`kept_instead`). Bulk imports never change a
stored incident, so they need no guard.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from sqlalchemy import Connection, select, update

from dashboard.models import Incident, ReviewStatus
from dashboard.store import schema as db
from dashboard.store.fields import machine_values, with_values

# A duplicate of a duplicate is followed this far; a longer chain is a cycle.
_MAX_HOPS = 16


def guard(conn: Connection, stored: Incident, machine: Incident, reading: str) -> Incident:
    """``machine``'s reading of ``stored`` with the locked fields kept as corrected.

    ``reading`` names where the machine's values come from (``report
    src-…``) for the flag, which reads e.g. ``report src-1 reads fatalities
    as 3``. An incident with no locked field is returned as the machine read it.
    """
    locked = locked_fields(conn, stored.id)
    if not locked:
        return machine
    corrected, read = machine_values(stored), machine_values(machine)
    differ = [name for name in locked if read[name] != corrected[name]]
    for name in differ:
        flag(conn, stored.id, f"{reading} reads {name} as {json.dumps(read[name])}")
    return with_values(machine, {name: corrected[name] for name in locked})


def locked_fields(conn: Connection, incident_id: str) -> list[str]:
    """The fields of the incident an analyst corrected (none if it is not stored)."""
    found = conn.execute(
        select(db.incidents.c.locked_fields).where(db.incidents.c.id == incident_id)
    ).scalar_one_or_none()
    return list(found or ())


def flag(conn: Connection, incident_id: str, message: str) -> None:
    """Add ``message`` to the incident's review flag (one line each, never twice)."""
    current = conn.execute(
        select(db.incidents.c.review_flag).where(db.incidents.c.id == incident_id)
    ).scalar_one_or_none()
    lines = current.splitlines() if current else []
    if message in lines:
        return
    conn.execute(
        update(db.incidents)
        .where(db.incidents.c.id == incident_id)
        .values(review_flag="\n".join([*lines, message]))
    )


def reviewed(conn: Connection, incident_ids: Collection[str]) -> set[str]:
    """Those of ``incident_ids`` an analyst has changed at least once (their version is > 0)."""
    if not incident_ids:
        return set()
    t = db.incidents.c
    query = select(t.id).where(t.id.in_(sorted(incident_ids)), t.version > 0)
    return set(conn.execute(query).scalars())


def kept_instead(conn: Connection, incident_id: str) -> str | None:
    """The incident a stored duplicate was merged into (followed to the end), else ``None``."""
    t = db.incidents.c
    current, hops = incident_id, 0
    while hops < _MAX_HOPS:
        row = conn.execute(select(t.review_status, t.duplicate_of).where(t.id == current)).first()
        if row is None:  # not stored, or what it duplicates is gone: nothing to redirect to
            return None
        if row.review_status != ReviewStatus.DUPLICATE or not row.duplicate_of:
            return None if current == incident_id else current
        current, hops = row.duplicate_of, hops + 1
    return None
