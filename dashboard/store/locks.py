"""People win over machines: what re-ingest and re-extraction must keep of an analyst's work.

A field an analyst corrected is *locked* (``incidents.locked_fields``, names
from :mod:`~dashboard.store.corrections`). Machine writes (ingest merging another
report in, re-extraction re-deriving an incident) pass their new reading
through :func:`guard`, which puts every locked field back to its corrected
value and, where the machine reads it differently (and not just as it did
when the analyst corrected it), *flags* the incident
(``incidents.review_flag``) so an analyst looks again, rather than undoing
the correction. A status is never written by a machine at all. Incidents an
analyst has touched (``version > 0``) are never deleted by re-extraction
(:func:`reviewed`), and a report of an incident marked duplicate goes to the
incident it duplicates (:func:`kept_instead`). Bulk imports never change a
stored incident; a re-imported record of a reviewed one only flags it where
it reads a locked field otherwise (:func:`flag_differences`). Sentences an
analyst split off an incident go to the split-off incident when
re-extraction reads them again (:func:`route_split`).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection
from typing import Any

from sqlalchemy import Connection, select, update

from dashboard.models import Citation, Excerpt, Incident, ReviewStatus
from dashboard.store import schema as db
from dashboard.store.corrections import machine_values, with_values

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
    flag_differences(conn, stored, machine, reading, locked)
    corrected = machine_values(stored)
    return with_values(machine, {name: corrected[name] for name in locked})


def flag_differences(
    conn: Connection, stored: Incident, machine: Incident, reading: str, locked: Collection[str]
) -> None:
    """Flag the incident for each ``locked`` field ``machine`` newly reads otherwise.

    A reading is new when it is neither the correction nor the machine
    reading the analyst overrode (the field's value before its first
    revision): re-reading what the analyst already saw and corrected is no
    news, and would flag the same incident again on every re-import.
    """
    corrected, read = machine_values(stored), machine_values(machine)
    overridden = _overridden(conn, stored.id)
    for name in sorted(locked):
        if read[name] not in (corrected[name], overridden.get(name, corrected[name])):
            flag(conn, stored.id, f"{reading} reads {name} as {json.dumps(read[name])}")


def _overridden(conn: Connection, incident_id: str) -> dict[str, Any]:
    """Each field's value before the first revision that changed it."""
    r = db.incident_revisions.c
    found: dict[str, Any] = {}
    query = select(r.changes).where(r.incident_id == incident_id).order_by(r.version)
    for changes in conn.execute(query).scalars():
        for name, change in changes.items():
            found.setdefault(name, change["before"])
    return found


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


def route_split(conn: Connection, fresh: Incident) -> tuple[Incident, list[tuple[str, Citation]]]:
    """The fresh reading of an incident without the excerpts an analyst split off it.

    Returns the incident without them (a citation left with none goes too)
    and, for each split-off incident, the citations that carry them there,
    so re-extraction does not fold a split back into the incident it came from.
    """
    moved = _split_off(conn, fresh.id)
    if not moved:
        return fresh, []
    kept: list[Citation] = []
    elsewhere: dict[tuple[str, str], list[Excerpt]] = {}
    for citation in fresh.citations:
        own = []
        for excerpt in citation.excerpts:
            target = moved.get((citation.source_id, excerpt.start, excerpt.end))
            if target is None:
                own.append(excerpt)
            else:
                elsewhere.setdefault((target, citation.source_id), []).append(excerpt)
        if own or not citation.excerpts:
            kept.append(dataclasses.replace(citation, excerpts=tuple(own)))
    claims = {c.source_id: c.claim for c in fresh.citations}
    routed = [
        (target, Citation(source_id, claims[source_id], tuple(excerpts)))
        for (target, source_id), excerpts in elsewhere.items()
    ]
    return dataclasses.replace(fresh, citations=tuple(kept)), routed


def _split_off(conn: Connection, incident_id: str) -> dict[tuple[str, int, int], str]:
    """Excerpts (source, start, end) split off the incident, to the incident they went to."""
    r = db.incident_revisions.c
    query = select(r.changes).where(r.incident_id == incident_id, r.action == "split")
    moved: dict[tuple[str, int, int], str] = {}
    for changes in conn.execute(query.order_by(r.version)).scalars():
        if "split_to" not in changes:
            continue
        left = {(e["source_id"], e["start"], e["end"]) for e in changes["excerpts"]["after"]}
        for e in changes["excerpts"]["before"]:
            ref = (e["source_id"], e["start"], e["end"])
            if ref not in left:
                moved[ref] = changes["split_to"]["after"]
    return moved
