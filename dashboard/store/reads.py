"""Reading stored things back: single sources and incidents, counts, a content fingerprint.

Each function takes an open connection (the caller's, see :class:`Store`),
so several reads can share one. An incident reads back equal to the one
saved: its places, citations, excerpts and spans in their stored order.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Table, func, select

from dashboard.models import (
    CasualtyCount,
    CasualtyKind,
    Citation,
    DatePrecision,
    EventType,
    Excerpt,
    Incident,
    LocationPrecision,
    ProvinceRef,
    SegmentRef,
    Source,
    SourceKind,
    Span,
    SpanKind,
)
from dashboard.store import schema as db
from dashboard.store.records import ImportedPlace


def get_source(conn: Connection, source_id: str) -> Source | None:
    """The stored source, or ``None``."""
    row = conn.execute(select(db.sources).where(db.sources.c.id == source_id)).first()
    if row is None:
        return None
    return Source(
        id=row.id,
        title=row.title,
        content_hash=row.content_hash,
        kind=SourceKind(row.kind),
        url=row.url,
        publisher=row.publisher,
        published=row.published,
        language=row.language,
        text=row.text,
    )


def get_incident(conn: Connection, incident_id: str) -> Incident | None:
    """The stored incident with its places and all merged citations, or ``None``."""
    row = conn.execute(select(db.incidents).where(db.incidents.c.id == incident_id)).first()
    if row is None:
        return None
    return _incident_from_rows(conn, row)


def get_imported_place(conn: Connection, incident_id: str) -> ImportedPlace | None:
    """What the file said about an imported incident (place names, dataset fields), or ``None``."""
    row = conn.execute(
        select(db.imported_places).where(db.imported_places.c.incident_id == incident_id)
    ).first()
    if row is None:
        return None
    return ImportedPlace(
        dataset=row.dataset,
        country=row.country,
        admin1=row.admin1,
        admin2=row.admin2,
        country_agrees=row.country_agrees,
        admin_agrees=row.admin_agrees,
        attributes=row.attributes,
        record_hash=row.record_hash,
        dataset_timestamp=row.dataset_timestamp,
    )


def is_synthetic(conn: Connection, incident_id: str) -> bool | None:
    """Whether the incident is flagged synthetic (``None`` if not stored)."""
    return conn.execute(
        select(db.incidents.c.synthetic).where(db.incidents.c.id == incident_id)
    ).scalar_one_or_none()


def count(conn: Connection, table: Table, *, include_synthetic: bool = True) -> int:
    """How many rows ``table`` (``sources`` or ``incidents``) holds."""
    query = select(func.count()).select_from(table)
    if not include_synthetic:
        query = query.where(table.c.synthetic.is_(False))
    return conn.execute(query).scalar_one()


def fingerprint(conn: Connection) -> tuple[str, ...]:
    """A cheap fingerprint of the contents: counts and newest write times, as text.

    For cache keys (the dashboard's incident table): any write changes it.
    Counts alone would miss a store replaced by one of the same size (a
    re-created file, ``migrate-store --force``); the newest ``created_at`` of
    sources and incidents changes with every write as well, and the newest
    revision id with every analyst's change (which creates no incident).
    """
    statement = select(
        select(func.count()).select_from(db.incidents).scalar_subquery(),
        select(func.count()).select_from(db.sources).scalar_subquery(),
        select(func.count()).select_from(db.citations).scalar_subquery(),
        select(func.max(db.incidents.c.created_at)).scalar_subquery(),
        select(func.max(db.sources.c.created_at)).scalar_subquery(),
        select(func.max(db.incident_revisions.c.id)).scalar_subquery(),
    )
    return tuple(str(value) for value in conn.execute(statement).one())


def _incident_from_rows(conn: Connection, row: Any, *, citations: bool = True) -> Incident:
    """Rebuild the dataclass from its row and its child tables, in stored order.

    ``citations=False`` leaves the citations out (merging reads only the
    incident's own fields and places, see :mod:`~dashboard.store.candidates`).
    """
    provinces = conn.execute(
        select(db.incident_provinces)
        .where(db.incident_provinces.c.incident_id == row.id)
        .order_by(db.incident_provinces.c.position)
    )
    segments = conn.execute(
        select(db.incident_segments)
        .where(db.incident_segments.c.incident_id == row.id)
        .order_by(db.incident_segments.c.position)
    )
    return Incident(
        id=row.id,
        date_start=row.date_start,
        date_end=row.date_end,
        date_precision=DatePrecision(row.date_precision),
        event_type=EventType(row.event_type),
        location_precision=LocationPrecision(row.location_precision),
        lat=row.lat,
        lon=row.lon,
        summary=row.summary,
        fatalities=row.fatalities,
        actors=tuple(row.actors),
        place_name=row.place_name,
        provinces=tuple(
            ProvinceRef(code=p.code, name=p.name, country=p.country) for p in provinces
        ),
        segments=tuple(SegmentRef(id=s.segment_id, name=s.name) for s in segments),
        distance_km=row.distance_km,
        casualties=_casualties_for(conn, row.id),
        citations=citations_of(conn, row.id) if citations else (),
    )


def incident_fields(conn: Connection, row: Any) -> Incident:
    """The incident of an ``incidents`` row with its places but without its citations."""
    return _incident_from_rows(conn, row, citations=False)


def _casualties_for(conn: Connection, incident_id: str) -> tuple[CasualtyCount, ...]:
    """The incident's casualty counts in stored order; ``''`` reads back as an unknown side."""
    c = db.incident_casualties.c
    found = conn.execute(
        select(c.kind, c.side, c.count).where(c.incident_id == incident_id).order_by(c.position)
    )
    # Positional unpacking: a Row is a tuple, so ``row.count`` is tuple.count.
    return tuple(
        CasualtyCount(kind=CasualtyKind(kind), side=side or None, count=number)
        for kind, side, number in found
    )


def _spans_by_excerpt(conn: Connection, incident_id: str) -> dict[int, list[Span]]:
    """The incident's spans, grouped by excerpt id, in stored order."""
    spans: dict[int, list[Span]] = {}
    for s in conn.execute(
        select(db.excerpt_spans)
        .join(db.excerpts, db.excerpts.c.id == db.excerpt_spans.c.excerpt_id)
        .where(db.excerpts.c.incident_id == incident_id)
        .order_by(db.excerpt_spans.c.excerpt_id, db.excerpt_spans.c.position)
    ):
        spans.setdefault(s.excerpt_id, []).append(
            Span(
                start=s.start_char,
                end=s.end_char,
                kind=SpanKind(s.kind),
                label=s.label,
                matched=s.matched,
            )
        )
    return spans


def citations_of(conn: Connection, incident_id: str) -> tuple[Citation, ...]:
    """The incident's citations, each with its excerpts and their spans."""
    spans_by_excerpt = _spans_by_excerpt(conn, incident_id)
    excerpts_by_source: dict[str, list[Excerpt]] = {}
    for e in conn.execute(
        select(db.excerpts)
        .where(db.excerpts.c.incident_id == incident_id)
        .order_by(db.excerpts.c.source_id, db.excerpts.c.position, db.excerpts.c.id)
    ):
        excerpts_by_source.setdefault(e.source_id, []).append(
            Excerpt(
                start=e.start_char,
                end=e.end_char,
                text=e.text,
                spans=tuple(spans_by_excerpt.get(e.id, ())),
            )
        )
    return tuple(
        Citation(
            source_id=c.source_id,
            claim=c.claim,
            excerpts=tuple(excerpts_by_source.get(c.source_id, ())),
        )
        for c in conn.execute(
            select(db.citations)
            .where(db.citations.c.incident_id == incident_id)
            # Concurrent merges may give two citations one position; then the
            # source id decides, so reads stay deterministic.
            .order_by(db.citations.c.position, db.citations.c.source_id)
        )
    )
