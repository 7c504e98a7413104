"""Writing one document: a source and the incidents it reports, merged into the store.

Writes go document by document: one source and the incidents it reports,
in one transaction (the caller's, see :meth:`Store.save_document`),
idempotent by content hash. An incident reported again under the same id
gains the citations and excerpts it lacks; the first report's attributes
win. An incident under a new id that :mod:`~dashboard.store.matching` finds
to be an event already stored (another source, a coarser or finer window,
a village for a province) is merged into that one instead of becoming a
second dot: it adds its citation and refines the record
(:mod:`~dashboard.store.refine`). Every function here runs inside the
caller's transaction.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Table, delete, func, select, update

from dashboard.models import Citation, Excerpt, Incident, Source
from dashboard.store import candidates, changes, fusion, locks, matching, reads, refine, rows
from dashboard.store import schema as db
from dashboard.store.engine import StoreError
from dashboard.store.records import SaveResult


def save_document(conn: Connection, source: Source, incidents: list[Incident]) -> SaveResult:
    """Store one source and the incidents it reports; see :meth:`Store.save_document`."""
    if not _insert_source(conn, source):
        return SaveResult(unchanged=True)
    return save_incidents(conn, source, incidents)


def save_incidents(
    conn: Connection,
    source: Source,
    incidents: list[Incident],
    rederive: set[str] | None = None,
) -> SaveResult:
    """Merge the incidents one stored ``source`` reports into the store.

    The part of :func:`save_document` after the source row: re-extraction
    (:mod:`~dashboard.store.reextract`) calls it for a source already
    stored, so its fresh incidents merge by id and by event exactly as an
    ingest's would. People win over machines (:mod:`~dashboard.store.locks`):
    a report of an incident an analyst marked duplicate goes to the one it
    duplicates, and no write here changes a corrected field; it flags the
    incident instead where its reading differs. ``rederive`` names reviewed
    incidents re-extraction kept although nothing cites them any more: the
    first fresh incident under such an id gives it its fields again (the
    corrected ones excepted), and the id leaves the set.
    """
    rederive = set() if rederive is None else rederive
    created = merged = matched = 0
    known_sources = {source.id}
    reading = f"report {source.id}"
    # A fixed order means two concurrent documents lock shared incidents
    # in the same order, so PostgreSQL sessions queue instead of deadlocking.
    for incident in sorted(incidents, key=lambda i: i.id):
        for citation in incident.citations:
            _require_source(conn, citation.source_id, known_sources, incident.id)
        kept = locks.kept_instead(conn, incident.id)
        if kept is not None:  # an analyst merged this id into another incident
            _merge_into(conn, _stored_for_update(conn, kept), incident, reading)
            matched += 1
            continue
        if incident.id in rederive:
            rederive.discard(incident.id)
            _rederive(conn, incident, reading, synthetic=source.synthetic)
            merged += 1
            continue
        if not _is_stored(conn, incident.id):
            matches = candidates.matching_ids(
                conn, incident, synthetic=source.synthetic, source_id=source.id
            )
            record = _fusable_record(conn, incident, matches)
            if record is not None:
                # One event with a dataset's record: stored as itself, fused beside it.
                insert_incident(conn, incident, synthetic=source.synthetic)
                fusion.fuse(conn, record, incident.id, by="ingest")
                matched += 1
                continue
            matches = [m for m in matches if not _imported(conn, m)]
            if matches:
                _merge_into(conn, _stored_for_update(conn, matches[0]), incident, reading)
                matched += 1
                _absorb_bridged(conn, matches[0], matches[1:], synthetic=source.synthetic)
                continue
        if insert_incident(conn, incident, synthetic=source.synthetic):
            created += 1
        elif _merge_incident(conn, incident, synthetic=source.synthetic):
            merged += 1
    return SaveResult(
        sources_created=1,
        incidents_created=created,
        incidents_merged=merged + matched,
        incidents_matched=matched,
    )


def _absorb_bridged(conn: Connection, kept_id: str, others: list[str], *, synthetic: bool) -> None:
    """Fold into ``kept_id`` the ``others`` an incoming report also matched, where
    :func:`matching.bridged` says they are one event with it.

    Only machine records of reports are folded: an incident an analyst has
    reviewed, one sharing a source with the kept record (extraction judged
    them two), or a dataset row's (its file's own place names are kept with
    it) stays as it is. A folded record's children go with it (ON DELETE
    CASCADE).
    """
    if not others:
        return
    untouchable = locks.reviewed(conn, {kept_id, *others})
    if kept_id in untouchable:
        return
    for other_id in sorted(set(others) - untouchable):
        kept = _stored_for_update(conn, kept_id)
        other = _stored_for_update(conn, other_id)
        if (
            _shares_source(conn, kept_id, other_id)
            or _imported(conn, other_id)
            or not matching.bridged(
                matching.Facts.of(kept, synthetic=synthetic),
                matching.Facts.of(other, synthetic=synthetic),
            )
        ):
            continue
        rewrite_incident(conn, refine.refine(kept, other))
        move_citations(conn, other_id, kept_id, synthetic=synthetic)
        conn.execute(delete(db.incidents).where(db.incidents.c.id == other_id))


def _fusable_record(conn: Connection, incident: Incident, matches: list[str]) -> str | None:
    """The best match, when it is a dataset's record of a compatible event type
    (:mod:`~dashboard.store.fusion`); ``None`` otherwise."""
    for match in matches:
        if _imported(conn, match):
            if matching.types_compatible(incident.event_type, fusion.event_type_of(conn, match)):
                return match
            continue  # another kind of event: not this record's
        return None  # a report incident fits better: merge with it as before
    return None


def _imported(conn: Connection, incident_id: str) -> bool:
    t = db.imported_places.c
    found = conn.execute(select(t.incident_id).where(t.incident_id == incident_id))
    return found.first() is not None


def _shares_source(conn: Connection, a: str, b: str) -> bool:
    c = db.citations.c
    sources = select(c.source_id).where(c.incident_id == a)
    found = select(c.source_id).where(c.incident_id == b, c.source_id.in_(sources)).limit(1)
    return conn.execute(found).first() is not None


def move_citations(conn: Connection, from_id: str, to_id: str, *, synthetic: bool) -> list[str]:
    """Move one incident's citations (claims, excerpts, spans) to another; the source ids moved.

    The kept incident becomes real when a real incident's reports join it,
    as with any report (:func:`save_incidents`).
    """
    citations = reads.citations_of(conn, from_id)
    for citation in citations:
        add_citation(conn, to_id, citation)
    excerpt_ids = select(db.excerpts.c.id).where(db.excerpts.c.incident_id == from_id)
    conn.execute(delete(db.excerpt_spans).where(db.excerpt_spans.c.excerpt_id.in_(excerpt_ids)))
    conn.execute(delete(db.excerpts).where(db.excerpts.c.incident_id == from_id))
    conn.execute(delete(db.citations).where(db.citations.c.incident_id == from_id))
    if citations and not synthetic:
        conn.execute(update(db.incidents).where(db.incidents.c.id == to_id).values(synthetic=False))
    return [citation.source_id for citation in citations]


def _is_stored(conn: Connection, incident_id: str) -> bool:
    """Whether an incident with this id exists (then it is merged by id, as always)."""
    found = conn.execute(select(db.incidents.c.id).where(db.incidents.c.id == incident_id))
    return found.first() is not None


def _merge_into(conn: Connection, stored: Incident, incoming: Incident, reading: str) -> None:
    """Merge ``incoming`` into ``stored``, another report of the same event under another id.

    The stored record keeps its id and takes the refined fields, except
    those an analyst corrected (:func:`locks.guard`); the incoming report's
    citations (its own claim and excerpts) are added under the stored id,
    beside the others, as the source panel shows them side by side. Both
    are of one synthetic flag (matching never crosses it).
    """
    if _imported(conn, stored.id):
        # A dataset's record keeps the dataset's fields: the report adds its sources.
        for citation in incoming.citations:
            add_citation(conn, stored.id, citation)
        return
    machine = refine.refine(stored, incoming)
    refined = locks.guard(conn, stored, machine, reading)
    if refined.summary == machine.summary != stored.summary:
        # The summary was restated for the machine's window and place; restate it for
        # the kept ones, or it would name a day the corrected window does not.
        refined = dataclasses.replace(refined, summary=refine.restated(stored, refined))
    rewrite_incident(conn, refined)
    for citation in incoming.citations:
        add_citation(conn, stored.id, citation)


def _rederive(conn: Connection, fresh: Incident, reading: str, *, synthetic: bool) -> None:
    """Give a reviewed incident kept by re-extraction the fresh reading of its unlocked fields."""
    stored = _stored_for_update(conn, fresh.id)
    fresh, split_off = locks.route_split(conn, fresh)
    rewrite_incident(conn, locks.guard(conn, stored, fresh, reading))
    _merge_incident(conn, fresh, synthetic=synthetic)
    for split_id, citation in split_off:
        split = dataclasses.replace(fresh, id=split_id, citations=(citation,))
        _merge_incident(conn, split, synthetic=synthetic)


def _stored_for_update(conn: Connection, incident_id: str) -> Incident:
    """The stored incident without its citations, its row locked until the transaction ends."""
    row = conn.execute(
        select(db.incidents).where(db.incidents.c.id == incident_id).with_for_update()
    ).one()
    return reads.incident_fields(conn, row)


def rewrite_incident(conn: Connection, incident: Incident) -> None:
    """Write an incident's fields over its stored ones: the row, provinces, segments, casualties.

    Id, creation time, synthetic flag, citations and review columns stay.
    Children are replaced rather than appended to: a merged count can
    change (the larger figure of a side wins), and an analyst may remove a
    province.
    """
    conn.execute(
        update(db.incidents)
        .where(db.incidents.c.id == incident.id)
        .values(
            {
                name: value
                for name, value in rows.incident_row(
                    incident,
                    datetime.now(UTC),
                    synthetic=False,
                    changed_seq=changes.current_seq(conn),
                ).items()
                if name not in ("id", "created_at", "synthetic")
            }
        )
    )
    for table, columns in (
        (db.incident_provinces, rows.province_columns([incident])),
        (db.incident_segments, rows.segment_columns([incident])),
        (db.incident_casualties, rows.casualty_columns([incident])),
    ):
        conn.execute(delete(table).where(table.c.incident_id == incident.id))
        if columns["incident_id"]:
            conn.execute(table.insert(), rows.rows(columns))


def _insert_source(conn: Connection, source: Source) -> bool:
    """Insert the source; False if the same content is already stored."""
    inserted = rows.insert_ignore(conn, db.sources, rows.source_row(source, datetime.now(UTC)))
    if inserted is not None:
        return True
    same_content = conn.execute(
        select(db.sources.c.id).where(db.sources.c.content_hash == source.content_hash)
    ).first()
    if same_content is not None:
        return False
    raise StoreError(
        f"source {source.id!r} is already stored with different content "
        f"(content hash differs); give the changed document a new source id"
    )


def _require_source(conn: Connection, source_id: str, known: set[str], incident_id: str) -> None:
    """Fail clearly (instead of with a bare foreign-key error) on a dangling citation."""
    if source_id in known:
        return
    if conn.execute(select(db.sources.c.id).where(db.sources.c.id == source_id)).first() is None:
        raise StoreError(
            f"incident {incident_id!r} cites source {source_id!r}, which is neither the "
            f"document being saved nor already stored"
        )
    known.add(source_id)


def insert_incident(conn: Connection, incident: Incident, *, synthetic: bool) -> bool:
    """Write a new incident whole; False (and nothing written) if its id exists."""
    row = rows.incident_row(
        incident, datetime.now(UTC), synthetic=synthetic, changed_seq=changes.current_seq(conn)
    )
    inserted = rows.insert_ignore(conn, db.incidents, row)
    if inserted is None:
        return False
    if incident.provinces:
        conn.execute(db.incident_provinces.insert(), rows.rows(rows.province_columns([incident])))
    if incident.segments:
        conn.execute(db.incident_segments.insert(), rows.rows(rows.segment_columns([incident])))
    if incident.casualties:
        conn.execute(db.incident_casualties.insert(), rows.rows(rows.casualty_columns([incident])))
    for citation in incident.citations:
        add_citation(conn, incident.id, citation)
    return True


def _merge_incident(conn: Connection, incident: Incident, *, synthetic: bool) -> bool:
    """Add the citations and excerpts a stored incident lacks; True if any were new.

    An incident stays synthetic only while every report of it is synthetic:
    a real source confirming it makes it real.
    """
    added = False
    for citation in incident.citations:
        added = add_citation(conn, incident.id, citation) or added
    if added and not synthetic:
        conn.execute(
            update(db.incidents).where(db.incidents.c.id == incident.id).values(synthetic=False)
        )
    return added


def _next_position(conn: Connection, table: Table, *where: Any) -> int:
    """One past the highest ``position`` among the rows matching ``where``."""
    highest = conn.execute(select(func.max(table.c.position)).where(*where)).scalar_one()
    return 0 if highest is None else highest + 1


def add_citation(conn: Connection, incident_id: str, citation: Citation) -> bool:
    """Insert the citation if new, then any of its excerpts not yet stored."""
    position = _next_position(conn, db.citations, db.citations.c.incident_id == incident_id)
    inserted = rows.insert_ignore(
        conn,
        db.citations,
        {
            "incident_id": incident_id,
            "source_id": citation.source_id,
            "position": position,
            "claim": citation.claim,
        },
    )
    added = inserted is not None
    for excerpt in citation.excerpts:
        added = _add_excerpt(conn, incident_id, citation.source_id, excerpt) or added
    return added


def _add_excerpt(conn: Connection, incident_id: str, source_id: str, excerpt: Excerpt) -> bool:
    """Insert the excerpt and its spans unless the same offsets are already stored."""
    key = (
        db.excerpts.c.incident_id == incident_id,
        db.excerpts.c.source_id == source_id,
    )
    inserted = rows.insert_ignore(
        conn,
        db.excerpts,
        {
            "incident_id": incident_id,
            "source_id": source_id,
            "position": _next_position(conn, db.excerpts, *key),
            "start_char": excerpt.start,
            "end_char": excerpt.end,
            "text": excerpt.text,
        },
    )
    if inserted is None:
        return False
    if excerpt.spans:
        conn.execute(db.excerpt_spans.insert(), rows.span_rows(inserted.id, excerpt.spans))
    return True
