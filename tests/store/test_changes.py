"""Tests for dashboard.store.changes: every write numbered, changed incidents stamped.

Tests taking ``store`` run on SQLite and PostgreSQL (see conftest.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text
from store_builders import OTHER_TEXT, report, sotk_incident, vague_incident

from dashboard.store import Store, changes
from dashboard.store import schema as db


def stamps(store: Store) -> dict[str, int]:
    with store.engine.connect() as conn:
        rows = conn.execute(select(db.incidents.c.id, db.incidents.c.changed_seq))
        return {row.id: row.changed_seq for row in rows}


def changed_since(store: Store, seq: int) -> tuple[list[str], list[str]]:
    with store.snapshot(since=seq) as snapshot:
        ids = sorted(snapshot.incidents(["id"])["id"].tolist())
        return ids, sorted(snapshot.deleted().tolist())


def test_each_write_takes_the_next_number_and_stamps_what_it_changed(store: Store) -> None:
    assert store.version().seq == 0
    store.save_document(report(), [sotk_incident(), vague_incident()])
    assert store.version().seq == 1
    assert stamps(store) == {"inc-sotk": 1, "inc-vague": 1}

    # A second report of Sotk adds a citation only: Sotk is stamped, not the other.
    store.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-2")])
    assert stamps(store) == {"inc-sotk": 2, "inc-vague": 1}
    assert changed_since(store, 1) == (["inc-sotk"], [])
    assert changed_since(store, 2) == ([], [])


def test_an_analyst_merge_stamps_both_incidents(store: Store) -> None:
    store.save_document(report(), [sotk_incident(), vague_incident()])
    store.merge_incidents(
        "inc-sotk", "inc-vague", by="ana", reason="one event", keep_version=0, other_version=0
    )
    ids, _ = changed_since(store, 1)
    assert ids == ["inc-sotk", "inc-vague"]  # the kept one gains sources, the other a status


def test_deleted_incidents_are_remembered_with_their_write(store: Store) -> None:
    store.save_document(report(), [sotk_incident(), vague_incident()])
    with store.writing() as conn:
        conn.execute(db.incidents.delete().where(db.incidents.c.id == "inc-vague"))
    assert changed_since(store, 1) == ([], ["inc-vague"])
    assert changed_since(store, 2) == ([], [])


def test_seq_at_gives_the_last_write_begun_by_a_time(store: Store) -> None:
    before = datetime.now(UTC) - timedelta(seconds=1)
    store.save_document(report(), [sotk_incident()])
    assert store.seq_at(before) == 0
    assert store.seq_at(datetime.now(UTC) + timedelta(seconds=1)) == 1


def test_bulk_writes_stamp_their_own_inserts_and_normal_writes_still_stamp_links(
    store: Store,
) -> None:
    store.save_incidents_bulk([report()], [vague_incident()])
    assert stamps(store) == {"inc-vague": 1}
    # The same pooled connection now writes normally: its insert triggers are back.
    store.save_document(report("src-2", OTHER_TEXT), [vague_incident("src-2")])
    assert stamps(store)["inc-vague"] == 2


def test_sqlite_bulk_writes_go_without_insert_triggers(tmp_path) -> None:
    from dashboard.store import open_store  # noqa: PLC0415

    with open_store(f"sqlite:///{tmp_path / 's.sqlite'}", upgrade=True) as store:
        names = "SELECT name FROM sqlite_temp_master WHERE type = 'trigger'"
        with store.writing(bulk=True) as conn:
            bulk = set(conn.execute(text(names)).scalars())
        with store.writing() as conn:
            normal = set(conn.execute(text(names)).scalars())
    assert "bw_touch_citations_insert" in normal - bulk
    assert "bw_bury_incidents" in bulk & normal


def test_a_store_without_the_change_log_has_no_version(tmp_path) -> None:
    from dashboard.store import revisions  # noqa: PLC0415
    from dashboard.store.engine import create_store_engine  # noqa: PLC0415

    engine = create_store_engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    try:
        revisions.migrate(engine, "0006")
        old = Store(engine)
        old.save_document(report(), [sotk_incident()])
        assert old.version() is None
        assert old.fingerprint()[:3] == ("1", "1", "1")  # counts, as before the log
        with engine.connect() as conn:
            assert not changes.has_change_log(conn)
    finally:
        engine.dispose()
