"""Tests for dashboard.store.postgis and migration 0003: what a GIS client sees on PostgreSQL.

These run on PostgreSQL only (``pg_store``); on SQLite the migration is a
no-op, checked by ``test_sqlite_store_has_no_geometry_extras``.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pgcluster
import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import TextClause, inspect, text
from store_builders import report, sotk_incident

from dashboard.cli import main
from dashboard.geo.layers import load_border
from dashboard.store import (
    Store,
    StoreError,
    create_store_engine,
    open_store,
    postgis,
    revisions,
    upgrade_database,
)

# Points in Syunik (Goris, Kapan) and in Gegharkunik (Sotk).
GORIS = (39.5111, 46.3386)
KAPAN = (39.2076, 46.4058)
SOTK = (40.2046, 45.9463)

_numbers = itertools.count(1)

IN_SYUNIK = text(
    "SELECT id FROM incidents WHERE ST_Within(geom, "
    "(SELECT geom FROM border_provinces WHERE border = 'am-az' AND code = 'AM-SU')) ORDER BY id"
)


@pytest.fixture
def pg_url(postgres_cluster: pgcluster.Cluster) -> Iterator[str]:
    """A fresh, empty PostgreSQL database (with PostGIS available)."""
    name = f"test_postgis_{os.getpid()}_{next(_numbers)}"
    url = pgcluster.create_database(postgres_cluster, name)
    try:
        yield url
    finally:
        pgcluster.drop_database(postgres_cluster, name)


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Store]:
    """A migrated PostgreSQL store with the am-az layers loaded."""
    with open_store(pg_url, upgrade=True) as opened:
        postgis.load_layers(opened, load_border("am-az"))
        yield opened


def save_points(store: Store, points: dict[str, tuple[float, float]]) -> None:
    # No casualties: one test saves these at revision 0002, before their table exists;
    # the bulk path, as it writes no column a later revision added.
    incidents = [
        replace(sotk_incident(), id=key, lat=lat, lon=lon, casualties=())
        for key, (lat, lon) in points.items()
    ]
    store.save_incidents_bulk([report()], incidents)


def ids(store: Store, query: TextClause) -> list[str]:
    with store.reading() as conn:
        return list(conn.execute(query).scalars())


def test_qgis_query_finds_the_incidents_in_syunik(pg_store: Store) -> None:
    save_points(pg_store, {"goris": GORIS, "kapan": KAPAN, "sotk": SOTK})
    assert ids(pg_store, IN_SYUNIK) == ["goris", "kapan"]


def test_geom_follows_lat_lon_updates(pg_store: Store) -> None:
    save_points(pg_store, {"moving": SOTK})
    assert ids(pg_store, IN_SYUNIK) == []
    with pg_store.writing() as conn:
        conn.execute(
            text("UPDATE incidents SET lat = :lat, lon = :lon"), {"lat": GORIS[0], "lon": GORIS[1]}
        )
    assert ids(pg_store, IN_SYUNIK) == ["moving"]
    with pg_store.reading() as conn:
        x, y, srid = conn.execute(
            text("SELECT ST_X(geom), ST_Y(geom), ST_SRID(geom) FROM incidents")
        ).one()
    assert (y, x, srid) == (*GORIS, 4326)
    with pg_store.writing() as conn:
        conn.execute(text("UPDATE incidents SET lat = NULL, lon = NULL"))
    with pg_store.reading() as conn:
        assert conn.execute(text("SELECT geom IS NULL FROM incidents")).scalar_one()


def test_layers_load_once_per_border_and_reload_in_place(pg_store: Store) -> None:
    layers = load_border("am-az")
    counts = postgis.load_layers(pg_store, layers)  # the fixture loaded them already
    assert (counts.provinces, counts.segments) == (len(layers.provinces), len(layers.segments))
    with pg_store.reading() as conn:
        assert (
            conn.execute(text("SELECT count(*) FROM border_provinces")).scalar_one()
            == counts.provinces
        )
        assert (
            conn.execute(text("SELECT count(*) FROM border_segments")).scalar_one()
            == counts.segments
        )
        types = conn.execute(
            text(
                "SELECT f_table_name, type, srid FROM geometry_columns "
                "WHERE f_geometry_column = 'geom' ORDER BY f_table_name"
            )
        ).all()
        assert [tuple(t) for t in types] == [
            ("border_provinces", "MULTIPOLYGON", 4326),
            ("border_segments", "MULTILINESTRING", 4326),
            ("incidents", "POINT", 4326),
        ]
        assert conn.execute(
            text("SELECT bool_and(ST_IsValid(geom)) FROM border_provinces")
        ).scalar_one()
        segment = conn.execute(
            text(
                "SELECT s.name FROM border_segments s, border_provinces p "
                "WHERE p.code = 'AM-SU' AND ST_Intersects(s.geom, p.geom) ORDER BY s.name LIMIT 1"
            )
        ).scalar_one()
        assert "Syunik" in segment


def test_every_geometry_has_a_gist_index(pg_store: Store) -> None:
    inspector = inspect(pg_store.engine)
    with pg_store.reading() as conn:
        gist = set(
            conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE indexdef LIKE '%USING gist (geom)%'")
            ).scalars()
        )
    assert gist == {"ix_incidents_geom", "ix_border_provinces_geom", "ix_border_segments_geom"}
    assert "geom" not in {c["name"] for c in inspector.get_columns("sources")}


def test_missing_postgis_fails_saying_what_to_install(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(postgis, "postgis_available", lambda _conn: False)
    with pytest.raises(
        StoreError, match=r"no PostGIS extension.*apt-get install postgresql-postgis"
    ):
        upgrade_database(pg_url)
    # One transaction: the failed upgrade left no half-made schema behind.
    with pytest.raises(StoreError, match="no borderwatch schema"):
        open_store(pg_url)


def test_db_upgrade_loads_the_layers_and_repeats_cleanly(pg_url: str) -> None:
    for _ in range(2):
        outcome = CliRunner().invoke(main, ["db", "upgrade", "--url", pg_url])
        assert outcome.exit_code == 0, outcome.output
        assert "PostGIS layers for am-az: 88 provinces, 22 segments" in outcome.stdout
    with open_store(pg_url) as opened, opened.reading() as conn:
        assert conn.execute(text("SELECT count(*) FROM border_provinces")).scalar_one() == 88


def test_sqlite_store_has_no_geometry_extras(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bw.sqlite'}"
    outcome = CliRunner().invoke(main, ["db", "upgrade", "--url", url])
    assert outcome.exit_code == 0, outcome.output
    assert "PostGIS" not in outcome.stdout
    with open_store(url) as opened:
        inspector = inspect(opened.engine)
        assert not set(postgis.LAYER_TABLES) & set(inspector.get_table_names())
        assert "geom" not in {c["name"] for c in inspector.get_columns("incidents")}
        with pytest.raises(StoreError, match="PostgreSQL only"):
            postgis.load_layers(opened, load_border("am-az"))


def test_upgrade_from_0002_places_existing_incidents_and_downgrade_removes_it(
    pg_url: str,
) -> None:
    engine = create_store_engine(pg_url)
    try:
        revisions.migrate(engine, "0002")
        save_points(Store(engine), {"goris": GORIS})
        assert revisions.migrate(engine) == "0008"
        upgraded = Store(engine)
        postgis.load_layers(upgraded, load_border("am-az"))
        assert ids(upgraded, IN_SYUNIK) == ["goris"]

        with engine.connect() as conn, conn.begin():
            command.downgrade(revisions.alembic_config(conn), "0002")
        inspector = inspect(engine)
        assert not set(postgis.LAYER_TABLES) & set(inspector.get_table_names())
        assert "geom" not in {c["name"] for c in inspector.get_columns("incidents")}
        assert revisions.migrate(engine) == "0008"
        assert Store(engine).count_incidents() == 1
    finally:
        engine.dispose()
