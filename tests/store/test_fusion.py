"""One event across sources (dashboard.store.fusion): a dataset's record and a text report.

The record is an ACLED-like row at Sotk on 12 May 2024 (3 killed, by the
dataset); the report is ``sotk_incident`` (2 killed, by its text). Both
orders of arrival must give the same incident, each source's figures kept
beside it, and an analyst must be able to separate them again.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from store_builders import dataset_source, report, sotk_incident

from dashboard.models import Citation, EventType, Incident
from dashboard.store import ImportedPlace, ReviewError, Store
from dashboard.store.fusion import ReportIndex
from dashboard.store.matching import Facts, types_compatible

RECORD = "acled:TST1"
SOURCE = dataset_source("ACLED test publisher", publisher="Example Agency")


def record(event_type: EventType = EventType.BATTLES, fatalities: int = 3, **changes) -> Incident:
    """The dataset's row as the importer builds it: same day and village, its own figures."""
    base = sotk_incident()
    return dataclasses.replace(
        base,
        id=RECORD,
        event_type=event_type,
        summary="Dataset row: armed clash near Sotk.",
        fatalities=fatalities,
        casualties=(),
        citations=(Citation(SOURCE.id),),
        **changes,
    )


def place(record_hash: str = "acled:one") -> dict[str, ImportedPlace]:
    return {
        RECORD: ImportedPlace(
            "acled", "Armenia", "Gegharkunik", None, True, True, {"sub_event_type": "Armed clash"},
            record_hash, None,
        )
    }  # fmt: skip


def import_record(store: Store, incident: Incident | None = None, record_hash: str = "acled:one"):
    return store.save_incidents_bulk(
        [SOURCE], [incident or record()], place(record_hash), store.report_index()
    )


def ingest_report(store: Store) -> None:
    store.save_document(report("src-1"), [sotk_incident("src-1")])


def sources_of(store: Store, incident_id: str) -> list[str]:
    incident = store.get_incident(incident_id)
    assert incident is not None
    return [c.source_id for c in incident.citations]


def assert_fused(store: Store) -> None:
    """One incident listing both sources, each side's figures kept apart."""
    assert sources_of(store, RECORD) == [SOURCE.id, "src-1"]
    fused = store.get_incident(RECORD)
    assert (fused.fatalities, fused.event_type) == (3, EventType.BATTLES)  # the dataset's
    assert fused.summary == "Dataset row: armed clash near Sotk."
    state = store.review_state("inc-sotk")
    assert (state.status, state.duplicate_of) == ("duplicate", RECORD)
    (reported,) = store.fused_reports(RECORD)
    assert (reported.incident_id, reported.source_ids, reported.fatalities) == (
        "inc-sotk",
        ("src-1",),
        2,
    )
    # The excerpts went with the report's citation.
    citation = next(c for c in fused.citations if c.source_id == "src-1")
    assert len(citation.excerpts) == 2


def test_a_report_ingested_after_the_import_is_fused_with_the_record(store: Store) -> None:
    import_record(store)
    ingest_report(store)
    assert_fused(store)


def test_a_record_imported_after_the_report_is_fused_with_it(store: Store) -> None:
    ingest_report(store)
    result = import_record(store)
    assert (result.incidents_created, result.incidents_fused) == (1, 1)
    assert_fused(store)


def test_another_kind_of_event_is_not_fused(store: Store) -> None:
    ingest_report(store)
    result = import_record(store, record(EventType.PROTESTS))
    assert result.incidents_fused == 0
    assert sources_of(store, RECORD) == [SOURCE.id]
    assert store.review_state("inc-sotk").status == "unreviewed"


def test_a_record_never_takes_a_reports_fields(store: Store) -> None:
    import_record(store)
    wider = dataclasses.replace(
        sotk_incident("src-2", incident_id="inc-other"), fatalities=9, date_end=date(2024, 5, 13)
    )
    store.save_document(report("src-2", text="Other text."), [wider])
    fused = store.get_incident(RECORD)
    assert (fused.fatalities, fused.date_end) == (3, date(2024, 5, 12))
    assert [r.fatalities for r in store.fused_reports(RECORD)] == [9]


def test_an_analyst_separates_a_wrong_fusion(store: Store) -> None:
    import_record(store)
    ingest_report(store)
    version = store.review_state(RECORD).version
    kept, split = store.split_source(
        RECORD, "src-1", by="alice", reason="another clash that day", expected_version=version
    )
    assert (kept.action, split.action) == ("unfuse", "unfuse")
    assert sources_of(store, RECORD) == [SOURCE.id]
    assert sources_of(store, "inc-sotk") == ["src-1"]
    assert len(store.get_incident("inc-sotk").citations[0].excerpts) == 2
    state = store.review_state("inc-sotk")
    assert (state.status, state.duplicate_of) == ("unreviewed", None)
    assert store.fused_reports(RECORD) == []
    assert [r.action for r in store.history("inc-sotk")] == ["fuse", "unfuse"]
    # Reviewed now: a later import of another record of that day leaves it alone.
    other = dataclasses.replace(record(), id="acled:TST2")
    places = {"acled:TST2": place()[RECORD]}
    result = store.save_incidents_bulk([SOURCE], [other], places, store.report_index())
    assert result.incidents_fused == 0


def test_splitting_a_source_no_report_brought_says_so(store: Store) -> None:
    import_record(store)
    ingest_report(store)
    version = store.review_state(RECORD).version
    with pytest.raises(ReviewError, match="no report fused with it brought source 'test:"):
        store.split_source(RECORD, SOURCE.id, by="alice", reason="why", expected_version=version)


def test_a_newer_release_revises_the_record_and_keeps_the_fused_reports(store: Store) -> None:
    import_record(store)
    ingest_report(store)
    result = import_record(store, record(fatalities=4), record_hash="acled:two")
    assert (result.incidents_updated, result.incidents_flagged) == (1, 0)
    assert store.get_incident(RECORD).fatalities == 4
    assert sources_of(store, RECORD) == [SOURCE.id, "src-1"]


def test_event_types_fighting_and_shelling_are_one_event_a_protest_is_not() -> None:
    assert types_compatible(EventType.BATTLES, EventType.EXPLOSIONS)
    assert types_compatible(EventType.PROTESTS, EventType.PROTESTS)
    assert not types_compatible(EventType.BATTLES, EventType.PROTESTS)
    assert not types_compatible(EventType.STRATEGIC_DEVELOPMENTS, EventType.BATTLES)


def test_the_report_index_offers_only_reports_whose_windows_can_meet() -> None:
    index = ReportIndex()
    for incident_id, start, end in (
        ("same-day", date(2024, 5, 12), date(2024, 5, 12)),
        ("next-day", date(2024, 5, 13), date(2024, 5, 13)),
        ("month", date(2024, 5, 1), date(2024, 5, 31)),
        ("june", date(2024, 6, 1), date(2024, 6, 1)),
        ("march", date(2024, 3, 30), date(2024, 3, 30)),  # beyond the widest window
    ):
        facts = Facts.of(dataclasses.replace(sotk_incident(), date_start=start, date_end=end),
                         synthetic=False)  # fmt: skip
        index.add(incident_id, facts, EventType.EXPLOSIONS)
    index.sort()
    assert index.candidates(record()) == {"same-day", "next-day", "month"}
    index.discard("month")
    assert index.candidates(record()) == {"same-day", "next-day"}
    elsewhere = dataclasses.replace(record(), provinces=(), segments=())
    assert index.candidates(elsewhere) == set()
