"""Re-extraction's store side: the reports that can be read again, and replacing what one reports.

After an extractor upgrade the stored reports are read again (the pipeline
does the reading, :mod:`dashboard.reextract`); here each report's fresh
incidents replace the ones it reported before, in one transaction per
source (the caller's, see :meth:`Store.replace_document`):

1. if what the source reports is already what the fresh incidents make
   (:mod:`~dashboard.store.contribution`), nothing is written, so a second
   run changes nothing;
2. otherwise its citations, excerpts and spans are removed and the incidents
   it alone reported are deleted; incidents other sources still cite keep
   their id, their other citations and their fields;
3. the fresh incidents are saved by :func:`writes.save_incidents`, merging by
   id and by event exactly as an ingest does. Extraction ids hash the window
   and places, so an incident whose window and places did not change comes
   back under its old id; one whose did gets a new id.

Dataset records (ACLED, UCDP imports) carry no text and are never listed.

Limitation: an incident other sources also cite is not re-derived. Its
window, place and counts stay what its reports made of it, this source's old
extraction included; only this source's citation is replaced, and a fresh
report merged into it by event refines it further (:mod:`~dashboard.store.refine`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, delete, exists, select, update

from dashboard.models import Incident, Source, SourceKind
from dashboard.store import contribution, reads, writes
from dashboard.store import schema as db
from dashboard.store.engine import StoreError
from dashboard.store.records import ReplaceResult, StoredReport

# Children of an incident that go with it (citations are gone before it is deleted).
_INCIDENT_CHILDREN = (db.incident_provinces, db.incident_segments, db.imported_places)


def report_source_ids(conn: Connection) -> list[str]:
    """Ids of the stored reports that have text, in the order they were stored.

    Storing order (then id) is the order ingest saw them in, so merges by
    event pick the same stored record they did then.
    """
    s = db.sources.c
    return list(
        conn.execute(
            select(s.id)
            .where(s.kind == SourceKind.REPORT.value, s.text.is_not(None))
            .order_by(s.created_at, s.id)
        ).scalars()
    )


def stored_report(conn: Connection, source_id: str) -> StoredReport | None:
    """The stored report with its text and the day it was stored; ``None`` if it is none."""
    source = reads.get_source(conn, source_id)
    if source is None or source.kind is not SourceKind.REPORT or source.text is None:
        return None
    stored_at = conn.execute(
        select(db.sources.c.created_at).where(db.sources.c.id == source_id)
    ).scalar_one()
    return StoredReport(source, stored_at.date())


def replace_document(conn: Connection, source: Source, fresh: list[Incident]) -> ReplaceResult:
    """Replace what the stored ``source`` reports by ``fresh``; see the module docstring."""
    _require_stored_report(conn, source)
    cited = _lock_cited(conn, source.id)
    if contribution.is_current(conn, source, fresh, cited):
        return ReplaceResult(unchanged=True)
    _remove_citations(conn, source.id)
    gone = _delete_uncited(conn, cited)
    _reflag_synthetic(conn, [i for i in cited if i not in gone])
    saved = writes.save_incidents(conn, source, fresh)
    back = _existing(conn, gone)
    _mark_written(conn, source.id)
    return ReplaceResult(
        incidents_created=saved.incidents_created - len(back),
        incidents_kept=len(back),
        incidents_merged=saved.incidents_merged,
        incidents_removed=len(gone) - len(back),
    )


def _require_stored_report(conn: Connection, source: Source) -> None:
    """Refuse a source that is not this stored report: nothing else may lose its citations."""
    stored = reads.get_source(conn, source.id)
    if stored is None or stored.kind is not SourceKind.REPORT:
        raise StoreError(f"source {source.id!r} is not a stored report")
    if stored.content_hash != source.content_hash:
        raise StoreError(f"source {source.id!r} is stored with different content")


def _lock_cited(conn: Connection, source_id: str) -> list[str]:
    """Ids of the incidents the source cites, locked in id order (as writes lock them)."""
    cited = select(db.citations.c.incident_id).where(db.citations.c.source_id == source_id)
    return list(
        conn.execute(
            select(db.incidents.c.id)
            .where(db.incidents.c.id.in_(cited))
            .order_by(db.incidents.c.id)
            .with_for_update()
        ).scalars()
    )


def _remove_citations(conn: Connection, source_id: str) -> None:
    """Delete the source's citations with their excerpts and spans, children first."""
    excerpt_ids = select(db.excerpts.c.id).where(db.excerpts.c.source_id == source_id)
    conn.execute(delete(db.excerpt_spans).where(db.excerpt_spans.c.excerpt_id.in_(excerpt_ids)))
    conn.execute(delete(db.excerpts).where(db.excerpts.c.source_id == source_id))
    conn.execute(delete(db.citations).where(db.citations.c.source_id == source_id))


def _delete_uncited(conn: Connection, incident_ids: Sequence[str]) -> set[str]:
    """Delete those of ``incident_ids`` no citation is left on; their ids."""
    if not incident_ids:
        return set()
    still_cited = select(db.citations.c.incident_id).where(
        db.citations.c.incident_id.in_(incident_ids)
    )
    gone = set(incident_ids) - set(conn.execute(still_cited).scalars())
    if gone:
        for table in _INCIDENT_CHILDREN:
            conn.execute(delete(table).where(table.c.incident_id.in_(sorted(gone))))
        conn.execute(delete(db.incidents).where(db.incidents.c.id.in_(sorted(gone))))
    return gone


def _reflag_synthetic(conn: Connection, incident_ids: Sequence[str]) -> None:
    """An incident is synthetic again once no real source cites it (the writes' rule)."""
    if not incident_ids:
        return
    real_citation = exists().where(
        and_(
            db.citations.c.incident_id == db.incidents.c.id,
            db.sources.c.id == db.citations.c.source_id,
            db.sources.c.synthetic.is_(False),
        )
    )
    conn.execute(
        update(db.incidents)
        .where(db.incidents.c.id.in_(incident_ids))
        .values(synthetic=~real_citation)
    )


def _existing(conn: Connection, incident_ids: set[str]) -> set[str]:
    """Those of ``incident_ids`` that are stored."""
    if not incident_ids:
        return set()
    found = select(db.incidents.c.id).where(db.incidents.c.id.in_(sorted(incident_ids)))
    return set(conn.execute(found).scalars())


def _mark_written(conn: Connection, source_id: str) -> None:
    """Date the source's incidents now: the store's fingerprint must see a rewrite.

    :func:`reads.fingerprint` counts rows and takes the newest ``created_at``;
    a source whose incidents changed in place changes no count.
    """
    cited = select(db.citations.c.incident_id).where(db.citations.c.source_id == source_id)
    conn.execute(
        update(db.incidents)
        .where(db.incidents.c.id.in_(cited))
        .values(created_at=datetime.now(UTC))
    )
