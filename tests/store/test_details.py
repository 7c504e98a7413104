"""Tests for dashboard.store.details: what export reads beyond the in-memory table.

Tests taking ``store`` run on SQLite and PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import pytest
from store_builders import OTHER_TEXT, dataset_source, report, sotk_incident, vague_incident

from dashboard.store import ImportedPlace, Store, details


@pytest.fixture
def filled(store: Store) -> Store:
    store.save_document(report(), [sotk_incident(), vague_incident()])
    store.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-2")])
    place = ImportedPlace("acled", "Armenia", "Gegharkunik", "Vardenis")
    store.save_incidents_bulk(
        [dataset_source("a")], [vague_incident("test:a", "inc-file")], {"inc-file": place}
    )
    return store


def check_details(found: details.DetailRows) -> None:
    assert set(found.actors["incident_id"]) == {"inc-sotk", "inc-file"}
    sources = found.sources[["incident_id", "source_id", "title"]].values.tolist()
    assert sources == [
        ["inc-file", "test:a", "a"],
        ["inc-sotk", "src-1", "Report src-1"],
        ["inc-sotk", "src-2", "Report src-2"],
    ]
    assert list(found.excerpts.columns) == [
        "incident_id",
        "source_id",
        "start_char",
        "end_char",
        "text",
    ]
    assert set(found.excerpts["incident_id"]) == {"inc-sotk"}
    assert found.places[["incident_id", "dataset", "admin2"]].values.tolist() == [
        ["inc-file", "acled", "Vardenis"]
    ]
    # In stored order; the store's '' for an unknown side reads as None.
    assert found.casualties.values.tolist() == [
        ["inc-sotk", "killed", "AM", 2],
        ["inc-sotk", "wounded", None, 1],
    ]


def test_details_of_the_selected_incidents_only(filled: Store) -> None:
    check_details(filled.incident_details(["inc-sotk", "inc-file"]))


def test_large_selections_read_whole_tables_with_the_same_answer(
    filled: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(details, "_IN_LIST_LIMIT", 1)
    check_details(filled.incident_details(["inc-sotk", "inc-file"]))
