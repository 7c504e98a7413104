"""Shared fixtures: an empty database and a migrated store, on SQLite and PostgreSQL.

Every test that takes ``store`` or ``empty_database_url`` runs once per
backend (ids ``[sqlite]`` and ``[postgresql]``), so the portability promise of
``dashboard.store`` is checked by the whole suite, not by a special test.
PostgreSQL comes from a throwaway cluster started once per session
(``tests/pgcluster.py``) with PostGIS in its template database; each test gets
its own fresh database in it.

Without PostgreSQL server binaries, PostGIS or the psycopg driver the PostgreSQL
variants are skipped locally, but fail when ``CI`` is set: CI must not go
green by silently testing one backend.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pgcluster
import pytest

from dashboard.store import Store, open_store

BACKENDS = ("sqlite", "postgresql")
_database_numbers = itertools.count(1)


def _unavailable(reason: str) -> None:
    """Skip locally; in CI a missing backend is a failure, not a skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[pgcluster.Cluster]:
    """A running throwaway PostgreSQL cluster, stopped and deleted after the session."""
    if importlib.util.find_spec("psycopg") is None:
        _unavailable("psycopg is not installed: pip install 'psycopg[binary]'")
    bindir = pgcluster.find_bindir()
    if bindir is None:
        _unavailable(
            "no PostgreSQL server binaries (initdb, pg_ctl) on PATH or in "
            "/usr/lib/postgresql/*/bin: install the postgresql package"
        )
    cluster = pgcluster.start(bindir)
    try:
        if not pgcluster.has_postgis(cluster):
            _unavailable(
                "the PostgreSQL server has no PostGIS extension, which the store's "
                "migrations need: install the postgresql-postgis package"
            )
        yield cluster
    finally:
        pgcluster.stop(cluster)


@pytest.fixture(params=BACKENDS)
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """URL of a brand-new database with no schema, on each backend in turn."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'borderwatch.sqlite'}"
        return
    cluster: pgcluster.Cluster = request.getfixturevalue("postgres_cluster")
    name = f"test_{os.getpid()}_{next(_database_numbers)}"
    url = pgcluster.create_database(cluster, name)
    try:
        yield url
    finally:
        pgcluster.drop_database(cluster, name)


@pytest.fixture
def store(empty_database_url: str) -> Iterator[Store]:
    """A store on a fresh database migrated to the newest schema, on each backend."""
    with open_store(empty_database_url, upgrade=True) as opened:
        yield opened


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The figures of the concurrency, crash and fuzz tests (``tests/counts.py``), in CI too."""
    from counts import RECORDED  # noqa: PLC0415  (a test helper module, imported late)

    if RECORDED:
        terminalreporter.section("concurrency, crash and fuzz counts")
        for line in RECORDED:
            terminalreporter.write_line(line)
