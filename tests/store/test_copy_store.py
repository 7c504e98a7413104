"""Tests for dashboard.store.copy_store and ``borderwatch migrate-store``.

The source is always an SQLite store (what teams move from); the target runs
on each backend (``empty_database_url``), so SQLite → PostgreSQL and
SQLite → SQLite are both covered.
"""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pgcluster
import pytest
from click.testing import CliRunner
from sqlalchemy import insert, select, text
from store_builders import content_tables, excerpt, report, sotk_incident, vague_incident

from dashboard.cli import main
from dashboard.models import Citation, ReviewStatus, Span, SpanKind
from dashboard.store import Correction, ImportedPlace, Store, StoreError, open_store, schema
from dashboard.store import copy_store as store_copy
from dashboard.synthetic import write_demo

OTHER = "Mortar fire near Tegh on 3 June 2024 damaged a house."


@pytest.fixture
def source_url(tmp_path: Path) -> str:
    """An SQLite store holding rows in every table."""
    url = f"sqlite:///{tmp_path / 'source.sqlite'}"
    with open_store(url, upgrade=True) as source:
        source.save_document(report(), [sotk_incident(), vague_incident()])
        imported = replace(sotk_incident("src-imp", "acled:1"), citations=(Citation("src-imp"),))
        source.save_incidents_bulk(
            [report("src-imp", text="ACLED row 1", publisher="ACLED")],
            [imported],
            {"acled:1": ImportedPlace("acled", "Armenia", "Gegharkunik", None, True, True)},
        )
        write_demo(source, 40, seed=3)
        source.review_incident(
            "inc-vague",
            Correction(status=ReviewStatus.DISPUTED),
            by="alice",
            reason="AZ denies",
            expected_version=0,
        )
        _fill_intake_tables(source)
    return url


def _fill_intake_tables(store: Store) -> None:
    """One row in each live-intake table (:mod:`dashboard.store.intake`, ``alerts``)."""
    now = datetime(2024, 5, 13, 9, 30, tzinfo=UTC)
    with store.writing() as conn:
        conn.execute(
            insert(schema.watched_sources).values(
                name="feed", url="http://127.0.0.1/feed.xml", kind="feed", created_at=now
            )
        )
        conn.execute(
            insert(schema.intake_items).values(
                watched="feed",
                link_url="http://127.0.0.1/a",
                canonical_url="http://127.0.0.1/a",
                final_url="http://127.0.0.1/a",
                version=1,
                text_hash="0" * 64,
                source_id="src-1",
                raw=b"<html>synthetic</html>",
                raw_type="text/html",
                fetched_at=now,
            )
        )
        conn.execute(insert(schema.alerts).values(name="a", query="province=AM-GR", created_at=now))
        conn.execute(
            insert(schema.alert_deliveries).values(
                alert="a", incident_id="inc-sotk", channel="webhook", sent_at=now
            )
        )


def rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, in key order, with times compared as UTC instants."""
    with store.reading() as conn:
        return {
            table.name: [
                {k: _utc(v) for k, v in row._asdict().items()}
                for row in conn.execute(select(table).order_by(*table.primary_key.columns))
            ]
            for table in content_tables()
        }


def _utc(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def test_copy_gives_back_every_row_of_every_table(source_url: str, empty_database_url: str) -> None:
    result = store_copy.migrate_store(source_url, empty_database_url)
    with open_store(source_url) as source, open_store(empty_database_url) as target:
        expected = rows(source)
        assert rows(target) == expected
        assert result.rows == {name: len(table_rows) for name, table_rows in expected.items()}
        assert all(result.rows.values())  # the fixture filled every table
        assert not result.replaced
        assert target.get_incident("inc-sotk") == sotk_incident()


def test_postgresql_has_planner_statistics_of_the_copied_tables(
    source_url: str, postgres_cluster: pgcluster.Cluster
) -> None:
    """PostgreSQL only (SQLite's planner needs no statistics): a database of its own."""
    name = f"analysed_{os.getpid()}"
    url = pgcluster.create_database(postgres_cluster, name)
    try:
        store_copy.migrate_store(source_url, url)
        with open_store(url) as target, target.engine.connect() as conn:
            analysed = dict(
                conn.execute(text("SELECT relname, last_analyze FROM pg_stat_user_tables")).all()
            )
    finally:
        pgcluster.drop_database(postgres_cluster, name)
    assert analysed["incidents"] is not None
    assert analysed["excerpts"] is not None


def test_copied_store_takes_new_documents(source_url: str, empty_database_url: str) -> None:
    """New excerpts get ids past the copied ones (PostgreSQL's sequence moved on)."""
    store_copy.migrate_store(source_url, empty_database_url)
    with open_store(empty_database_url) as target:
        before = target.count_incidents()
        # Another day: the same day and place would be merged into inc-sotk as one event.
        other = replace(
            sotk_incident("src-new", "inc-tegh"),
            date_start=date(2024, 6, 20),
            date_end=date(2024, 6, 20),
            citations=(
                Citation(
                    "src-new",
                    excerpts=(excerpt(OTHER, 0, 26, Span(0, 6, SpanKind.CUE, "mortar", "Mortar")),),
                ),
            ),
        )
        target.save_document(report("src-new", text=OTHER), [other])
        assert target.count_incidents() == before + 1
        assert target.get_incident("inc-tegh") == other
        # New revisions too: the copied one keeps its id and version.
        revision = target.review_incident(
            "inc-vague", Correction(fatalities=0), by="bob", reason="AM MoD", expected_version=1
        )
        assert [r.version for r in target.history("inc-vague")] == [1, 2]
        assert revision.id > target.history("inc-vague")[0].id


def test_non_empty_target_is_refused_unless_forced(
    source_url: str, empty_database_url: str
) -> None:
    with open_store(empty_database_url, upgrade=True) as target:
        target.save_document(report("src-other", text=OTHER), [vague_incident("src-other", "x")])
    with pytest.raises(StoreError, match=r"is not empty \(1 incidents, 1 sources.*--force"):
        store_copy.migrate_store(source_url, empty_database_url)
    with open_store(empty_database_url) as target:
        assert target.get_incident("x") is not None

    result = store_copy.migrate_store(source_url, empty_database_url, force=True)
    assert result.replaced
    with open_store(source_url) as source, open_store(empty_database_url) as target:
        assert target.get_incident("x") is None
        assert rows(target) == rows(source)


def test_failure_midway_leaves_the_target_as_it_was(
    source_url: str, empty_database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy_table = store_copy._copy_table

    def crash_on_excerpts(reader: Any, writer: Any, table: Any, *args: Any) -> int:
        if table.name == "excerpts":
            raise RuntimeError("simulated crash")
        return copy_table(reader, writer, table, *args)

    monkeypatch.setattr(store_copy, "_copy_table", crash_on_excerpts)
    with pytest.raises(RuntimeError, match="simulated crash"):
        store_copy.migrate_store(source_url, empty_database_url)
    with open_store(empty_database_url) as target:
        assert all(not table_rows for table_rows in rows(target).values())


def test_same_database_is_refused(source_url: str) -> None:
    with pytest.raises(StoreError, match="same database"):
        store_copy.migrate_store(source_url, source_url)


def test_small_chunks_copy_everything(source_url: str, tmp_path: Path) -> None:
    target_url = f"sqlite:///{tmp_path / 'target.sqlite'}"
    chunks: list[tuple[str, int]] = []
    with open_store(source_url) as source, open_store(target_url, upgrade=True) as target:
        result = store_copy.copy_store(
            source, target, chunk_rows=7, progress=lambda t, n: chunks.append((t, n))
        )
        assert rows(target) == rows(source)
    assert max(n for _t, n in chunks) == 7
    assert sum(n for _t, n in chunks) == result.total


def test_cli_migrate_store(source_url: str, empty_database_url: str) -> None:
    outcome = CliRunner().invoke(
        main, ["migrate-store", "--from", source_url, "--to", empty_database_url]
    )
    assert outcome.exit_code == 0, outcome.output
    assert "incidents: 43" in outcome.stdout
    assert "rows copied into" in outcome.stdout

    again = CliRunner().invoke(
        main, ["migrate-store", "--from", source_url, "--to", empty_database_url]
    )
    assert again.exit_code == 2
    assert "--force" in again.stderr

    forced = CliRunner().invoke(
        main, ["migrate-store", "--from", source_url, "--to", empty_database_url, "--force"]
    )
    assert forced.exit_code == 0, forced.output
    assert "previous contents replaced" in forced.stdout


def test_cli_migrate_store_reads_the_default_store(
    source_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", source_url)
    target_url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    outcome = CliRunner().invoke(main, ["migrate-store", "--to", target_url])
    assert outcome.exit_code == 0, outcome.output
    with open_store(target_url) as target:
        assert target.get_incident("inc-sotk") == sotk_incident()
