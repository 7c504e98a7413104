"""Documents the store tests save, and checks on what the store holds.

Shared by the tests under ``tests/store/`` (a module beside them rather than
one test file importing another). The documents are built inline from one
short report text so every offset can be checked by eye.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Table, func, select

from dashboard.models import (
    SYNTHETIC_PUBLISHER,
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
    content_hash,
)
from dashboard.store import SaveResult, Store, changes, schema

TEXT = "Shelling hit Sotk on 12 May 2024; two soldiers were killed."


OTHER_TEXT = "Armenia says three soldiers died after shelling near Sotk."


def excerpt(text: str, start: int, end: int, *spans: Span) -> Excerpt:
    """An excerpt whose text is really ``text[start:end]``."""
    return Excerpt(start=start, end=end, text=text[start:end], spans=spans)


def report(source_id: str = "src-1", text: str = TEXT, publisher: str = "Example News") -> Source:
    return Source(
        id=source_id,
        title=f"Report {source_id}",
        content_hash=content_hash(text),
        url=f"https://news.example/{source_id}",
        publisher=publisher,
        published=date(2024, 5, 13),
        language="en",
        text=text,
    )


def sotk_incident(source_id: str = "src-1", incident_id: str = "inc-sotk") -> Incident:
    """A fully populated incident: every field and child table has a value."""
    return Incident(
        id=incident_id,
        date_start=date(2024, 5, 12),
        date_end=date(2024, 5, 12),
        date_precision=DatePrecision.DAY,
        event_type=EventType.EXPLOSIONS,
        location_precision=LocationPrecision.NEAR_PLACE,
        lat=40.2046,
        lon=45.9463,
        summary="Shelling of Sotk; two soldiers killed.",
        fatalities=2,
        actors=("Military Forces of Azerbaijan", "Military Forces of Armenia"),
        place_name="Sotk",
        provinces=(
            ProvinceRef(code="AM-GR", name="Gegharkunik", country="AM"),
            ProvinceRef(code="AZ-KAL", name="Kalbajar", country="AZ"),
        ),
        segments=(SegmentRef(id="am-az-07", name="Sotk–Kalbajar"),),
        distance_km=2.5,
        # An unknown side too: it is stored as '' and must read back as None.
        casualties=(
            CasualtyCount(CasualtyKind.KILLED, "AM", 2),
            CasualtyCount(CasualtyKind.WOUNDED, None, 1),
        ),
        citations=(
            Citation(
                source_id=source_id,
                claim="Armenian Ministry of Defence",
                excerpts=(
                    excerpt(
                        TEXT,
                        0,
                        33,
                        Span(0, 8, SpanKind.CUE, "shelling", "Shelling"),
                        Span(13, 17, SpanKind.PLACE, "am-sotk", "Sotk"),
                        Span(21, 32, SpanKind.DATE, "2024-05-12", "12 May 2024"),
                    ),
                    excerpt(TEXT, 34, 59, Span(34, 37, SpanKind.FATALITIES, "2", "two")),
                ),
            ),
        ),
    )


def vague_incident(source_id: str = "src-1", incident_id: str = "inc-vague") -> Incident:
    """The sparse end: no point, no fatalities, no places, a citation without excerpts."""
    return Incident(
        id=incident_id,
        date_start=date(2024, 5, 1),
        date_end=date(2024, 5, 31),
        date_precision=DatePrecision.MONTH,
        event_type=EventType.STRATEGIC_DEVELOPMENTS,
        location_precision=LocationPrecision.COUNTRY,
        citations=(Citation(source_id=source_id),),
    )


def dataset_source(name: str, publisher: str = SYNTHETIC_PUBLISHER) -> Source:
    """A dataset-record source without text, as imports make them."""
    return Source(
        id=f"test:{name}",
        title=name,
        content_hash=content_hash("test", name),
        kind=SourceKind.DATASET_RECORD,
        publisher=publisher,
    )


# --- one source's account of an event, placed by province (merging tests) ------

GR = ProvinceRef(code="AM-GR", name="Gegharkunik", country="AM")
SU = ProvinceRef(code="AM-SU", name="Syunik", country="AM")


def account(
    source_id: str,
    start: date,
    end: date | None = None,
    precision: DatePrecision = DatePrecision.DAY,
    province: ProvinceRef = GR,
    **fields: object,
) -> Incident:
    """One source's incident, its id hashed from window and place as extraction does."""
    return Incident(
        id=f"inc-{start}-{end or start}-{province.code}",
        date_start=start,
        date_end=end or start,
        date_precision=precision,
        event_type=EventType.EXPLOSIONS,
        location_precision=LocationPrecision.PROVINCE,
        provinces=(province,),
        citations=(Citation(source_id=source_id, claim=f"claim of {source_id}"),),
        **fields,  # type: ignore[arg-type]
    )


def save_account(store: Store, incident: Incident, publisher: str = "Example News") -> SaveResult:
    (source_id,) = {c.source_id for c in incident.citations}
    return store.save_document(report(source_id, f"{TEXT} {source_id}", publisher), [incident])


def table_count(store: Store, table: Table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def content_tables() -> list[Table]:
    """Every table but the change log's (:mod:`dashboard.store.changes`): what a
    store holds, as against how often it was written."""
    return [t for t in schema.metadata.sorted_tables if t.name not in changes.LOG_TABLES]


def assert_nothing_written(store: Store) -> None:
    assert store.get_source("src-1") is None
    for table in content_tables():
        assert table_count(store, table) == 0, table.name
