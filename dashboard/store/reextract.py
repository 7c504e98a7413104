"""Re-extraction's store side: which reports can be read again, and rebuilding what they report.

After an extractor upgrade the stored reports are read again (the reading
is the pipeline's, :mod:`dashboard.reextract`); here their fresh incidents
replace the old ones. The unit is a **group**: the reports that share
incidents (one cites an incident another cites, and so on). A merged
incident is made of all its reports (:mod:`~dashboard.store.refine`), so it
can only be re-derived by saving all of them again; one report alone would
leave it refined by its own old extraction. :func:`replace_reports`, in one
transaction:

1. removes the group's citations, excerpts and spans, and deletes the
   incidents nothing cites any more (incidents a source outside the group
   still cites keep their id, fields and those citations);
2. saves each report's fresh incidents in storing order through
   :func:`writes.save_incidents`, merging by id and by event as ingest did,
   so the first report of an event gives the record its id again.
   Extraction ids hash the window and places: an incident whose window and
   places did not change comes back under its old id;
3. rolls everything back (:class:`Discard`) when the rebuilt incidents
   equal the stored ones, so a second run writes nothing at all, or when a
   fresh incident merged with a report outside the group, which must then
   be rebuilt with it (``regroup``).

People win over machines (:mod:`~dashboard.store.locks`): an incident an
analyst reviewed is never deleted; the fresh incident under its id gives it
back its unlocked fields, a locked field read differently flags it, and one
no fresh reading gives back is flagged as no longer found (unless rejected
or a duplicate, which nothing is expected to find).

Dataset records (ACLED, UCDP imports) have no text: never listed, never in
a group. Limitation: an incident a dataset record or a report outside
``eligible`` also cites is not re-derived; it keeps the fields its reports
made of it and only the group's citations on it are replaced.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, delete, exists, select, update

from dashboard.models import Incident, ReviewStatus, Source, SourceKind
from dashboard.store import locks, reads, writes
from dashboard.store import schema as db
from dashboard.store.engine import StoreError
from dashboard.store.records import ReplaceResult, StoredReport

# Children of an incident that go with it (its citations are gone before it is).
_INCIDENT_CHILDREN = (db.incident_provinces, db.incident_segments, db.imported_places)

Document = tuple[Source, list[Incident]]


class Discard(Exception):  # noqa: N818 - a result delivered by rolling back, not a failure
    """Raised inside the transaction to roll it back and hand ``result`` to the caller."""

    def __init__(self, result: ReplaceResult) -> None:
        super().__init__("re-extraction discarded")
        self.result = result


def report_source_ids(conn: Connection) -> list[str]:
    """Ids of the stored reports that have text, in storing order.

    Storing order (then id) is the order ingest saw them in, so a rebuilt
    event takes its id from the same first report it did then.
    """
    s = db.sources.c
    query = select(s.id).where(s.kind == SourceKind.REPORT.value, s.text.is_not(None))
    return list(conn.execute(query.order_by(s.created_at, s.id)).scalars())


def stored_report(conn: Connection, source_id: str) -> StoredReport | None:
    """The stored report with its text and the day it was stored; ``None`` if it is none."""
    source = reads.get_source(conn, source_id)
    if source is None or source.kind is not SourceKind.REPORT or source.text is None:
        return None
    stored_at = conn.execute(
        select(db.sources.c.created_at).where(db.sources.c.id == source_id)
    ).scalar_one()
    return StoredReport(source, stored_at.date())


def report_group(
    conn: Connection, source_ids: Collection[str], eligible: Collection[str]
) -> list[str]:
    """``source_ids`` and the ``eligible`` reports sharing incidents with them, in storing order."""
    allowed = set(eligible) | set(source_ids)
    group, frontier = set(source_ids), set(source_ids)
    while frontier:
        touched = select(db.citations.c.incident_id).where(
            db.citations.c.source_id.in_(sorted(frontier))
        )
        sharing = conn.execute(
            select(db.citations.c.source_id).where(db.citations.c.incident_id.in_(touched))
        ).scalars()
        frontier = (set(sharing) & allowed) - group
        group |= frontier
    s = db.sources.c
    query = select(s.id).where(s.id.in_(sorted(group))).order_by(s.created_at, s.id)
    return list(conn.execute(query).scalars())


def replace_reports(
    conn: Connection, documents: Sequence[Document], eligible: Collection[str]
) -> ReplaceResult:
    """Rebuild what a group of reports reports from ``documents``; see the module docstring.

    ``documents`` are the group's reports with their fresh incidents, in
    storing order; ``eligible`` the reports that may join the group. Raises
    :class:`Discard` to roll back (unchanged, or regroup).
    """
    ids = [source.id for source, _ in documents]
    for source, _ in documents:
        _require_stored_report(conn, source)
    cited = _lock_cited(conn, ids)
    before = _read(conn, cited)
    _remove_citations(conn, ids)
    gone, kept = _delete_uncited(conn, cited)
    _reflag_synthetic(conn, sorted(set(cited) - gone))
    rederive = set(kept)
    saved = [writes.save_incidents(conn, source, fresh, rederive) for source, fresh in documents]
    _flag_orphans(conn, rederive)
    wider = report_group(conn, ids, eligible)
    if set(wider) != set(ids):
        raise Discard(ReplaceResult(regroup=tuple(wider)))
    after = _read(conn, sorted((set(cited) - gone) | set(_cited_by(conn, ids))))
    if after == before:
        raise Discard(ReplaceResult(unchanged=True))
    _mark_written(conn, ids)
    inserted = sum(result.incidents_created for result in saved)
    return ReplaceResult(
        incidents_created=inserted - len(gone & after.keys()),  # a deleted id back is kept
        incidents_kept=len(after.keys() & before.keys()),
        incidents_merged=sum(result.incidents_merged for result in saved),
        incidents_removed=len(before.keys() - after.keys()),
    )


def _require_stored_report(conn: Connection, source: Source) -> None:
    """Refuse a source that is not this stored report: nothing else may lose its citations."""
    stored = reads.get_source(conn, source.id)
    if stored is None or stored.kind is not SourceKind.REPORT:
        raise StoreError(f"source {source.id!r} is not a stored report")
    if stored.content_hash != source.content_hash:
        raise StoreError(f"source {source.id!r} is stored with different content")


def _cited_by(conn: Connection, source_ids: Sequence[str]) -> list[str]:
    query = select(db.citations.c.incident_id).where(db.citations.c.source_id.in_(source_ids))
    return sorted(set(conn.execute(query).scalars()))


def _lock_cited(conn: Connection, source_ids: Sequence[str]) -> list[str]:
    """Ids of the incidents the sources cite, locked in id order (as writes lock them)."""
    cited = select(db.citations.c.incident_id).where(db.citations.c.source_id.in_(source_ids))
    query = select(db.incidents.c.id).where(db.incidents.c.id.in_(cited))
    return list(conn.execute(query.order_by(db.incidents.c.id).with_for_update()).scalars())


def _read(
    conn: Connection, incident_ids: Sequence[str]
) -> dict[str, tuple[Incident, bool, str | None]]:
    """The incidents whole, with their synthetic and review flags: what a rebuild must give back."""
    found: dict[str, tuple[Incident, bool, str | None]] = {}
    for incident_id in incident_ids:
        incident = reads.get_incident(conn, incident_id)
        if incident is not None:
            flag = conn.execute(
                select(db.incidents.c.review_flag).where(db.incidents.c.id == incident_id)
            ).scalar_one()
            found[incident_id] = (incident, bool(reads.is_synthetic(conn, incident_id)), flag)
    return found


def _remove_citations(conn: Connection, source_ids: Sequence[str]) -> None:
    """Delete the sources' citations with their excerpts and spans, children first."""
    excerpt_ids = select(db.excerpts.c.id).where(db.excerpts.c.source_id.in_(source_ids))
    conn.execute(delete(db.excerpt_spans).where(db.excerpt_spans.c.excerpt_id.in_(excerpt_ids)))
    conn.execute(delete(db.excerpts).where(db.excerpts.c.source_id.in_(source_ids)))
    conn.execute(delete(db.citations).where(db.citations.c.source_id.in_(source_ids)))


def _delete_uncited(conn: Connection, incident_ids: Sequence[str]) -> tuple[set[str], set[str]]:
    """Delete those of ``incident_ids`` no citation is left on: (deleted ids, kept ids).

    An uncited incident an analyst has reviewed is kept (its status and
    corrections are a person's work, :mod:`~dashboard.store.locks`): the
    fresh incidents re-derive it, or :func:`_flag_orphans` flags it.
    """
    if not incident_ids:
        return set(), set()
    still_cited = select(db.citations.c.incident_id).where(
        db.citations.c.incident_id.in_(incident_ids)
    )
    uncited = set(incident_ids) - set(conn.execute(still_cited).scalars())
    kept = locks.reviewed(conn, uncited)
    gone = sorted(uncited - kept)
    if gone:
        for table in _INCIDENT_CHILDREN:
            conn.execute(delete(table).where(table.c.incident_id.in_(gone)))
        conn.execute(delete(db.incidents).where(db.incidents.c.id.in_(gone)))
    return set(gone), kept


def _flag_orphans(conn: Connection, incident_ids: Collection[str]) -> None:
    """Flag kept reviewed incidents that no fresh reading gave back and nothing cites."""
    t = db.incidents.c
    set_aside = (ReviewStatus.REJECTED.value, ReviewStatus.DUPLICATE.value)
    for incident_id in sorted(incident_ids):
        cited = conn.execute(
            select(db.citations.c.source_id).where(db.citations.c.incident_id == incident_id)
        ).first()
        status = conn.execute(select(t.review_status).where(t.id == incident_id)).scalar_one()
        if cited is None and status not in set_aside:
            locks.flag(conn, incident_id, "re-extraction no longer finds it in any report")


def _reflag_synthetic(conn: Connection, incident_ids: Sequence[str]) -> None:
    """An incident is synthetic again once no real source cites it (the writes' rule).

    One nothing cites (a reviewed incident kept, :func:`_delete_uncited`)
    keeps its flag: no citation says it is synthetic, and hiding an
    analyst's incident as test data would lose it from view.
    """
    if not incident_ids:
        return
    real_citation = exists().where(
        and_(
            db.citations.c.incident_id == db.incidents.c.id,
            db.sources.c.id == db.citations.c.source_id,
            db.sources.c.synthetic.is_(False),
        )
    )
    any_citation = exists().where(db.citations.c.incident_id == db.incidents.c.id)
    conn.execute(
        update(db.incidents)
        .where(db.incidents.c.id.in_(incident_ids), any_citation)
        .values(synthetic=~real_citation)
    )


def _mark_written(conn: Connection, source_ids: Sequence[str]) -> None:
    """Date the group's incidents now: the store's fingerprint must see a rewrite.

    :func:`reads.fingerprint` counts rows and takes the newest ``created_at``;
    incidents rebuilt in place change no count.
    """
    cited = select(db.citations.c.incident_id).where(db.citations.c.source_id.in_(source_ids))
    conn.execute(
        update(db.incidents)
        .where(db.incidents.c.id.in_(cited))
        .values(created_at=datetime.now(UTC))
    )
