"""Analysts' changes to incidents: corrections, reverts, merges and splits.

Each is one or two revisions through :mod:`~dashboard.store.audit`, which
checks the version the analyst opened and records who, when, what and why.
A merge moves one incident's citations to another and marks it duplicate;
a split takes some excerpts (sentences of its reports) off an incident
into a new one, ``ID~split-N``, a copy of the incident's fields with the
analyst's correction applied (and locked); re-extraction sends those
sentences to the split-off incident again (:mod:`~dashboard.store.locks`).
Every function runs inside the caller's transaction.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from sqlalchemy import Connection, delete, select

from dashboard.models import Citation, Excerpt, ReviewStatus
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
from dashboard.store.records import ExcerptRef, Revision


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
    revision records what they were, so nothing is lost). Merges and
    splits are not reverted this way (their sources moved): the error says
    what to do instead. Reverted fields stay locked: the value is a
    person's choice.
    """
    require_words(by=by, reason=reason)
    target = get_revision(conn, revision_id)
    if target is None:
        raise ReviewError(f"no revision {revision_id} in the store")
    if target.action in _UNDO:
        raise ReviewError(
            f"revision {revision_id} is a {target.action}, which is not reverted: "
            f"{_UNDO[target.action]}"
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


_UNDO = {
    "merge": "set the duplicate's status instead (its sources stay with the incident kept)",
    "split": "reject the split-off incident instead (its excerpts stay with it)",
    "fuse": "separate the report with `borderwatch review RECORD --split-source SOURCE_ID`",
    "unfuse": "merge the report incident into the record instead",
}


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
    moved = writes.move_citations(conn, other_id, keep_id, synthetic=opened[other_id].synthetic)
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


def split(
    conn: Connection,
    incident_id: str,
    excerpts: Sequence[ExcerptRef],
    correction: Correction,
    *,
    by: str,
    reason: str,
    expected_version: int,
) -> tuple[Revision, Revision]:
    """Split excerpts off into a new incident; see :meth:`Store.split_incident`."""
    require_words(by=by, reason=reason)
    try:
        values = correction.values()
    except ValueError as exc:
        raise ReviewError(f"incident {incident_id!r}: {exc}") from None
    row = open_incident(conn, incident_id, expected_version)
    citations = reads.citations_of(conn, incident_id)
    chosen = _chosen(incident_id, citations, excerpts)
    if values.get("duplicate_of"):
        _require_duplicate_target(conn, incident_id, values["duplicate_of"])
    new_id = _free_id(conn, incident_id)
    moved = tuple(
        dataclasses.replace(c, excerpts=kept)
        for c in citations
        if (kept := tuple(e for e in c.excerpts if _ref(c, e) in chosen))
    )
    original = reads.incident_fields(conn, row)
    writes.insert_incident(
        conn, dataclasses.replace(original, id=new_id, citations=moved), synthetic=row.synthetic
    )
    everything = [_ref(c, e) for c in citations for e in c.excerpts]
    _remove_excerpts(conn, incident_id, citations, chosen)
    kept_revision = apply_change(
        conn,
        row,
        {},
        action="split",
        by=by,
        reason=reason,
        extra={
            "excerpts": {
                "before": _refs_json(everything),
                "after": _refs_json([r for r in everything if r not in chosen]),
            },
            "split_to": {"before": None, "after": new_id},
        },
    )
    created = apply_change(
        conn,
        open_incident(conn, new_id, 0),
        values,
        action="split",
        by=by,
        reason=reason,
        extra={
            "excerpts": {"before": [], "after": _refs_json([r for r in everything if r in chosen])},
            "split_from": {"before": None, "after": incident_id},
        },
    )
    return kept_revision, created


def _chosen(
    incident_id: str, citations: Sequence[Citation], excerpts: Sequence[ExcerptRef]
) -> set[ExcerptRef]:
    """The excerpts to split off: all the incident's own, some but not all of them."""
    stored = {_ref(c, e) for c in citations for e in c.excerpts}
    chosen = {ExcerptRef(*ref) for ref in excerpts}
    unknown = sorted(chosen - stored)
    if unknown:
        ref = unknown[0]
        raise ReviewError(
            f"incident {incident_id!r} has no excerpt {ref.start}-{ref.end} of {ref.source_id!r}"
        )
    if not chosen:
        raise ReviewError(f"incident {incident_id!r}: choose the excerpts to split off")
    if chosen == stored:
        raise ReviewError(
            f"incident {incident_id!r}: splitting off every excerpt leaves nothing; "
            f"correct the incident instead"
        )
    return chosen


def _free_id(conn: Connection, incident_id: str) -> str:
    """``ID~split-N`` with the first N not yet stored: a split's id tells where it came from."""
    number = 1
    while conn.execute(
        select(db.incidents.c.id).where(db.incidents.c.id == f"{incident_id}~split-{number}")
    ).first():
        number += 1
    return f"{incident_id}~split-{number}"


def _remove_excerpts(
    conn: Connection, incident_id: str, citations: Sequence[Citation], chosen: set[ExcerptRef]
) -> None:
    """Delete the chosen excerpts from the incident, and citations left without any."""
    e = db.excerpts.c
    for ref in sorted(chosen):
        ids = select(e.id).where(
            e.incident_id == incident_id,
            e.source_id == ref.source_id,
            e.start_char == ref.start,
            e.end_char == ref.end,
        )
        conn.execute(delete(db.excerpt_spans).where(db.excerpt_spans.c.excerpt_id.in_(ids)))
        conn.execute(delete(db.excerpts).where(e.id.in_(ids)))
    for citation in citations:
        if all(_ref(citation, excerpt) in chosen for excerpt in citation.excerpts):
            c = db.citations.c
            conn.execute(
                delete(db.citations).where(
                    c.incident_id == incident_id, c.source_id == citation.source_id
                )
            )


def _ref(citation: Citation, excerpt: Excerpt) -> ExcerptRef:
    return ExcerptRef(citation.source_id, excerpt.start, excerpt.end)


def _refs_json(refs: Sequence[ExcerptRef]) -> list[dict[str, object]]:
    return [{"source_id": r.source_id, "start": r.start, "end": r.end} for r in refs]


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
