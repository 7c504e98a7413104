"""Tests for dashboard.store.columns: whole tables, column by column, in one snapshot.

Tests taking ``store`` run on SQLite and PostgreSQL (see conftest.py).
"""

from __future__ import annotations

from store_builders import OTHER_TEXT, report, sotk_incident, vague_incident

from dashboard.store import Store


def test_snapshot_reads_incidents_links_and_citations(store: Store) -> None:
    store.save_document(report(), [sotk_incident(), vague_incident()])
    store.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-2")])
    with store.snapshot() as snapshot:
        incidents = snapshot.incidents(["id", "fatalities", "synthetic"])
        provinces = snapshot.provinces()
        segments = snapshot.segments()
        citations = snapshot.citations()

    by_id = dict(zip(incidents["id"], incidents["fatalities"], strict=True))
    assert by_id == {"inc-sotk": 2, "inc-vague": None}
    assert list(provinces) == ["incident_id", "position", "code", "name", "country"]
    assert sorted(zip(provinces["position"], provinces["code"], strict=True)) == [
        (0, "AM-GR"),
        (1, "AZ-KAL"),
    ]
    assert list(segments) == ["incident_id", "position", "segment_id", "name"]
    assert list(segments["segment_id"]) == ["am-az-07"]
    assert sorted(zip(citations["incident_id"], citations["source_id"], strict=True)) == [
        ("inc-sotk", "src-1"),
        ("inc-sotk", "src-2"),
        ("inc-vague", "src-1"),
    ]


def test_snapshot_of_an_empty_store_has_empty_columns(store: Store) -> None:
    with store.snapshot() as snapshot:
        incidents = snapshot.incidents(["id", "summary"])
        citations = snapshot.citations()
    assert [len(values) for values in incidents.values()] == [0, 0]
    assert all(len(values) == 0 for values in citations.values())
