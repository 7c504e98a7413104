"""Tests for dashboard.store: migrations, round trips, idempotency, merging, rollback.

Tests taking ``store`` or ``empty_database_url`` run on SQLite and PostgreSQL
(see conftest.py). The documents are built inline from one short report text
so every offset can be checked by eye.
"""

from __future__ import annotations

import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, Table, delete, func, select

from dashboard.models import (
    SYNTHETIC_PUBLISHER,
    Citation,
    DatePrecision,
    EventType,
    Excerpt,
    Incident,
    LocationPrecision,
    ProvinceRef,
    SegmentRef,
    Source,
    SourceKind,
    Span,
    SpanKind,
    content_hash,
)
from dashboard.store import core as store_module
from dashboard.store import postgis, schema
from dashboard.store.core import (
    DATABASE_URL_ENV,
    SQLITE_BUSY_TIMEOUT_MS,
    BulkSaveResult,
    ImportedPlace,
    SaveResult,
    Store,
    StoreError,
    create_store_engine,
    current_revision,
    default_database_url,
    head_revision,
    open_store,
    upgrade_database,
)

TEXT = "Shelling hit Sotk on 12 May 2024; two soldiers were killed."
OTHER_TEXT = "Armenia says three soldiers died after shelling near Sotk."


def excerpt(text: str, start: int, end: int, *spans: Span) -> Excerpt:
    """An excerpt whose text is really ``text[start:end]``."""
    return Excerpt(start=start, end=end, text=text[start:end], spans=spans)


def report(source_id: str = "src-1", text: str = TEXT, publisher: str = "Example News") -> Source:
    return Source(
        id=source_id,
        title=f"Report {source_id}",
        content_hash=content_hash(text),
        url=f"https://news.example/{source_id}",
        publisher=publisher,
        published=date(2024, 5, 13),
        language="en",
        text=text,
    )


def sotk_incident(source_id: str = "src-1", incident_id: str = "inc-sotk") -> Incident:
    """A fully populated incident: every field and child table has a value."""
    return Incident(
        id=incident_id,
        date_start=date(2024, 5, 12),
        date_end=date(2024, 5, 12),
        date_precision=DatePrecision.DAY,
        event_type=EventType.EXPLOSIONS,
        location_precision=LocationPrecision.NEAR_PLACE,
        lat=40.2046,
        lon=45.9463,
        summary="Shelling of Sotk; two soldiers killed.",
        fatalities=2,
        actors=("Military Forces of Azerbaijan", "Military Forces of Armenia"),
        place_name="Sotk",
        provinces=(
            ProvinceRef(code="AM-GR", name="Gegharkunik", country="AM"),
            ProvinceRef(code="AZ-KAL", name="Kalbajar", country="AZ"),
        ),
        segments=(SegmentRef(id="am-az-07", name="Sotk–Kalbajar"),),
        distance_km=2.5,
        citations=(
            Citation(
                source_id=source_id,
                claim="Armenian Ministry of Defence",
                excerpts=(
                    excerpt(
                        TEXT,
                        0,
                        33,
                        Span(0, 8, SpanKind.CUE, "shelling", "Shelling"),
                        Span(13, 17, SpanKind.PLACE, "am-sotk", "Sotk"),
                        Span(21, 32, SpanKind.DATE, "2024-05-12", "12 May 2024"),
                    ),
                    excerpt(TEXT, 34, 59, Span(34, 37, SpanKind.FATALITIES, "2", "two")),
                ),
            ),
        ),
    )


def vague_incident(source_id: str = "src-1", incident_id: str = "inc-vague") -> Incident:
    """The sparse end: no point, no fatalities, no places, a citation without excerpts."""
    return Incident(
        id=incident_id,
        date_start=date(2024, 5, 1),
        date_end=date(2024, 5, 31),
        date_precision=DatePrecision.MONTH,
        event_type=EventType.STRATEGIC_DEVELOPMENTS,
        location_precision=LocationPrecision.COUNTRY,
        citations=(Citation(source_id=source_id),),
    )


def table_count(store: Store, table: Table) -> int:
    with store.engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


# --- migrations -------------------------------------------------------------


def test_fresh_database_has_no_revision_until_upgraded(empty_database_url: str) -> None:
    assert current_revision(empty_database_url) is None
    assert upgrade_database(empty_database_url) == head_revision() == "0003"
    assert current_revision(empty_database_url) == "0003"
    # Upgrading a current database is a harmless no-op.
    assert upgrade_database(empty_database_url) == "0003"


def test_opening_a_database_without_schema_says_to_upgrade(empty_database_url: str) -> None:
    with pytest.raises(
        StoreError, match=r"no borderwatch schema yet: run `borderwatch db upgrade`"
    ):
        open_store(empty_database_url)


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
    shutil.copytree(
        store_module.migrations_dir(), newer, ignore=shutil.ignore_patterns("__pycache__")
    )
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
    monkeypatch.setattr(store_module, "migrations_dir", lambda: newer)

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


# --- connection settings ----------------------------------------------------


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    with open_store(f"sqlite:///{tmp_path / 'db.sqlite'}", upgrade=True) as opened:
        with opened.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == SQLITE_BUSY_TIMEOUT_MS
        assert (tmp_path / "db.sqlite-wal").exists()


def test_sqlite_store_creates_its_folder(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "borderwatch.sqlite"
    assert upgrade_database(f"sqlite:///{path}") == "0003"
    assert path.is_file()


def test_in_memory_sqlite_store_works_with_upgrade_on_open() -> None:
    with open_store("sqlite://", upgrade=True) as opened:
        assert opened.save_document(report(), [sotk_incident()]).incidents_created == 1
        assert opened.get_incident("inc-sotk") == sotk_incident()


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


# --- saving and reading -----------------------------------------------------


def test_saved_document_reads_back_equal(store: Store) -> None:
    source, incidents = report(), [sotk_incident(), vague_incident()]

    result = store.save_document(source, incidents)

    assert result == SaveResult(sources_created=1, incidents_created=2)
    assert store.get_source("src-1") == source
    assert store.get_incident("inc-sotk") == incidents[0]
    assert store.get_incident("inc-vague") == incidents[1]
    assert store.get_incident("inc-sotk").reports == 1
    assert (store.count_sources(), store.count_incidents()) == (1, 2)


def test_missing_ids_read_as_none(store: Store) -> None:
    assert store.get_incident("nope") is None
    assert store.get_source("nope") is None
    assert store.is_synthetic("nope") is None


def test_saving_the_same_source_again_changes_nothing(store: Store) -> None:
    store.save_document(report(), [sotk_incident()])

    again = store.save_document(report(), [sotk_incident(), vague_incident()])
    # Same content under another id is the same document too.
    renamed = store.save_document(report(source_id="src-copy"), [vague_incident("src-copy")])

    assert again == renamed == SaveResult(unchanged=True)
    assert (store.count_sources(), store.count_incidents()) == (1, 1)
    assert table_count(store, schema.excerpts) == 2


def test_same_source_id_with_other_content_is_refused(store: Store) -> None:
    store.save_document(report(), [sotk_incident()])
    with pytest.raises(StoreError, match=r"source 'src-1' is already stored with different"):
        store.save_document(report(text=OTHER_TEXT), [])
    assert store.get_source("src-1").text == TEXT


def test_second_report_of_an_incident_is_merged(store: Store) -> None:
    store.save_document(report(), [sotk_incident()])
    second = Citation(
        source_id="src-2",
        claim="Armenian MoD",
        excerpts=(excerpt(OTHER_TEXT, 12, 31, Span(12, 17, SpanKind.FATALITIES, "3", "three")),),
    )
    # The second report disagrees on fatalities; the first report's fields are kept.
    differing = Incident(
        id="inc-sotk",
        date_start=date(2024, 5, 12),
        date_end=date(2024, 5, 13),
        date_precision=DatePrecision.DAYS,
        event_type=EventType.EXPLOSIONS,
        location_precision=LocationPrecision.NEAR_PLACE,
        fatalities=3,
        citations=(second,),
    )

    result = store.save_document(report("src-2", OTHER_TEXT), [differing])

    assert result == SaveResult(sources_created=1, incidents_merged=1)
    merged = store.get_incident("inc-sotk")
    assert merged.reports == 2
    assert merged.citations == (*sotk_incident().citations, second)
    assert merged.fatalities == 2
    assert store.count_incidents() == 1
    assert store.save_document(report("src-2", OTHER_TEXT), [differing]).unchanged


def test_merge_adds_only_excerpts_not_yet_stored(store: Store) -> None:
    original = sotk_incident()
    store.save_document(report(), [original])
    old = original.citations[0]
    extra = excerpt(TEXT, 9, 17, Span(13, 17, SpanKind.PLACE, "am-sotk", "Sotk"))
    # A later document repeats the src-1 evidence, adds one src-1 excerpt, and cites itself.
    repeated = Citation(source_id="src-1", claim=old.claim, excerpts=(*old.excerpts, extra))
    incident = Incident(
        id=original.id,
        date_start=original.date_start,
        date_end=original.date_end,
        date_precision=original.date_precision,
        event_type=original.event_type,
        location_precision=original.location_precision,
        citations=(repeated, Citation(source_id="src-2")),
    )

    result = store.save_document(report("src-2", OTHER_TEXT), [incident])

    assert result.incidents_merged == 1
    stored = store.get_incident(original.id)
    assert stored.citations[0].excerpts == (*old.excerpts, extra)
    assert [c.source_id for c in stored.citations] == ["src-1", "src-2"]
    assert table_count(store, schema.excerpts) == 3


def test_document_adding_nothing_new_to_an_incident_counts_no_merge(store: Store) -> None:
    store.save_document(report(), [sotk_incident()])
    # The new document lists the incident but brings only the already stored citation.
    result = store.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-1")])
    assert result == SaveResult(sources_created=1)
    assert store.get_incident("inc-sotk").reports == 1


def test_concurrent_saves_of_one_document_store_it_once(store: Store) -> None:
    barrier = threading.Barrier(2)

    def save(_: int) -> SaveResult:
        barrier.wait(timeout=10)
        return store.save_document(report(), [sotk_incident()])

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(save, range(2)))

    assert sorted(r.unchanged for r in results) == [False, True]
    assert (store.count_sources(), store.count_incidents()) == (1, 1)


# --- all or nothing ---------------------------------------------------------


def assert_nothing_written(store: Store) -> None:
    assert store.get_source("src-1") is None
    for table in schema.metadata.sorted_tables:
        assert table_count(store, table) == 0, table.name


def test_crash_midway_through_a_document_rolls_back_everything(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_insert = store_module._insert_incident
    seen: list[str] = []

    def crash_on_second(conn, incident, *, synthetic):
        seen.append(incident.id)
        if len(seen) == 2:
            raise RuntimeError("simulated crash after the first incident was written")
        return real_insert(conn, incident, synthetic=synthetic)

    monkeypatch.setattr(store_module, "_insert_incident", crash_on_second)
    with pytest.raises(RuntimeError, match="simulated crash"):
        store.save_document(report(), [sotk_incident(), vague_incident()])
    assert seen == ["inc-sotk", "inc-vague"]
    assert_nothing_written(store)

    monkeypatch.undo()  # the store is still usable and the retry writes it all
    assert store.save_document(report(), [sotk_incident(), vague_incident()]).incidents_created == 2


def test_database_constraint_failure_rolls_back_everything(store: Store) -> None:
    province = ProvinceRef(code="AM-TV", name="Tavush", country="AM")
    # Incidents are written in id order: "inc-tavush" fails after "inc-sotk" went in.
    invalid = Incident(
        id="inc-tavush",
        date_start=date(2024, 5, 12),
        date_end=date(2024, 5, 12),
        date_precision=DatePrecision.DAY,
        event_type=EventType.BATTLES,
        location_precision=LocationPrecision.PROVINCE,
        provinces=(province, province),  # violates the (incident_id, code) primary key
    )
    with pytest.raises(StoreError, match="cannot write to"):
        store.save_document(report(), [sotk_incident(), invalid])
    assert_nothing_written(store)


def test_citing_an_unknown_source_is_refused_and_nothing_written(store: Store) -> None:
    with pytest.raises(StoreError, match=r"cites source 'src-ghost', which is neither"):
        store.save_document(report(), [sotk_incident(), vague_incident(source_id="src-ghost")])
    assert_nothing_written(store)


# --- synthetic data ---------------------------------------------------------


def test_synthetic_source_marks_itself_and_its_incidents(store: Store) -> None:
    store.save_document(report(publisher=SYNTHETIC_PUBLISHER), [sotk_incident()])
    store.save_document(report("src-2", OTHER_TEXT), [vague_incident("src-2")])

    assert store.is_synthetic("inc-sotk") is True
    assert store.is_synthetic("inc-vague") is False
    assert (store.count_sources(), store.count_incidents()) == (2, 2)
    assert store.count_sources(include_synthetic=False) == 1
    assert store.count_incidents(include_synthetic=False) == 1


def test_real_report_of_a_synthetic_incident_makes_it_real(store: Store) -> None:
    store.save_document(report(publisher=SYNTHETIC_PUBLISHER), [sotk_incident()])
    store.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-2")])
    assert store.is_synthetic("inc-sotk") is False


# --- bulk writes ------------------------------------------------------------


def dataset_source(name: str, publisher: str = SYNTHETIC_PUBLISHER) -> Source:
    """A dataset-record source without text, as imports make them."""
    return Source(
        id=f"test:{name}",
        title=name,
        content_hash=content_hash("test", name),
        kind=SourceKind.DATASET_RECORD,
        publisher=publisher,
    )


def test_bulk_saved_incidents_read_back_equal(store: Store) -> None:
    place = ImportedPlace("acled", "Armenia", "Gegharkunik", "Vardenis", True, True)
    result = store.save_incidents_bulk(
        [report(publisher=SYNTHETIC_PUBLISHER)],
        [sotk_incident(), vague_incident()],
        places={"inc-sotk": place},
    )
    assert result == BulkSaveResult(sources_created=1, incidents_created=2)
    assert store.get_incident("inc-sotk") == sotk_incident()
    assert store.get_incident("inc-vague") == vague_incident()
    assert store.get_imported_place("inc-sotk") == place
    assert store.get_imported_place("inc-vague") is None


def test_bulk_save_again_changes_nothing_and_merges_nothing(store: Store) -> None:
    store.save_incidents_bulk([dataset_source("a")], [sotk_incident("test:a")])
    counts = {t.name: table_count(store, t) for t in schema.metadata.sorted_tables}
    # Same incident id, now citing another source as well: left as it is.
    again = store.save_incidents_bulk(
        [dataset_source("a"), dataset_source("b")], [sotk_incident("test:b")]
    )
    assert again == BulkSaveResult(sources_created=1, incidents_unchanged=1)
    assert store.get_incident("inc-sotk") == sotk_incident("test:a")
    counts["sources"] += 1
    assert {t.name: table_count(store, t) for t in schema.metadata.sorted_tables} == counts


def test_bulk_first_incident_with_an_id_wins_and_sources_are_shared(store: Store) -> None:
    first = vague_incident("test:a", "inc-1")
    later = replace(first, summary="a later duplicate")
    other = vague_incident("test:a", "inc-2")
    result = store.save_incidents_bulk(
        [dataset_source("a"), dataset_source("a")], [first, later, other]
    )
    assert result == BulkSaveResult(sources_created=1, incidents_created=2, incidents_unchanged=1)
    assert store.get_incident("inc-1") == first
    assert table_count(store, schema.citations) == 2
    assert store.count_sources() == 1


def test_bulk_may_cite_a_source_stored_earlier(store: Store) -> None:
    store.save_document(report(publisher=SYNTHETIC_PUBLISHER), [])
    result = store.save_incidents_bulk([], [vague_incident("src-1")])
    assert result.incidents_created == 1
    assert store.is_synthetic("inc-vague") is True


def test_bulk_incident_is_synthetic_only_if_every_cited_source_is(store: Store) -> None:
    real = dataset_source("real", publisher="Example Wire")
    both = replace(
        vague_incident("test:a", "inc-both"),
        citations=(Citation("test:a"), Citation("test:real")),
    )
    store.save_incidents_bulk(
        [dataset_source("a"), real],
        [
            vague_incident("test:a", "inc-synthetic"),
            both,
            replace(both, id="inc-none", citations=()),
        ],
    )
    assert store.is_synthetic("inc-synthetic") is True
    assert store.is_synthetic("inc-both") is False
    assert store.is_synthetic("inc-none") is False


def test_bulk_citing_an_unknown_source_writes_nothing(store: Store) -> None:
    with pytest.raises(StoreError, match=r"neither being saved nor already stored.*test:ghost"):
        store.save_incidents_bulk(
            [dataset_source("a")], [vague_incident("test:a"), sotk_incident("test:ghost")]
        )
    assert_nothing_written(store)


def test_bulk_constraint_failure_rolls_back_the_whole_call(store: Store) -> None:
    # The dataclass does not check types: a None summary reaches the NOT NULL constraint.
    invalid = replace(vague_incident("test:a", "inc-bad"), summary=None)
    with pytest.raises(StoreError, match="cannot write to"):
        store.save_incidents_bulk([dataset_source("a")], [vague_incident("test:a"), invalid])
    assert_nothing_written(store)


def test_bulk_crash_after_the_incidents_rolls_back_the_whole_call(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object) -> None:
        raise RuntimeError("simulated crash after incidents and citations were written")

    monkeypatch.setattr(store_module, "_insert_excerpts_bulk", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        store.save_incidents_bulk(
            [report(publisher=SYNTHETIC_PUBLISHER)], [sotk_incident(), vague_incident()]
        )
    assert_nothing_written(store)


def test_upgrade_from_0001_keeps_incidents_and_adds_imported_places(
    empty_database_url: str,
) -> None:
    engine = create_store_engine(empty_database_url)
    try:
        store_module._upgrade(engine, "0001")
        Store(engine).save_document(report(publisher=SYNTHETIC_PUBLISHER), [sotk_incident()])
        assert store_module._upgrade(engine) == "0003"
        upgraded = Store(engine)
        assert upgraded.get_incident("inc-sotk") == sotk_incident()
        assert table_count(upgraded, schema.imported_places) == 0
    finally:
        engine.dispose()


# --- errors the user can act on ---------------------------------------------


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
