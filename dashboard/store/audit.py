"""The audit trail: an incident opened at a version, a change applied as a revision, the history.

No analyst's change overwrites an incident in place without a row in
``incident_revisions`` (who, when in UTC, each changed field before and
after, why), written in the same transaction by :func:`apply_change`. Every
change names the incident ``version`` the analyst opened
(:class:`~dashboard.store.records.ReviewState`); :func:`open_incident` locks
the row first (``FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so
of two analysts saving the same version one wins and the other gets
:class:`IncidentChangedError` ("changed by X at T"), which the dashboard
catches to reload. A corrected field is locked against machine writes
(:mod:`~dashboard.store.locks`), and a change clears the machine's flag: the
analyst has looked. What the changes are (correct, revert, merge, split)
is :mod:`~dashboard.store.review`'s.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Row, select, update

from dashboard.models import Incident, ReviewStatus
from dashboard.store import reads, writes
from dashboard.store import schema as db
from dashboard.store.corrections import MACHINE_FIELDS, REVIEW_FIELDS, machine_values, with_values
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


def apply_change(
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
    """Write the changed fields, bump the version, lock what changed, record the revision.

    ``after`` holds the new JSON values of fields (:mod:`~dashboard.store.corrections`);
    those equal to the current ones are left out of the revision. ``extra``
    adds changes that are no field (a merge's ``sources``). Raises
    :class:`ReviewError` when nothing changes.
    """
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
        try:
            corrected = with_values(incident, machine)
        except ValueError as exc:  # the model's own checks: a window, a point out of range
            raise ReviewError(f"incident {row.id!r}: {exc}") from None
        writes.rewrite_incident(conn, corrected)
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
    return record_revision(
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


def record_revision(
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
    """Insert one row of ``incident_revisions`` (the caller bumps the incident's version)."""
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


def open_incident(conn: Connection, incident_id: str, expected_version: int) -> Row[Any]:
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


def get_revision(conn: Connection, revision_id: int) -> Revision | None:
    """The revision with this id, or ``None``."""
    row = conn.execute(
        select(db.incident_revisions).where(db.incident_revisions.c.id == revision_id)
    ).first()
    return _revision(row) if row is not None else None


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


def require_words(*, by: str, reason: str) -> None:
    if not by or not by.strip():
        raise ReviewError("say who makes the change (by)")
    if not reason or not reason.strip():
        raise ReviewError("say why (reason): every change to an incident needs a reason")
