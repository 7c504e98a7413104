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
    assert empty[:3] == ("0", "0", "0")
    assert store.fingerprint() == empty

    store.save_document(report(), [sotk_incident(), vague_incident()])
    one = store.fingerprint()
    assert one[:3] == ("2", "1", "2")  # incidents, sources, citations
    assert one != empty

    # A merge adds a citation but no incident or source.
    store.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-2")])
    merged = store.fingerprint()
    assert merged[:3] == ("2", "2", "3")
    assert store.fingerprint() == merged
