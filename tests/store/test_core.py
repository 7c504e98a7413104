"""Tests for dashboard.store.core: opening a store, and readying one on a first run.

Tests taking ``store`` or ``empty_database_url`` run on SQLite and PostgreSQL
(see conftest.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from store_builders import report, sotk_incident

from dashboard.store import (
    StoreError,
    create_store_engine,
    current_revision,
    ensure_ready,
    head_revision,
    open_store,
    revisions,
    upgrade_database,
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


def fill_with_one_report(filled: list[str]) -> Callable[[str], bool]:
    """A first-run filler that records its calls and saves one report."""

    def fill(url: str) -> bool:
        filled.append(url)
        with open_store(url) as opened:
            opened.save_document(report(), [sotk_incident()])
        return True

    return fill


def test_ensure_ready_creates_the_schema_and_fills_a_new_store(empty_database_url: str) -> None:
    filled: list[str] = []
    assert ensure_ready(empty_database_url, fill=fill_with_one_report(filled)) is True
    assert filled == [empty_database_url]
    assert current_revision(empty_database_url) == head_revision()
    with open_store(empty_database_url) as opened:
        assert opened.count_incidents() == 1


def test_ensure_ready_without_a_filler_only_creates_the_schema(empty_database_url: str) -> None:
    assert ensure_ready(empty_database_url) is False
    with open_store(empty_database_url) as opened:
        assert opened.count_sources() == 0


def test_ensure_ready_fills_an_empty_store_but_leaves_one_with_sources(
    empty_database_url: str,
) -> None:
    upgrade_database(empty_database_url)
    filled: list[str] = []
    assert ensure_ready(empty_database_url, fill=fill_with_one_report(filled)) is True
    # Now it holds a source: a second run must not fill it again.
    assert ensure_ready(empty_database_url, fill=fill_with_one_report(filled)) is False
    assert filled == [empty_database_url]


def test_ensure_ready_refuses_an_outdated_schema_and_leaves_it(empty_database_url: str) -> None:
    engine = create_store_engine(empty_database_url)
    try:
        revisions.migrate(engine, "0001")
    finally:
        engine.dispose()
    filled: list[str] = []
    with pytest.raises(StoreError, match=r"out of date .* run `borderwatch db upgrade`"):
        ensure_ready(empty_database_url, fill=fill_with_one_report(filled))
    assert filled == []
    assert current_revision(empty_database_url) == "0001"


def test_ensure_ready_reports_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    notes = "these are my notes, not a database\n" * 40
    path.write_text(notes)
    with pytest.raises(StoreError, match="is not an SQLite database"):
        ensure_ready(f"sqlite:///{path}", fill=fill_with_one_report([]))
    assert path.read_text() == notes
