"""One event across sources: a dataset's record and the text reports of the same event.

An imported row (ACLED, UCDP GED, a monitor's table) and the reports an
ingest read may describe one event. They are *fused* when
:mod:`~dashboard.store.matching` says they are one event (compatible
windows, the same or contained places) and their event types are
compatible (:func:`~dashboard.store.matching.types_compatible`), whichever
came first:

- a report ingested after the import: its incident is stored under its own
  id and fused at once (:func:`fuse`, called by
  :func:`~dashboard.store.writes.save_incidents`);
- a record imported after the reports: each new record looks for the best
  matching report incident among those of the run's :class:`ReportIndex`
  (read once per import, so a plain import into a store without reports
  costs one query) and fuses it (:func:`fuse_new`).

A fusion works as an analyst's merge does (:mod:`~dashboard.store.review`):
the report incident's citations move to the record, which then lists every
source ("2 reports + ACLED ARM1234"), and the report incident stays in the
store as a ``duplicate`` of the record, with its own window, place and
figures. So each source's figures stay side by side, never summed: the
record keeps the dataset's fatalities, each fused report incident its own
(:func:`fused_reports`, shown in the source panel). The record's fields
stay the dataset's (a report never rewrites them; a newer release still
does, :mod:`~dashboard.store.living`, keeping the fused citations).

Both sides get a ``fuse`` revision (author ``ingest`` or ``import``), which
counts as the machine's, not an analyst's. An analyst undoes a wrong fusion
with :func:`split_source`: the report incident takes its citations back and
leaves ``duplicate`` (an ``unfuse`` revision on both); having been reviewed,
it is never fused again. Only incidents no analyst changed are fused.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, exists, select, update

from dashboard.models import CasualtyCount, DatePrecision, EventType, Incident, LocationPrecision
from dashboard.store import audit, reads, writes
from dashboard.store import schema as db
from dashboard.store.matching import FOLLOW_UP, Facts, same_event, score, types_compatible
from dashboard.store.records import Revision

FUSE = "fuse"
UNFUSE = "unfuse"
MACHINE_ACTIONS = (FUSE, UNFUSE)
"""Revision actions that leave a record's fields the dataset's (living datasets revise it)."""

_IN_CHUNK = 500


@dataclass(frozen=True)
class FusedReport:
    """A report incident fused with a record: its sources and its own figures."""

    incident_id: str
    source_ids: tuple[str, ...]
    fatalities: int | None
    casualties: tuple[CasualtyCount, ...]
    date_label: str
    place_name: str | None


@dataclass
class ReportIndex:
    """The report incidents an import may fuse with, by place and start day (read once).

    Each province code and segment id lists its report incidents by first
    day, so a record looks only at those whose windows can meet its own
    (:data:`~dashboard.store.matching.FOLLOW_UP` either side, plus the widest
    report window), not at every report of its province.
    """

    facts: dict[str, tuple[Facts, EventType]] = field(default_factory=dict)
    by_place: dict[str, list[tuple[date, str]]] = field(default_factory=dict)
    widest: timedelta = timedelta(0)
    fused: set[str] = field(default_factory=set)

    def __bool__(self) -> bool:
        return len(self.facts) > len(self.fused)

    def add(self, incident_id: str, facts: Facts, event_type: EventType) -> None:
        self.facts[incident_id] = (facts, event_type)
        self.widest = max(self.widest, facts.date_end - facts.date_start)
        for key in (*facts.provinces, *facts.segments):
            self.by_place.setdefault(key, []).append((facts.date_start, incident_id))

    def sort(self) -> None:
        for listed in self.by_place.values():
            listed.sort()

    def candidates(self, incident: Incident) -> set[str]:
        """Report incidents sharing a province or a segment with ``incident`` whose windows
        may meet its own."""
        earliest = (incident.date_start - FOLLOW_UP - self.widest, "")
        latest = (incident.date_end + FOLLOW_UP, "\uffff")
        found: set[str] = set()
        for key in (*(p.code for p in incident.provinces), *(s.id for s in incident.segments)):
            listed = self.by_place.get(key)
            if listed:
                lo, hi = bisect_left(listed, earliest), bisect_right(listed, latest)
                found.update(i for _, i in listed[lo:hi])
        return found - self.fused

    def discard(self, incident_id: str) -> None:
        """Forget a report incident (fused: it is no candidate any more)."""
        self.fused.add(incident_id)


def report_index(conn: Connection) -> ReportIndex:
    """The incidents no dataset imported and no analyst changed, that are no duplicate."""
    t, p = db.incidents.c, db.imported_places.c
    rows = conn.execute(
        select(
            t.id, t.date_start, t.date_end, t.date_precision, t.location_precision, t.lat,
            t.lon, t.synthetic, t.event_type,
        ).where(
            t.version == 0,
            t.review_status.not_in(("duplicate", "rejected")),
            ~exists().where(p.incident_id == t.id),
        )
    ).all()  # fmt: skip
    index = ReportIndex()
    if not rows:
        return index
    places = _links(conn, [r.id for r in rows])
    for row in rows:
        provinces, segments = places.get(row.id, (set(), set()))
        facts = Facts(
            row.date_start, row.date_end, DatePrecision(row.date_precision),
            LocationPrecision(row.location_precision), row.lat, row.lon,
            frozenset(provinces), bool(row.synthetic), frozenset(segments),
        )  # fmt: skip
        index.add(row.id, facts, EventType(row.event_type))
    index.sort()
    return index


def _links(conn: Connection, ids: Sequence[str]) -> dict[str, tuple[set[str], set[str]]]:
    """Each incident's province codes and segment ids."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    pv, sg = db.incident_provinces.c, db.incident_segments.c
    for start in range(0, len(ids), _IN_CHUNK):
        chunk = ids[start : start + _IN_CHUNK]
        for incident_id, code in conn.execute(
            select(pv.incident_id, pv.code).where(pv.incident_id.in_(chunk))
        ):
            found.setdefault(incident_id, (set(), set()))[0].add(code)
        for incident_id, segment in conn.execute(
            select(sg.incident_id, sg.segment_id).where(sg.incident_id.in_(chunk))
        ):
            found.setdefault(incident_id, (set(), set()))[1].add(segment)
    return found


def fuse_new(
    conn: Connection,
    records: Sequence[Incident],
    synthetic: Sequence[bool],
    index: ReportIndex,
) -> int:
    """Fuse each new record with the best report incident of ``index`` it matches; how many."""
    fused = 0
    for record, flag in zip(records, synthetic, strict=True):
        ids = index.candidates(record)
        if not ids:
            continue
        incoming = Facts.of(record, synthetic=flag)
        matches = [
            i
            for i in sorted(ids)
            if types_compatible(record.event_type, index.facts[i][1])
            and same_event(incoming, index.facts[i][0])
        ]
        if not matches:
            continue
        best = max(matches, key=lambda i: score(incoming, index.facts[i][0]))
        if fuse(conn, record.id, best, by="import"):
            fused += 1
        index.discard(best)
    return fused


def is_record(conn: Connection, incident_id: str) -> bool:
    """Whether the incident is a dataset's imported record."""
    p = db.imported_places.c
    found = conn.execute(select(p.incident_id).where(p.incident_id == incident_id))
    return found.first() is not None


def event_type_of(conn: Connection, incident_id: str) -> EventType:
    t = db.incidents.c
    return EventType(conn.execute(select(t.event_type).where(t.id == incident_id)).scalar_one())


def fuse(conn: Connection, record_id: str, report_id: str, *, by: str) -> bool:
    """Fuse a report incident with a record (module rule); False if it is no longer fusable.

    Both rows are locked in id order, as merges lock them. A report
    incident an analyst changed meanwhile, or one already fused elsewhere
    (another worker's chunk), is left alone.
    """
    t = db.incidents.c
    rows = {
        row.id: row
        for row in conn.execute(
            select(db.incidents)
            .where(t.id.in_(sorted((record_id, report_id))))
            .order_by(t.id)
            .with_for_update()
        )
    }
    report, record = rows.get(report_id), rows.get(record_id)
    if report is None or record is None or report.version != 0:
        return False
    if report.review_status in ("duplicate", "rejected"):
        return False
    before = _source_ids(conn, record_id)
    moved = writes.move_citations(conn, report_id, record_id, synthetic=report.synthetic)
    reason = f"one event with {record_id}: compatible windows, places and event types"
    _machine_revision(
        conn,
        report,
        {"review_status": "duplicate", "duplicate_of": record_id},
        by=by,
        reason=reason,
        changes={
            "status": {"before": report.review_status, "after": "duplicate"},
            "duplicate_of": {"before": None, "after": record_id},
            "sources": {"before": moved, "after": []},
        },
    )
    _machine_revision(
        conn,
        record,
        {},
        by=by,
        reason=f"{report_id} reports the same event: its sources join this record",
        changes={
            "sources": {"before": before, "after": _source_ids(conn, record_id)},
            "fused": {"before": None, "after": report_id},
        },
    )
    return True


def _machine_revision(
    conn: Connection,
    row: Any,
    values: Mapping[str, Any],
    *,
    by: str,
    reason: str,
    changes: dict[str, dict[str, Any]],
) -> None:
    """Bump the version and record a ``fuse`` revision, leaving flags and locks as they are."""
    version = row.version + 1
    conn.execute(
        update(db.incidents).where(db.incidents.c.id == row.id).values(version=version, **values)
    )
    audit.record_revision(
        conn,
        row.id,
        version=version,
        action=FUSE,
        by=by,
        reason=reason,
        changes=changes,
        reverts=None,
    )


def fused_reports(conn: Connection, record_id: str) -> list[FusedReport]:
    """The report incidents fused with (or merged into) a record, with their own figures."""
    t, r = db.incidents.c, db.incident_revisions.c
    rows = conn.execute(
        select(db.incidents).where(t.duplicate_of == record_id, t.review_status == "duplicate")
    ).all()
    found = []
    for row in sorted(rows, key=lambda row: row.id):
        changes = conn.execute(
            select(r.changes)
            .where(r.incident_id == row.id, r.action.in_((FUSE, "merge")))
            .order_by(r.version.desc())
            .limit(1)
        ).scalar_one_or_none()
        sources = tuple((changes or {}).get("sources", {}).get("before", ()))
        incident = reads.incident_fields(conn, row)
        found.append(
            FusedReport(
                incident_id=row.id,
                source_ids=sources,
                fatalities=incident.fatalities,
                casualties=incident.casualties,
                date_label=_window(incident),
                place_name=incident.place_name,
            )
        )
    return found


def _window(incident: Incident) -> str:
    from dashboard.models import window_label  # noqa: PLC0415 - keeps this module's imports short

    return window_label(incident.date_start, incident.date_end, incident.date_precision)


def split_source(
    conn: Connection,
    record_id: str,
    source_id: str,
    *,
    by: str,
    reason: str,
    expected_version: int,
) -> tuple[Revision, Revision]:
    """Undo a fusion: the report incident that brought ``source_id`` takes its sources back.

    Every source that report incident brought goes back with it (they were
    one reading of the event). It leaves ``duplicate`` (its status before
    the fusion again), and both get an ``unfuse`` revision by ``by``.
    """
    audit.require_words(by=by, reason=reason)
    record = audit.open_incident(conn, record_id, expected_version)
    fused = {f.incident_id: f for f in fused_reports(conn, record_id)}
    owner = next((f for f in fused.values() if source_id in f.source_ids), None)
    if owner is None:
        raise audit.ReviewError(
            f"incident {record_id!r}: no report fused with it brought source {source_id!r} "
            f"(fused: {', '.join(sorted(fused)) or 'none'})"
        )
    report = conn.execute(
        select(db.incidents).where(db.incidents.c.id == owner.incident_id).with_for_update()
    ).one()
    before = _source_ids(conn, record_id)
    cited = set(before)
    back = [s for s in owner.source_ids if s in cited]
    _move_sources(conn, record_id, owner.incident_id, back)
    report_revision = audit.apply_change(
        conn,
        report,
        {"status": _status_before_fusion(conn, owner.incident_id), "duplicate_of": None},
        action=UNFUSE,
        by=by,
        reason=reason,
        extra={"sources": {"before": [], "after": back}},
    )
    record_revision = audit.apply_change(
        conn,
        record,
        {},
        action=UNFUSE,
        by=by,
        reason=reason,
        extra={
            "sources": {"before": before, "after": _source_ids(conn, record_id)},
            "split_to": {"before": None, "after": owner.incident_id},
        },
    )
    return record_revision, report_revision


def _status_before_fusion(conn: Connection, incident_id: str) -> str:
    r = db.incident_revisions.c
    changes = conn.execute(
        select(r.changes)
        .where(r.incident_id == incident_id, r.action == FUSE)
        .order_by(r.version.desc())
        .limit(1)
    ).scalar_one_or_none()
    return str(((changes or {}).get("status") or {}).get("before") or "unreviewed")


def _move_sources(conn: Connection, from_id: str, to_id: str, source_ids: Sequence[str]) -> None:
    """Move the citations (claims, excerpts, spans) of the given sources to another incident."""
    wanted = set(source_ids)
    c, e = db.citations.c, db.excerpts.c
    for citation in reads.citations_of(conn, from_id):
        if citation.source_id not in wanted:
            continue
        writes.add_citation(conn, to_id, citation)
        own = (e.incident_id == from_id, e.source_id == citation.source_id)
        excerpt_ids = select(e.id).where(*own)
        conn.execute(
            db.excerpt_spans.delete().where(db.excerpt_spans.c.excerpt_id.in_(excerpt_ids))
        )
        conn.execute(db.excerpts.delete().where(*own))
        conn.execute(
            db.citations.delete().where(c.incident_id == from_id, c.source_id == citation.source_id)
        )


def _source_ids(conn: Connection, incident_id: str) -> list[str]:
    c = db.citations.c
    query = select(c.source_id).where(c.incident_id == incident_id)
    return list(conn.execute(query.order_by(c.position, c.source_id)).scalars())
