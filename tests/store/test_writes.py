"""Tests for dashboard.store.writes: saving documents, idempotency, merging, rollback.

Tests taking ``store`` run on SQLite and PostgreSQL (see conftest.py). The
documents are built from one short report text (``store_builders``) so every
offset can be checked by eye.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from store_builders import (
    GR,
    OTHER_TEXT,
    SU,
    TEXT,
    account,
    assert_nothing_written,
    excerpt,
    report,
    save_account,
    sotk_incident,
    table_count,
    vague_incident,
)

from dashboard.models import (
    SYNTHETIC_PUBLISHER,
    CasualtyCount,
    CasualtyKind,
    Citation,
    DatePrecision,
    EventType,
    Incident,
    LocationPrecision,
    ProvinceRef,
    ReviewStatus,
    Span,
    SpanKind,
)
from dashboard.store import (
    Correction,
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
    real_insert = writes.insert_incident
    seen: list[str] = []

    def crash_on_second(conn, incident, *, synthetic):
        seen.append(incident.id)
        if len(seen) == 2:
            raise RuntimeError("simulated crash after the first incident was written")
        return real_insert(conn, incident, synthetic=synthetic)

    monkeypatch.setattr(writes, "insert_incident", crash_on_second)
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


# --- merging reports of one event under different ids -------------------------


def grouping(store: Store) -> set[frozenset[str]]:
    """Which sources ended up in one incident."""
    with store.engine.connect() as conn:
        pairs = conn.execute(
            schema.citations.select().with_only_columns(
                schema.citations.c.incident_id, schema.citations.c.source_id
            )
        ).all()
    groups: dict[str, set[str]] = {}
    for incident_id, source_id in pairs:
        groups.setdefault(incident_id, set()).add(source_id)
    return {frozenset(group) for group in groups.values()}


def test_report_of_a_stored_event_under_another_id_is_merged_and_refines_it(
    store: Store,
) -> None:
    save_account(
        store, account("src-may", date(2024, 5, 1), date(2024, 5, 31), DatePrecision.MONTH)
    )
    day = account("src-day", date(2024, 5, 12), fatalities=2)

    result = save_account(store, day)

    assert result == SaveResult(sources_created=1, incidents_merged=1, incidents_matched=1)
    assert store.count_incidents() == 1
    merged = store.get_incident("inc-2024-05-01-2024-05-31-AM-GR")
    assert (merged.date_start, merged.date_end, merged.date_precision) == (
        date(2024, 5, 12),
        date(2024, 5, 12),
        DatePrecision.DAY,
    )
    assert merged.fatalities == 2
    # Each source's claim stays its own citation, side by side.
    assert [(c.source_id, c.claim) for c in merged.citations] == [
        ("src-may", "claim of src-may"),
        ("src-day", "claim of src-day"),
    ]


def test_merge_adds_the_incoming_places_and_segments(store: Store) -> None:
    save_account(store, account("src-prov", date(2024, 5, 12)))
    save_account(store, sotk_incident("src-1", "inc-sotk-other-id"))

    (only,) = grouping(store)
    assert only == {"src-prov", "src-1"}
    merged = store.get_incident("inc-2024-05-12-2024-05-12-AM-GR")
    assert merged.location_precision is LocationPrecision.NEAR_PLACE
    assert (merged.lat, merged.lon, merged.place_name) == (40.2046, 45.9463, "Sotk")
    assert [p.code for p in merged.provinces] == ["AM-GR", "AZ-KAL"]
    assert [s.id for s in merged.segments] == ["am-az-07"]


def test_merge_stores_each_sides_count_from_both_reports(store: Store) -> None:
    killed, wounded = CasualtyKind.KILLED, CasualtyKind.WOUNDED
    armenian = (CasualtyCount(killed, "AM", 4), CasualtyCount(wounded, None, 1))
    save_account(store, account("src-am", date(2024, 5, 12), fatalities=4, casualties=armenian))
    other = dataclasses.replace(
        account("src-az", date(2024, 5, 12), fatalities=3),
        id="inc-az-report",
        casualties=(CasualtyCount(killed, "AZ", 3), CasualtyCount(killed, "AM", 2)),
    )

    assert save_account(store, other).incidents_matched == 1

    merged = store.get_incident("inc-2024-05-12-2024-05-12-AM-GR")
    assert merged.casualties == (
        CasualtyCount(killed, "AM", 4),
        CasualtyCount(killed, "AZ", 3),
        CasualtyCount(wounded, None, 1),
    )
    assert merged.fatalities == 7
    assert table_count(store, schema.incident_casualties) == 3
    # Reported again under its own id: the first report's figures stand.
    again = account("src-again", date(2024, 5, 12), fatalities=9)
    save_account(store, dataclasses.replace(again, casualties=(CasualtyCount(killed, "AM", 9),)))
    assert store.get_incident(merged.id).casualties == merged.casualties


def test_two_events_on_one_day_in_different_provinces_stay_two(store: Store) -> None:
    save_account(store, account("src-gr", date(2024, 5, 12), province=GR))
    result = save_account(store, account("src-su", date(2024, 5, 12), province=SU))

    assert result == SaveResult(sources_created=1, incidents_created=1)
    assert grouping(store) == {frozenset({"src-gr"}), frozenset({"src-su"})}


def test_two_incidents_of_one_report_are_not_merged_into_each_other(store: Store) -> None:
    incidents = [account("src-1", date(2024, 5, 12)), account("src-1", date(2024, 5, 13))]
    result = store.save_document(report(), incidents)
    assert result == SaveResult(sources_created=1, incidents_created=2)


def test_synthetic_and_country_only_reports_are_not_merged(store: Store) -> None:
    save_account(store, account("src-real", date(2024, 5, 12)))
    # Under another id: the same id is merged by id, as before (and makes it real).
    synthetic = dataclasses.replace(account("src-synth", date(2024, 5, 12)), id="inc-synth")
    save_account(store, dataclasses.replace(synthetic, fatalities=9), SYNTHETIC_PUBLISHER)
    vague = dataclasses.replace(
        account("src-vague", date(2024, 5, 12)),
        id="inc-vague",
        provinces=(),
        location_precision=LocationPrecision.COUNTRY,
    )
    save_account(store, vague)

    assert store.count_incidents() == 3
    assert store.get_incident("inc-2024-05-12-2024-05-12-AM-GR").fatalities is None


@pytest.mark.parametrize("order", list(itertools.permutations(range(4))))
def test_grouping_does_not_depend_on_ingest_order(store: Store, order: tuple[int, ...]) -> None:
    reports = [
        account("src-may", date(2024, 5, 1), date(2024, 5, 31), DatePrecision.MONTH),
        account("src-12", date(2024, 5, 12)),
        account("src-13", date(2024, 5, 13)),  # a follow-up the next day
        account("src-su", date(2024, 5, 12), province=SU),  # same day, another province
    ]
    for index in order:
        save_account(store, reports[index])

    assert grouping(store) == {
        frozenset({"src-may", "src-12", "src-13"}),
        frozenset({"src-su"}),
    }
    incidents = [store.get_incident(i) for i in _incident_ids(store)]
    windows = {(i.date_start, i.date_end, i.date_precision) for i in incidents if i.reports == 3}
    assert windows == {(date(2024, 5, 12), date(2024, 5, 13), DatePrecision.DAYS)}


def _incident_ids(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return list(
            conn.execute(
                schema.incidents.select().with_only_columns(schema.incidents.c.id)
            ).scalars()
        )


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_a_report_of_the_day_between_joins_two_records_in_any_order(
    store: Store, order: tuple[int, ...]
) -> None:
    reports = [
        account("src-12", date(2024, 5, 12)),
        account("src-14", date(2024, 5, 14)),  # two days later: on its own, another record
        account("src-13", date(2024, 5, 13)),  # the day between: one advance of three days
    ]
    for index in order:
        save_account(store, reports[index])

    assert grouping(store) == {frozenset({"src-12", "src-13", "src-14"})}
    (incident,) = [store.get_incident(i) for i in _incident_ids(store)]
    assert (incident.date_start, incident.date_end) == (date(2024, 5, 12), date(2024, 5, 14))


def test_a_bridge_never_chains_past_a_week_nor_folds_a_reviewed_record(store: Store) -> None:
    for day in (12, 14, 16, 18, 20):
        save_account(store, account(f"src-{day}", date(2024, 5, day)))
    store.review_incident(
        "inc-2024-05-20-2024-05-20-AM-GR",
        Correction(status=ReviewStatus.CONFIRMED),
        by="alice",
        reason="checked",
        expected_version=0,
    )
    for day in (13, 15, 17, 19):
        save_account(store, account(f"src-{day}", date(2024, 5, day)))

    # 13, 15 and 17 each bridge the records beside them, up to a week (12–18); 19 joins
    # the reviewed record of the 20th, which is never folded into another.
    assert grouping(store) == {
        frozenset(f"src-{day}" for day in range(12, 19)),
        frozenset({"src-19", "src-20"}),
    }
    spans = {(i.date_start, i.date_end) for i in map(store.get_incident, _incident_ids(store))}
    assert (date(2024, 5, 12), date(2024, 5, 18)) in spans
