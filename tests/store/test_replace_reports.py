"""Tests for dashboard.store.reextract: stored reports' incidents replaced by a new extractor's.

The "new extractor" is faked: the tests hand :meth:`Store.replace_reports`
other incidents for the same stored sources, as an improved extraction
would. Tests taking ``store`` run on SQLite and PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from store_builders import (
    OTHER_TEXT,
    TEXT,
    content_tables,
    dataset_source,
    report,
    sotk_incident,
    vague_incident,
)

from dashboard.models import (
    Citation,
    DatePrecision,
    EventType,
    Incident,
    LocationPrecision,
    ProvinceRef,
    Source,
)
from dashboard.store import ReplaceResult, Store, StoreError, schema
from dashboard.store.reextract import Document

GR = ProvinceRef(code="AM-GR", name="Gegharkunik", country="AM")
SU = ProvinceRef(code="AM-SU", name="Syunik", country="AM")


def account(source_id: str, day: date, province: ProvinceRef = GR) -> Incident:
    """One source's province-level incident, its id hashed from window and place as extraction's."""
    return Incident(
        id=f"inc-{day}-{province.code}",
        date_start=day,
        date_end=day,
        date_precision=DatePrecision.DAY,
        event_type=EventType.EXPLOSIONS,
        location_precision=LocationPrecision.PROVINCE,
        provinces=(province,),
        citations=(Citation(source_id=source_id, claim=f"claim of {source_id}"),),
    )


def replace(
    store: Store, source: Source, fresh: list[Incident], *others: Document, eligible: Any = ()
) -> ReplaceResult:
    """Re-extract ``source`` (and ``others``, a group in storing order) with ``fresh``."""
    return store.replace_reports([(source, fresh), *others], eligible)


def snapshot(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: equal snapshots mean nothing changed."""
    with store.engine.connect() as conn:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
            for table in content_tables()
        }


def test_new_extraction_replaces_the_source_incidents(store: Store) -> None:
    store.save_document(report(), [sotk_incident(), vague_incident()])
    fresh = [sotk_incident(), account("src-1", date(2024, 5, 20), SU)]

    result = replace(store, report(), fresh)

    assert result == ReplaceResult(incidents_created=1, incidents_kept=1, incidents_removed=1)
    assert store.get_incident("inc-vague") is None
    assert store.get_incident("inc-sotk") == sotk_incident()  # same window and places: same id
    assert store.get_incident("inc-2024-05-20-AM-SU") == fresh[1]
    assert store.count_incidents() == 2


def test_changed_window_gives_a_new_id_and_removes_the_old_record(store: Store) -> None:
    store.save_document(report(), [account("src-1", date(2024, 5, 12))])

    result = replace(store, report(), [account("src-1", date(2024, 5, 14))])

    assert result == ReplaceResult(incidents_created=1, incidents_removed=1)
    assert store.get_incident("inc-2024-05-12-AM-GR") is None
    with store.engine.connect() as conn:
        left = conn.execute(select(schema.incident_provinces.c.incident_id)).scalars().all()
    assert left == ["inc-2024-05-14-AM-GR"]


def test_other_sources_and_shared_incidents_are_left_intact(store: Store) -> None:
    store.save_document(report(), [sotk_incident(), vague_incident()])
    other = report("src-2", OTHER_TEXT)
    shared = sotk_incident("src-2")  # the same incident (id), reported by src-2 too
    store.save_document(other, [shared, account("src-2", date(2024, 6, 1), SU)])

    result = replace(store, report(), [])  # src-2 is not re-read with it

    assert result == ReplaceResult(incidents_kept=1, incidents_removed=1)
    kept = store.get_incident("inc-sotk")
    assert kept is not None
    assert kept.citations == shared.citations  # src-1's citation gone, src-2's kept
    assert store.get_incident("inc-vague") is None
    assert store.get_incident("inc-2024-06-01-AM-SU") == account("src-2", date(2024, 6, 1), SU)


def test_fresh_incident_merges_into_another_source_record_as_ingest_would(store: Store) -> None:
    store.save_document(report("src-2", OTHER_TEXT), [account("src-2", date(2024, 5, 12))])
    store.save_document(report(), [vague_incident()])
    # The new extractor finds src-1's report is the 13 May follow-up of src-2's event.
    result = replace(store, report(), [account("src-1", date(2024, 5, 13))])

    assert result == ReplaceResult(incidents_merged=1, incidents_removed=1)
    merged = store.get_incident("inc-2024-05-12-AM-GR")
    assert merged is not None
    assert {c.source_id for c in merged.citations} == {"src-1", "src-2"}
    assert store.count_incidents() == 1


@pytest.mark.parametrize("fresh_day", [date(2024, 5, 12), date(2024, 5, 13)])
def test_replacing_again_with_the_same_extraction_changes_nothing(
    store: Store, fresh_day: date
) -> None:
    first = (report("src-2", OTHER_TEXT), [account("src-2", date(2024, 5, 12))])
    store.save_document(*first)
    store.save_document(report(), [sotk_incident(), vague_incident()])
    # 12 May: merged by id into src-2's record; 13 May: merged into it as the same event.
    fresh = [account("src-1", fresh_day), dataclasses.replace(vague_incident(), fatalities=1)]
    group = ("src-2", "src-1")
    assert replace(store, report(), fresh, eligible=group).regroup == group
    replace(store, *first, (report(), fresh), eligible=group)
    before = snapshot(store)

    again = replace(store, *first, (report(), fresh), eligible=group)

    assert again == ReplaceResult(unchanged=True)
    assert snapshot(store) == before


def test_unchanged_extraction_of_an_ingested_store_writes_nothing(store: Store) -> None:
    store.save_document(report(), [sotk_incident(), vague_incident()])
    other = (report("src-2", OTHER_TEXT), [sotk_incident("src-2", "inc-other-id")])
    store.save_document(*other)
    before = snapshot(store)
    assert store.report_group(["src-2"], ["src-1", "src-2"]) == ["src-1", "src-2"]

    result = replace(store, report(), [sotk_incident(), vague_incident()], other)

    assert result == ReplaceResult(unchanged=True)
    assert snapshot(store) == before


def test_merged_incident_is_re_derived_from_the_group(store: Store) -> None:
    month = account("src-may", date(2024, 5, 1))
    month = dataclasses.replace(
        month, date_end=date(2024, 5, 31), date_precision=DatePrecision.MONTH, id="inc-may"
    )
    store.save_document(report("src-may", OTHER_TEXT), [month])
    store.save_document(report(), [account("src-1", date(2024, 5, 12))])
    assert store.get_incident("inc-may").date_precision is DatePrecision.DAY  # refined by src-1

    # The new extractor finds that src-1 reports no incident after all.
    result = replace(store, report("src-may", OTHER_TEXT), [month], (report(), []))

    assert result == ReplaceResult(incidents_created=0, incidents_kept=1)
    assert store.get_incident("inc-may") == month  # May again, as src-may alone says


def test_dataset_records_are_never_listed_or_replaced(store: Store) -> None:
    store.save_document(report(), [vague_incident()])
    record = dataset_source("acled-1")
    store.save_incidents_bulk([record], [sotk_incident(record.id, "acled:1")])
    before = snapshot(store)

    assert store.report_source_ids() == ["src-1"]
    assert store.stored_report(record.id) is None
    with pytest.raises(StoreError, match="not a stored report"):
        replace(store, record, [])
    assert snapshot(store) == before


def test_stored_report_carries_its_text_and_storing_day(store: Store) -> None:
    store.save_document(report(), [])
    stored = store.stored_report("src-1")
    assert stored is not None
    assert stored.source == report()
    assert stored.source.text == TEXT
    assert stored.received <= date.today()


def test_unknown_or_changed_source_is_refused(store: Store) -> None:
    store.save_document(report(), [vague_incident()])
    with pytest.raises(StoreError, match="not a stored report"):
        replace(store, report("src-9"), [])
    with pytest.raises(StoreError, match="different content"):
        replace(store, report("src-1", OTHER_TEXT), [])
    assert store.get_incident("inc-vague") == vague_incident()


def test_incident_left_to_synthetic_sources_is_synthetic_again(store: Store) -> None:
    store.save_document(report("src-syn", OTHER_TEXT, "synthetic"), [sotk_incident("src-syn")])
    store.save_document(report(), [sotk_incident()])
    assert store.is_synthetic("inc-sotk") is False

    replace(store, report(), [])

    assert store.is_synthetic("inc-sotk") is True
