"""Tests for dashboard.store.core: opening a store.

Tests taking ``store`` or ``empty_database_url`` run on SQLite and PostgreSQL
(see conftest.py).
"""

from __future__ import annotations

import pytest
from store_builders import (
    report,
    sotk_incident,
)

from dashboard.store import (
    StoreError,
    open_store,
)


def test_opening_a_database_without_schema_says_to_upgrade(empty_database_url: str) -> None:
    with pytest.raises(
        StoreError, match=r"no borderwatch schema yet: run `borderwatch db upgrade`"
    ):
        open_store(empty_database_url)


def test_in_memory_sqlite_store_works_with_upgrade_on_open() -> None:
    with open_store("sqlite://", upgrade=True) as opened:
        assert opened.save_document(report(), [sotk_incident()]).incidents_created == 1
        assert opened.get_incident("inc-sotk") == sotk_incident()
