"""Analysts' changes to incidents: corrections, merges and reverts, each a revision.

No change overwrites an incident in place without a row in
``incident_revisions`` (who, when in UTC, each changed field before and
after, why), written in the same transaction. Every change names the
incident ``version`` the analyst opened (:class:`ReviewState`); the row is
locked first (``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so
of two analysts saving the same version one wins and the other gets
:class:`IncidentChangedError` ("changed by X at T"), which the dashboard catches
to reload. A corrected field is locked against machine writes
(:mod:`~dashboard.store.locks`), and saving clears the machine's flag: the
analyst has looked. Every function runs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, select, update

from dashboard.models import Incident, ReviewStatus
from dashboard.store import reads, writes
from dashboard.store import schema as db
from dashboard.store.corrections import (
    MACHINE_FIELDS,
    REVIEW_FIELDS,
    Correction,
    machine_values,
    with_values,
)
from dashboard.store.engine import StoreError
from dashboard.store.records import ReviewState, Revision


class ReviewError(StoreError):
    """An analyst's change the store refuses: no reason, nothing changed, a bad duplicate."""


class UnknownIncidentError(ReviewError):
    """The incident named is not stored."""

    def __init__(self, incident_id: str) -> None:
        super().__init__(f"no incident {incident_id!r} in the store")
        self.incident_id = incident_id


class IncidentChangedError(ReviewError):
    """The incident changed since the analyst opened it; reload and apply the change again."""

    def __init__(
        self, incident_id: str, expected: int, current: int, by: str | None, at: datetime | None
    ) -> None:
        when = at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if at else "an unknown time"
        super().__init__(
            f"incident {incident_id!r} was changed by {by or 'someone'} at {when} "
            f"(now version {current}, you opened version {expected}): reload it and "
            f"apply your change again"
        )
        self.incident_id, self.expected, self.current = incident_id, expected, current
        self.by, self.at = by, at


def review_state(conn: Connection, incident_id: str) -> ReviewState | None:
    """The incident's review as an editor opens it, or ``None`` if it is not stored."""
    row = conn.execute(select(db.incidents).where(db.incidents.c.id == incident_id)).first()
    if row is None:
        return None
    last = _latest_revision(conn, incident_id)
    return ReviewState(
        incident_id=incident_id,
        status=ReviewStatus(row.review_status),
        version=row.version,
        duplicate_of=row.duplicate_of,
        locked=tuple(row.locked_fields),
        note=row.review_note,
        flag=row.review_flag,
        changed_by=last.by if last else None,
        changed_at=last.at if last else None,
    )


def history(conn: Connection, incident_id: str) -> list[Revision]:
    """The incident's revisions, oldest first; :class:`UnknownIncidentError` if it is not stored."""
    if review_state(conn, incident_id) is None:
        raise UnknownIncidentError(incident_id)
    r = db.incident_revisions.c
    found = conn.execute(
        select(db.incident_revisions).where(r.incident_id == incident_id).order_by(r.version)
    )
    return [_revision(row) for row in found]


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
    _require_words(by=by, reason=reason)
    try:
        after = correction.values()
    except ValueError as exc:
        raise ReviewError(f"incident {incident_id!r}: {exc}") from None
    row = _open(conn, incident_id, expected_version)
    if after.get("duplicate_of"):
        _require_duplicate_target(conn, incident_id, after["duplicate_of"])
    return _apply(conn, row, after, action="review", by=by, reason=reason)


def revert(
    conn: Connection, revision_id: int, *, by: str, reason: str, expected_version: int
) -> Revision:
    """Put the fields a revision changed back as they were before it, as a new revision.

    Fields changed again by a later revision are set back too (the new
    revision records what they were, so nothing is lost). A merge is not
    reverted this way (its sources moved): correct the duplicate's status
    instead. Reverted fields stay locked: the value is a person's choice.
    """
    _require_words(by=by, reason=reason)
    found = conn.execute(
        select(db.incident_revisions).where(db.incident_revisions.c.id == revision_id)
    ).first()
    if found is None:
        raise ReviewError(f"no revision {revision_id} in the store")
    target = _revision(found)
    if target.action == "merge":
        raise ReviewError(
            f"revision {revision_id} is a merge, which is not reverted: set the duplicate's "
            f"status instead (its sources stay with the incident it was merged into)"
        )
    row = _open(conn, target.incident_id, expected_version)
    before = {
        name: change["before"]
        for name, change in target.changes.items()
        if name in MACHINE_FIELDS or name in REVIEW_FIELDS
    }
    if before.get("duplicate_of"):
        _require_duplicate_target(conn, target.incident_id, before["duplicate_of"])
    return _apply(conn, row, before, action="revert", by=by, reason=reason, reverts=revision_id)


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
    _require_words(by=by, reason=reason)
    if keep_id == other_id:
        raise ReviewError(f"cannot merge incident {keep_id!r} into itself")
    # Both rows locked in id order, as ingest locks them: sessions queue, never deadlock.
    opened = {
        incident_id: _open(conn, incident_id, versions.get(incident_id, -1))
        for incident_id in sorted((keep_id, other_id))
    }
    for incident_id, row in opened.items():
        if row.review_status == ReviewStatus.DUPLICATE:
            raise ReviewError(
                f"incident {incident_id!r} is already a duplicate of {row.duplicate_of!r}"
            )
    kept_before = _source_ids(conn, keep_id)
    moved = _move_citations(conn, other_id, keep_id, synthetic=opened[other_id].synthetic)
    kept = _apply(
        conn,
        opened[keep_id],
        {},
        action="merge",
        by=by,
        reason=reason,
        extra={"sources": {"before": kept_before, "after": _source_ids(conn, keep_id)}},
    )
    other = _apply(
        conn,
        opened[other_id],
        {"status": ReviewStatus.DUPLICATE.value, "duplicate_of": keep_id},
        action="merge",
        by=by,
        reason=reason,
        extra={"sources": {"before": moved, "after": []}},
    )
    return kept, other


def _apply(
    conn: Connection,
    row: Row[Any],
    after: Mapping[str, Any],
    *,
    action: str,
    by: str,
    reason: str,
    reverts: int | None = None,
    extra: Mapping[str, dict[str, Any]] | None = None,
) -> Revision:
    """Write the changed fields, bump the version, lock what changed, record the revision."""
    incident = reads.incident_fields(conn, row)
    before = _values(row, incident)
    changes = {
        name: {"before": before[name], "after": value}
        for name, value in after.items()
        if value != before[name]
    }
    if row.review_flag is not None:
        changes["flag"] = {"before": row.review_flag, "after": None}
    changes |= dict(extra or {})
    if not changes:
        raise ReviewError(f"incident {row.id!r}: the change changes nothing")
    machine = {name: change["after"] for name, change in changes.items() if name in MACHINE_FIELDS}
    if machine:
        writes.rewrite_incident(conn, with_values(incident, machine))
    review = {name: changes[name]["after"] for name in REVIEW_FIELDS if name in changes}
    version = row.version + 1
    updated = conn.execute(
        update(db.incidents)
        .where(db.incidents.c.id == row.id, db.incidents.c.version == row.version)
        .values(
            version=version,
            locked_fields=sorted(set(row.locked_fields) | machine.keys()),
            review_flag=None,
            **{_COLUMN_OF[name]: value for name, value in review.items()},
        )
    )
    if updated.rowcount != 1:  # pragma: no cover - the row lock makes this unreachable
        raise IncidentChangedError(row.id, row.version, version, None, None)
    return _record(
        conn,
        row.id,
        version=version,
        action=action,
        by=by,
        reason=reason,
        changes=changes,
        reverts=reverts,
    )


_COLUMN_OF = {"status": "review_status", "duplicate_of": "duplicate_of", "note": "review_note"}


def _values(row: Row[Any], incident: Incident) -> dict[str, Any]:
    """Every reviewable field's current value (JSON form)."""
    return machine_values(incident) | {
        "status": row.review_status,
        "duplicate_of": row.duplicate_of,
        "note": row.review_note,
    }


def _record(
    conn: Connection,
    incident_id: str,
    *,
    version: int,
    action: str,
    by: str,
    reason: str,
    changes: dict[str, dict[str, Any]],
    reverts: int | None,
) -> Revision:
    values = {
        "incident_id": incident_id,
        "version": version,
        "action": action,
        "author": by.strip(),
        "at": datetime.now(UTC),
        "reason": reason.strip(),
        "changes": changes,
        "reverts": reverts,
    }
    inserted = conn.execute(
        db.incident_revisions.insert().values(values).returning(db.incident_revisions.c.id)
    ).scalar_one()
    return _revision({"id": inserted, **values})


def _open(conn: Connection, incident_id: str, expected_version: int) -> Row[Any]:
    """The incident's row, locked; refused unless it is still at ``expected_version``."""
    row = conn.execute(
        select(db.incidents).where(db.incidents.c.id == incident_id).with_for_update()
    ).first()
    if row is None:
        raise UnknownIncidentError(incident_id)
    if row.version != expected_version:
        last = _latest_revision(conn, incident_id)
        raise IncidentChangedError(
            incident_id,
            expected_version,
            row.version,
            last.by if last else None,
            last.at if last else None,
        )
    return row


def _latest_revision(conn: Connection, incident_id: str) -> Revision | None:
    r = db.incident_revisions.c
    row = conn.execute(
        select(db.incident_revisions)
        .where(r.incident_id == incident_id)
        .order_by(r.version.desc())
        .limit(1)
    ).first()
    return _revision(row) if row is not None else None


def _revision(row: Any) -> Revision:
    """A revision from its row (or the dict just inserted); ``at`` always timezone-aware UTC."""
    values = row if isinstance(row, dict) else row._mapping
    at = values["at"]
    return Revision(
        id=values["id"],
        incident_id=values["incident_id"],
        version=values["version"],
        action=values["action"],
        by=values["author"],
        # SQLite hands back naive datetimes; the store writes only UTC.
        at=at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC),
        reason=values["reason"],
        changes=dict(values["changes"]),
        reverts=values["reverts"],
    )


def _require_words(*, by: str, reason: str) -> None:
    if not by or not by.strip():
        raise ReviewError("say who makes the change (by)")
    if not reason or not reason.strip():
        raise ReviewError("say why (reason): every change to an incident needs a reason")


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
