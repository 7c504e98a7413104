"""Tests for dashboard.store.writes: saving documents, idempotency, merging, rollback.

Tests taking ``store`` run on SQLite and PostgreSQL (see conftest.py). The
documents are built from one short report text (``store_builders``) so every
offset can be checked by eye.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from store_builders import (
    OTHER_TEXT,
    TEXT,
    assert_nothing_written,
    excerpt,
    report,
    sotk_incident,
    table_count,
    vague_incident,
)

from dashboard.models import (
    SYNTHETIC_PUBLISHER,
    Citation,
    DatePrecision,
    EventType,
    Incident,
    LocationPrecision,
    ProvinceRef,
    Span,
    SpanKind,
)
from dashboard.store import (
    SaveResult,
    Store,
    StoreError,
    schema,
    writes,
)


def test_saved_document_reads_back_equal(store: Store) -> None:
    source, incidents = report(), [sotk_incident(), vague_incident()]

    result = store.save_document(source, incidents)

    assert result == SaveResult(sources_created=1, incidents_created=2)
    assert store.get_source("src-1") == source
    assert store.get_incident("inc-sotk") == incidents[0]
    assert store.get_incident("inc-vague") == incidents[1]
    assert store.get_incident("inc-sotk").reports == 1
    assert (store.count_sources(), store.count_incidents()) == (1, 2)


def test_saving_the_same_source_again_changes_nothing(store: Store) -> None:
    store.save_document(report(), [sotk_incident()])

    again = store.save_document(report(), [sotk_incident(), vague_incident()])
    # Same content under another id is the same document too.
    renamed = store.save_document(report(source_id="src-copy"), [vague_incident("src-copy")])

    assert again == renamed == SaveResult(unchanged=True)
    assert (store.count_sources(), store.count_incidents()) == (1, 1)
    assert table_count(store, schema.excerpts) == 2


def test_same_source_id_with_other_content_is_refused(store: Store) -> None:
    store.save_document(report(), [sotk_incident()])
    with pytest.raises(StoreError, match=r"source 'src-1' is already stored with different"):
        store.save_document(report(text=OTHER_TEXT), [])
    assert store.get_source("src-1").text == TEXT


def test_second_report_of_an_incident_is_merged(store: Store) -> None:
    store.save_document(report(), [sotk_incident()])
    second = Citation(
        source_id="src-2",
        claim="Armenian MoD",
        excerpts=(excerpt(OTHER_TEXT, 12, 31, Span(12, 17, SpanKind.FATALITIES, "3", "three")),),
    )
    # The second report disagrees on fatalities; the first report's fields are kept.
    differing = Incident(
        id="inc-sotk",
        date_start=date(2024, 5, 12),
        date_end=date(2024, 5, 13),
        date_precision=DatePrecision.DAYS,
        event_type=EventType.EXPLOSIONS,
        location_precision=LocationPrecision.NEAR_PLACE,
        fatalities=3,
        citations=(second,),
    )

    result = store.save_document(report("src-2", OTHER_TEXT), [differing])

    assert result == SaveResult(sources_created=1, incidents_merged=1)
    merged = store.get_incident("inc-sotk")
    assert merged.reports == 2
    assert merged.citations == (*sotk_incident().citations, second)
    assert merged.fatalities == 2
    assert store.count_incidents() == 1
    assert store.save_document(report("src-2", OTHER_TEXT), [differing]).unchanged


def test_merge_adds_only_excerpts_not_yet_stored(store: Store) -> None:
    original = sotk_incident()
    store.save_document(report(), [original])
    old = original.citations[0]
    extra = excerpt(TEXT, 9, 17, Span(13, 17, SpanKind.PLACE, "am-sotk", "Sotk"))
    # A later document repeats the src-1 evidence, adds one src-1 excerpt, and cites itself.
    repeated = Citation(source_id="src-1", claim=old.claim, excerpts=(*old.excerpts, extra))
    incident = Incident(
        id=original.id,
        date_start=original.date_start,
        date_end=original.date_end,
        date_precision=original.date_precision,
        event_type=original.event_type,
        location_precision=original.location_precision,
        citations=(repeated, Citation(source_id="src-2")),
    )

    result = store.save_document(report("src-2", OTHER_TEXT), [incident])

    assert result.incidents_merged == 1
    stored = store.get_incident(original.id)
    assert stored.citations[0].excerpts == (*old.excerpts, extra)
    assert [c.source_id for c in stored.citations] == ["src-1", "src-2"]
    assert table_count(store, schema.excerpts) == 3


def test_document_adding_nothing_new_to_an_incident_counts_no_merge(store: Store) -> None:
    store.save_document(report(), [sotk_incident()])
    # The new document lists the incident but brings only the already stored citation.
    result = store.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-1")])
    assert result == SaveResult(sources_created=1)
    assert store.get_incident("inc-sotk").reports == 1


def test_concurrent_saves_of_one_document_store_it_once(store: Store) -> None:
    barrier = threading.Barrier(2)

    def save(_: int) -> SaveResult:
        barrier.wait(timeout=10)
        return store.save_document(report(), [sotk_incident()])

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(save, range(2)))

    assert sorted(r.unchanged for r in results) == [False, True]
    assert (store.count_sources(), store.count_incidents()) == (1, 1)


def test_crash_midway_through_a_document_rolls_back_everything(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_insert = writes._insert_incident
    seen: list[str] = []

    def crash_on_second(conn, incident, *, synthetic):
        seen.append(incident.id)
        if len(seen) == 2:
            raise RuntimeError("simulated crash after the first incident was written")
        return real_insert(conn, incident, synthetic=synthetic)

    monkeypatch.setattr(writes, "_insert_incident", crash_on_second)
    with pytest.raises(RuntimeError, match="simulated crash"):
        store.save_document(report(), [sotk_incident(), vague_incident()])
    assert seen == ["inc-sotk", "inc-vague"]
    assert_nothing_written(store)

    monkeypatch.undo()  # the store is still usable and the retry writes it all
    assert store.save_document(report(), [sotk_incident(), vague_incident()]).incidents_created == 2


def test_database_constraint_failure_rolls_back_everything(store: Store) -> None:
    province = ProvinceRef(code="AM-TV", name="Tavush", country="AM")
    # Incidents are written in id order: "inc-tavush" fails after "inc-sotk" went in.
    invalid = Incident(
        id="inc-tavush",
        date_start=date(2024, 5, 12),
        date_end=date(2024, 5, 12),
        date_precision=DatePrecision.DAY,
        event_type=EventType.BATTLES,
        location_precision=LocationPrecision.PROVINCE,
        provinces=(province, province),  # violates the (incident_id, code) primary key
    )
    with pytest.raises(StoreError, match="cannot write to"):
        store.save_document(report(), [sotk_incident(), invalid])
    assert_nothing_written(store)


def test_citing_an_unknown_source_is_refused_and_nothing_written(store: Store) -> None:
    with pytest.raises(StoreError, match=r"cites source 'src-ghost', which is neither"):
        store.save_document(report(), [sotk_incident(), vague_incident(source_id="src-ghost")])
    assert_nothing_written(store)


def test_synthetic_source_marks_itself_and_its_incidents(store: Store) -> None:
    store.save_document(report(publisher=SYNTHETIC_PUBLISHER), [sotk_incident()])
    store.save_document(report("src-2", OTHER_TEXT), [vague_incident("src-2")])

    assert store.is_synthetic("inc-sotk") is True
    assert store.is_synthetic("inc-vague") is False
    assert (store.count_sources(), store.count_incidents()) == (2, 2)
    assert store.count_sources(include_synthetic=False) == 1
    assert store.count_incidents(include_synthetic=False) == 1


def test_real_report_of_a_synthetic_incident_makes_it_real(store: Store) -> None:
    store.save_document(report(publisher=SYNTHETIC_PUBLISHER), [sotk_incident()])
    store.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-2")])
    assert store.is_synthetic("inc-sotk") is False
