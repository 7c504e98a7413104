"""Tests for dashboard.store.bulk: many incidents per transaction, idempotent by id.

Tests taking ``store`` run on SQLite and PostgreSQL (see conftest.py).
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from store_builders import (
    assert_nothing_written,
    content_tables,
    dataset_source,
    report,
    sotk_incident,
    table_count,
    vague_incident,
)

from dashboard.models import (
    SYNTHETIC_PUBLISHER,
    Citation,
)
from dashboard.store import (
    BulkSaveResult,
    ImportedPlace,
    Store,
    StoreError,
    bulk,
    schema,
)


def test_bulk_saved_incidents_read_back_equal(store: Store) -> None:
    place = ImportedPlace("acled", "Armenia", "Gegharkunik", "Vardenis", True, True)
    result = store.save_incidents_bulk(
        [report(publisher=SYNTHETIC_PUBLISHER)],
        [sotk_incident(), vague_incident()],
        places={"inc-sotk": place},
    )
    assert result == BulkSaveResult(sources_created=1, incidents_created=2)
    assert store.get_incident("inc-sotk") == sotk_incident()
    assert store.get_incident("inc-vague") == vague_incident()
    assert store.get_imported_place("inc-sotk") == place
    assert store.get_imported_place("inc-vague") is None


def test_bulk_save_again_changes_nothing_and_merges_nothing(store: Store) -> None:
    store.save_incidents_bulk([dataset_source("a")], [sotk_incident("test:a")])
    counts = {t.name: table_count(store, t) for t in content_tables()}
    # Same incident id, now citing another source as well: left as it is.
    again = store.save_incidents_bulk(
        [dataset_source("a"), dataset_source("b")], [sotk_incident("test:b")]
    )
    assert again == BulkSaveResult(sources_created=1, incidents_unchanged=1)
    assert store.get_incident("inc-sotk") == sotk_incident("test:a")
    counts["sources"] += 1
    assert {t.name: table_count(store, t) for t in content_tables()} == counts


def test_bulk_first_incident_with_an_id_wins_and_sources_are_shared(store: Store) -> None:
    first = vague_incident("test:a", "inc-1")
    later = replace(first, summary="a later duplicate")
    other = vague_incident("test:a", "inc-2")
    result = store.save_incidents_bulk(
        [dataset_source("a"), dataset_source("a")], [first, later, other]
    )
    assert result == BulkSaveResult(sources_created=1, incidents_created=2, incidents_unchanged=1)
    assert store.get_incident("inc-1") == first
    assert table_count(store, schema.citations) == 2
    assert store.count_sources() == 1


def test_bulk_may_cite_a_source_stored_earlier(store: Store) -> None:
    store.save_document(report(publisher=SYNTHETIC_PUBLISHER), [])
    result = store.save_incidents_bulk([], [vague_incident("src-1")])
    assert result.incidents_created == 1
    assert store.is_synthetic("inc-vague") is True


def test_bulk_incident_is_synthetic_only_if_every_cited_source_is(store: Store) -> None:
    real = dataset_source("real", publisher="Example Wire")
    both = replace(
        vague_incident("test:a", "inc-both"),
        citations=(Citation("test:a"), Citation("test:real")),
    )
    store.save_incidents_bulk(
        [dataset_source("a"), real],
        [
            vague_incident("test:a", "inc-synthetic"),
            both,
            replace(both, id="inc-none", citations=()),
        ],
    )
    assert store.is_synthetic("inc-synthetic") is True
    assert store.is_synthetic("inc-both") is False
    assert store.is_synthetic("inc-none") is False


def test_bulk_citing_an_unknown_source_writes_nothing(store: Store) -> None:
    with pytest.raises(StoreError, match=r"neither being saved nor already stored.*test:ghost"):
        store.save_incidents_bulk(
            [dataset_source("a")], [vague_incident("test:a"), sotk_incident("test:ghost")]
        )
    assert_nothing_written(store)


def test_bulk_constraint_failure_rolls_back_the_whole_call(store: Store) -> None:
    # The dataclass does not check types: a None summary reaches the NOT NULL constraint.
    invalid = replace(vague_incident("test:a", "inc-bad"), summary=None)
    with pytest.raises(StoreError, match="cannot write to"):
        store.save_incidents_bulk([dataset_source("a")], [vague_incident("test:a"), invalid])
    assert_nothing_written(store)


def test_bulk_crash_after_the_incidents_rolls_back_the_whole_call(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object) -> None:
        raise RuntimeError("simulated crash after incidents and citations were written")

    monkeypatch.setattr(bulk, "_insert_excerpts_bulk", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        store.save_incidents_bulk(
            [report(publisher=SYNTHETIC_PUBLISHER)], [sotk_incident(), vague_incident()]
        )
    assert_nothing_written(store)
