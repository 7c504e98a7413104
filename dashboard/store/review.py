"""Analysts' changes to incidents: corrections, reverts, merges and splits.

Each is one or two revisions through :mod:`~dashboard.store.audit`, which
checks the version the analyst opened and records who, when, what and why.
Every function runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import Connection, delete, select, update

from dashboard.models import ReviewStatus
from dashboard.store import reads, writes
from dashboard.store import schema as db
from dashboard.store.audit import (
    ReviewError,
    UnknownIncidentError,
    apply_change,
    get_revision,
    open_incident,
    require_words,
)
from dashboard.store.corrections import MACHINE_FIELDS, REVIEW_FIELDS, Correction
from dashboard.store.records import Revision


def correct(
    conn: Connection,
    incident_id: str,
    correction: Correction,
    *,
    by: str,
    reason: str,
    expected_version: int,
) -> Revision:
    """Apply an analyst's correction as a new revision; see :meth:`Store.review_incident`."""
    require_words(by=by, reason=reason)
    try:
        after = correction.values()
    except ValueError as exc:
        raise ReviewError(f"incident {incident_id!r}: {exc}") from None
    row = open_incident(conn, incident_id, expected_version)
    if after.get("duplicate_of"):
        _require_duplicate_target(conn, incident_id, after["duplicate_of"])
    return apply_change(conn, row, after, action="review", by=by, reason=reason)


def revert(
    conn: Connection, revision_id: int, *, by: str, reason: str, expected_version: int
) -> Revision:
    """Put the fields a revision changed back as they were before it, as a new revision.

    Fields changed again by a later revision are set back too (the new
    revision records what they were, so nothing is lost). A merge is not
    reverted this way (its sources moved): correct the duplicate's status
    instead. Reverted fields stay locked: the value is a person's choice.
    """
    require_words(by=by, reason=reason)
    target = get_revision(conn, revision_id)
    if target is None:
        raise ReviewError(f"no revision {revision_id} in the store")
    if target.action == "merge":
        raise ReviewError(
            f"revision {revision_id} is a merge, which is not reverted: set the duplicate's "
            f"status instead (its sources stay with the incident it was merged into)"
        )
    row = open_incident(conn, target.incident_id, expected_version)
    before = {
        name: change["before"]
        for name, change in target.changes.items()
        if name in MACHINE_FIELDS or name in REVIEW_FIELDS
    }
    if before.get("duplicate_of"):
        _require_duplicate_target(conn, target.incident_id, before["duplicate_of"])
    return apply_change(
        conn, row, before, action="revert", by=by, reason=reason, reverts=revision_id
    )


def merge(
    conn: Connection,
    keep_id: str,
    other_id: str,
    *,
    by: str,
    reason: str,
    versions: Mapping[str, int],
) -> tuple[Revision, Revision]:
    """Merge ``other_id`` into ``keep_id``; see :meth:`Store.merge_incidents`."""
    require_words(by=by, reason=reason)
    if keep_id == other_id:
        raise ReviewError(f"cannot merge incident {keep_id!r} into itself")
    # Both rows locked in id order, as ingest locks them: sessions queue, never deadlock.
    opened = {
        incident_id: open_incident(conn, incident_id, versions.get(incident_id, -1))
        for incident_id in sorted((keep_id, other_id))
    }
    for incident_id, row in opened.items():
        if row.review_status == ReviewStatus.DUPLICATE:
            raise ReviewError(
                f"incident {incident_id!r} is already a duplicate of {row.duplicate_of!r}"
            )
    kept_before = _source_ids(conn, keep_id)
    moved = _move_citations(conn, other_id, keep_id, synthetic=opened[other_id].synthetic)
    kept = apply_change(
        conn,
        opened[keep_id],
        {},
        action="merge",
        by=by,
        reason=reason,
        extra={"sources": {"before": kept_before, "after": _source_ids(conn, keep_id)}},
    )
    other = apply_change(
        conn,
        opened[other_id],
        {"status": ReviewStatus.DUPLICATE.value, "duplicate_of": keep_id},
        action="merge",
        by=by,
        reason=reason,
        extra={"sources": {"before": moved, "after": []}},
    )
    return kept, other


def _require_duplicate_target(conn: Connection, incident_id: str, target_id: str) -> None:
    """A duplicate must repeat another stored incident that is not itself a duplicate."""
    if target_id == incident_id:
        raise ReviewError(f"incident {incident_id!r} cannot be a duplicate of itself")
    status = conn.execute(
        select(db.incidents.c.review_status).where(db.incidents.c.id == target_id)
    ).scalar_one_or_none()
    if status is None:
        raise UnknownIncidentError(target_id)
    if status == ReviewStatus.DUPLICATE:
        raise ReviewError(f"incident {target_id!r} is itself a duplicate: name the one it repeats")


def _source_ids(conn: Connection, incident_id: str) -> list[str]:
    c = db.citations.c
    query = select(c.source_id).where(c.incident_id == incident_id)
    return list(conn.execute(query.order_by(c.position, c.source_id)).scalars())


def _move_citations(conn: Connection, from_id: str, to_id: str, *, synthetic: bool) -> list[str]:
    """Move one incident's citations (claims, excerpts, spans) to another; the source ids moved.

    The kept incident becomes real when a real incident's reports join it,
    as with any report (:func:`writes.save_incidents`).
    """
    citations = reads.citations_of(conn, from_id)
    for citation in citations:
        writes.add_citation(conn, to_id, citation)
    excerpt_ids = select(db.excerpts.c.id).where(db.excerpts.c.incident_id == from_id)
    conn.execute(delete(db.excerpt_spans).where(db.excerpt_spans.c.excerpt_id.in_(excerpt_ids)))
    conn.execute(delete(db.excerpts).where(db.excerpts.c.incident_id == from_id))
    conn.execute(delete(db.citations).where(db.citations.c.incident_id == from_id))
    if citations and not synthetic:
        conn.execute(update(db.incidents).where(db.incidents.c.id == to_id).values(synthetic=False))
    return [citation.source_id for citation in citations]
