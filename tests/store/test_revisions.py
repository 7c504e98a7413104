"""Tests for dashboard.store.revisions: schema versions, migrating, refusing outdated schemas.

Tests taking ``store`` or ``empty_database_url`` run on SQLite and PostgreSQL
(see conftest.py).
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, Table, inspect
from store_builders import (
    OTHER_TEXT,
    report,
    sotk_incident,
    table_count,
)

from dashboard.models import (
    SYNTHETIC_PUBLISHER,
    ReviewStatus,
)
from dashboard.store import (
    Correction,
    ImportedPlace,
    Store,
    StoreError,
    create_store_engine,
    current_revision,
    head_revision,
    open_store,
    postgis,
    revisions,
    schema,
    upgrade_database,
)


def test_fresh_database_has_no_revision_until_upgraded(empty_database_url: str) -> None:
    assert current_revision(empty_database_url) is None
    assert upgrade_database(empty_database_url) == head_revision() == "0008"
    assert current_revision(empty_database_url) == "0008"
    # Upgrading a current database is a harmless no-op.
    assert upgrade_database(empty_database_url) == "0008"


# Alembic reflects incidents.geom (PostgreSQL) without knowing PostGIS's type.
@pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry'")
def test_migrated_schema_matches_the_table_definitions(store: Store) -> None:
    with store.engine.connect() as conn:
        # The PostGIS extras of migration 0003 (incidents.geom, the layer tables,
        # PostGIS's spatial_ref_sys) are PostgreSQL-only and deliberately not in
        # schema.py; the same filter keeps Alembic's autogenerate away from them.
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": postgis.include_object}
        )
        assert compare_metadata(context, schema.metadata) == []


def test_older_revision_is_reported_out_of_date_then_upgrades(
    empty_database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    current = upgrade_database(empty_database_url)  # the database is now at the newest revision
    # A newer version of the code: the shipped migrations plus one more.
    newer = tmp_path / "migrations"
    shutil.copytree(revisions.migrations_dir(), newer, ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "versions" / "9999_marker.py").write_text(
        '"""Test-only newer revision."""\n'
        "import sqlalchemy as sa\n"
        "from alembic import op\n\n"
        'revision = "9999"\n'
        f"down_revision = {current!r}\n"
        "branch_labels = None\n"
        "depends_on = None\n\n\n"
        "def upgrade():\n"
        '    op.create_table("marker", sa.Column("id", sa.Integer(), primary_key=True))\n\n\n'
        "def downgrade():\n"
        '    op.drop_table("marker")\n'
    )
    monkeypatch.setattr(revisions, "migrations_dir", lambda: newer)

    with pytest.raises(StoreError) as raised:
        open_store(empty_database_url)
    message = str(raised.value)
    assert f"out of date (schema revision {current}" in message
    assert "needs 9999" in message
    assert "run `borderwatch db upgrade`" in message

    assert upgrade_database(empty_database_url) == "9999"
    with open_store(empty_database_url) as opened:
        assert opened.current_revision() == "9999"


def test_unknown_revision_is_reported_clearly(empty_database_url: str) -> None:
    version_table = Table(
        "alembic_version", MetaData(), Column("version_num", String(32), primary_key=True)
    )
    engine = create_store_engine(empty_database_url)
    with engine.begin() as conn:
        version_table.create(conn)
        conn.execute(version_table.insert().values(version_num="bogus"))
    engine.dispose()

    with pytest.raises(StoreError, match=r"revision 'bogus', which this version of borderwatch"):
        open_store(empty_database_url)
    with pytest.raises(StoreError, match="bogus"):
        upgrade_database(empty_database_url)


def test_upgrade_from_0001_keeps_incidents_and_adds_imported_places(
    empty_database_url: str,
) -> None:
    engine = create_store_engine(empty_database_url)
    # Casualties have no table before 0004; an incident without any writes none.
    incident = dataclasses.replace(sotk_incident(), casualties=())
    try:
        revisions.migrate(engine, "0001")
        # The bulk path: it writes no column later revisions added (save_document reads them).
        Store(engine).save_incidents_bulk([report(publisher=SYNTHETIC_PUBLISHER)], [incident])
        assert revisions.migrate(engine) == "0008"
        upgraded = Store(engine)
        assert upgraded.get_incident("inc-sotk") == incident
        assert table_count(upgraded, schema.imported_places) == 0
    finally:
        engine.dispose()


def test_upgrade_from_0003_keeps_incidents_and_downgrade_drops_only_casualties(
    empty_database_url: str,
) -> None:
    engine = create_store_engine(empty_database_url)
    without = dataclasses.replace(sotk_incident(), casualties=())
    try:
        revisions.migrate(engine, "0003")
        Store(engine).save_incidents_bulk([report()], [without])
        assert revisions.migrate(engine) == "0008"
        upgraded = Store(engine)
        # An incident stored before has no breakdown: unknown, not zero.
        assert upgraded.get_incident("inc-sotk") == without
        assert table_count(upgraded, schema.incident_casualties) == 0
        # Another report of the same event brings its breakdown to the old incident.
        upgraded.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-2", "inc-2")])
        assert upgraded.get_incident("inc-sotk").casualties == sotk_incident().casualties
        assert table_count(upgraded, schema.incident_casualties) == 2

        with engine.connect() as conn, conn.begin():
            command.downgrade(revisions.alembic_config(conn), "0003")
        tables = set(inspect(engine).get_table_names())
        assert "incident_casualties" not in tables
        assert {"incidents", "incident_provinces", "citations"} <= tables
        assert revisions.migrate(engine) == "0008"
        assert Store(engine).get_incident("inc-sotk").casualties == ()
    finally:
        engine.dispose()


@pytest.mark.filterwarnings("ignore:Did not recognize type 'geometry'")
def test_upgrade_from_0004_makes_every_incident_unreviewed_and_downgrade_drops_review(
    empty_database_url: str,
) -> None:
    engine = create_store_engine(empty_database_url)
    try:
        revisions.migrate(engine, "0004")
        Store(engine).save_incidents_bulk([report()], [sotk_incident()])
        assert revisions.migrate(engine) == "0008"
        upgraded = Store(engine)
        state = upgraded.review_state("inc-sotk")
        assert (state.status, state.version, state.locked, state.flag) == (
            ReviewStatus.UNREVIEWED,
            0,
            (),
            None,
        )
        upgraded.review_incident(
            "inc-sotk", Correction(fatalities=3), by="a", reason="r", expected_version=0
        )

        with engine.connect() as conn, conn.begin():
            command.downgrade(revisions.alembic_config(conn), "0004")
        inspector = inspect(engine)
        assert "incident_revisions" not in inspector.get_table_names()
        assert "review_status" not in {c["name"] for c in inspector.get_columns("incidents")}
        # The corrected value itself stays; only the review around it is gone.
        assert revisions.migrate(engine) == "0008"
        assert Store(engine).get_incident("inc-sotk").fatalities == 3
        assert Store(engine).review_state("inc-sotk").version == 0
    finally:
        engine.dispose()


def test_upgrade_from_0005_keeps_imported_places_and_downgrade_drops_dataset_fields(
    empty_database_url: str,
) -> None:
    engine = create_store_engine(empty_database_url)
    place = ImportedPlace("acled", "Armenia", "Gegharkunik", None, True, True)
    try:
        revisions.migrate(engine, "0005")
        Store(engine).save_incidents_bulk([report()], [sotk_incident()], {"inc-sotk": place})
        assert revisions.migrate(engine) == "0008"
        upgraded = Store(engine)
        # Imported before 0006: the names stay, no dataset fields, no record version.
        assert upgraded.get_imported_place("inc-sotk") == place
        assert upgraded.dataset_fields("inc-sotk") == {}

        with engine.connect() as conn, conn.begin():
            command.downgrade(revisions.alembic_config(conn), "0005")
        columns = {c["name"] for c in inspect(engine).get_columns("imported_places")}
        assert "attributes" not in columns and "record_hash" not in columns
        assert "admin1" in columns
        assert revisions.migrate(engine) == "0008"
        assert Store(engine).get_imported_place("inc-sotk") == place
    finally:
        engine.dispose()


def test_upgrade_from_0006_adds_the_intake_tables_and_downgrade_drops_only_them(
    empty_database_url: str,
) -> None:
    engine = create_store_engine(empty_database_url)
    intake_tables = {"watched_sources", "intake_items", "alerts", "alert_deliveries"}
    try:
        revisions.migrate(engine, "0006")
        Store(engine).save_document(report(), [sotk_incident()])
        assert revisions.migrate(engine) == "0008"
        assert intake_tables <= set(inspect(engine).get_table_names())
        assert Store(engine).count_incidents() == 1

        with engine.connect() as conn, conn.begin():
            command.downgrade(revisions.alembic_config(conn), "0006")
        assert not intake_tables & set(inspect(engine).get_table_names())
        assert Store(engine).count_sources() == 1
    finally:
        engine.dispose()
