"""Tests for dashboard.store.reads: reading stored things back.

Tests taking ``store`` run on SQLite and PostgreSQL (see conftest.py).
"""

from __future__ import annotations

from dashboard.store import (
    Store,
)


def test_missing_ids_read_as_none(store: Store) -> None:
    assert store.get_incident("nope") is None
    assert store.get_source("nope") is None
    assert store.is_synthetic("nope") is None
