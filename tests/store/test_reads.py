"""Tests for dashboard.store.reads: reading stored things back.

Tests taking ``store`` run on SQLite and PostgreSQL (see conftest.py).
"""

from __future__ import annotations

from store_builders import OTHER_TEXT, report, sotk_incident, vague_incident

from dashboard.store import Store


def test_missing_ids_read_as_none(store: Store) -> None:
    assert store.get_incident("nope") is None
    assert store.get_source("nope") is None
    assert store.is_synthetic("nope") is None


def test_fingerprint_changes_with_every_write_and_only_then(store: Store) -> None:
    empty = store.fingerprint()
    store_id, seq = empty
    assert (len(store_id), seq) == (36, "0")  # a fresh store's identity, no write yet
    assert store.fingerprint() == empty  # reading changes nothing

    store.save_document(report(), [sotk_incident(), vague_incident()])
    one = store.fingerprint()
    assert one == (store_id, "1")

    # A merge adds a citation but no incident or source: still a write.
    store.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-2")])
    merged = store.fingerprint()
    assert merged == (store_id, "2")
    assert store.fingerprint() == merged
