"""Tests for dashboard.store.engine: connection settings, URLs and errors the user can act on.

Tests taking ``store`` or ``empty_database_url`` run on SQLite and PostgreSQL
(see conftest.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import delete
from store_builders import (
    report,
    sotk_incident,
    table_count,
)

from dashboard.store import (
    Store,
    StoreError,
    default_database_url,
    open_store,
    schema,
    upgrade_database,
)
from dashboard.store.engine import DATABASE_URL_ENV, SQLITE_BUSY_TIMEOUT_MS


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}", upgrade=True) as opened:
        with opened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert (tmp_path / "db.sqlite-wal").exists()


def test_sqlite_store_creates_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "borderwatch.sqlite"
    assert upgrade_database(f"sqlite:///{path}") == "0008"
    assert path.is_file()


def test_foreign_keys_cascade_to_the_evidence(store: Store) -> None:
    store.save_document(report(), [sotk_incident()])
    with store.engine.begin() as conn:
        conn.execute(delete(schema.sources).where(schema.sources.c.id == "src-1"))
    # The incident outlives its only source, but the source's evidence does not.
    assert store.get_incident("inc-sotk").citations == ()
    assert table_count(store, schema.excerpts) == table_count(store, schema.excerpt_spans) == 0
    with store.engine.begin() as conn:
        conn.execute(delete(schema.incidents))
    assert table_count(store, schema.incident_provinces) == 0
    assert table_count(store, schema.incident_segments) == 0


def test_unwritable_sqlite_location_names_the_url(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker / 'var' / 'borderwatch.sqlite'}"
    with pytest.raises(StoreError, match=r"cannot create the folder for sqlite:///.*a-file/var"):
        open_store(url)


def test_file_that_is_not_a_database_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 40)
    with pytest.raises(StoreError) as raised:
        open_store(f"sqlite:///{path}")
    assert str(path) in str(raised.value)
    assert "is not an SQLite database" in str(raised.value)


def test_connection_failure_masks_the_password() -> None:
    url = "postgresql://watcher:s3cret-pw@/borderwatch?host=/nonexistent-bw-socket&port=5999"
    with pytest.raises(StoreError) as raised:
        open_store(url)
    message = str(raised.value)
    assert "s3cret-pw" not in message
    assert "watcher:***@" in message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root:hunter2@db/borderwatch", "unsupported database 'mysql'"),
        ("not a database url", "not a valid database URL"),
    ],
)
def test_unusable_urls_are_store_errors(url: str, expected: str) -> None:
    with pytest.raises(StoreError, match=expected) as raised:
        open_store(url)
    assert "hunter2" not in str(raised.value)


def test_default_url_is_a_sqlite_file_under_var_unless_overridden(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv(DATABASE_URL_ENV, raising=False)
    repository = Path(__file__).resolve().parents[2]
    assert default_database_url() == f"sqlite:///{repository / 'var' / 'borderwatch.sqlite'}"

    monkeypatch.setenv(DATABASE_URL_ENV, "postgresql://watcher@/borderwatch")
    assert default_database_url() == "postgresql://watcher@/borderwatch"
