"""Imports shared between worker processes: same result as one process, failures surface.

Tests taking ``store`` run on SQLite and PostgreSQL.
"""

import os
import shutil
from pathlib import Path

import pytest

from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border
from dashboard.importers import import_file
from dashboard.importers.files import open_table
from dashboard.importers.workers import PARALLEL_MIN_BYTES, default_workers
from dashboard.store import Store, StoreError, open_store

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder(load_border("am-az"))


def fixture(folder: Path, name: str) -> Path:
    return Path(shutil.copy(FIXTURES / name, folder / name))


def test_two_workers_give_the_same_result_as_one(store: Store, geocoder, tmp_path: Path) -> None:
    one_dir, two_dir = tmp_path / "one", tmp_path / "two"
    one_dir.mkdir()
    two_dir.mkdir()
    with open_store(f"sqlite:///{one_dir / 'one.sqlite'}", upgrade=True) as single:
        one = import_file(
            fixture(one_dir, "acled_bad_rows.csv"), "acled", single, geocoder=geocoder,
            chunk_rows=2, workers=1,
        )  # fmt: skip
        expected = {i: single.get_incident(i) for i in ("acled:TSTB1", "acled:TSTB10")}
    seen = []
    two = import_file(
        fixture(two_dir, "acled_bad_rows.csv"), "acled", store, geocoder=geocoder,
        chunk_rows=2, workers=2, progress=lambda done, size: seen.append(done),
    )  # fmt: skip
    for name in ("rows", "imported", "rejected", "near_border", "country_disagreements"):
        assert getattr(two, name) == getattr(one, name), name
    assert [p.split(": ", 1)[1] for p in two.problems] == [
        p.split(": ", 1)[1] for p in one.problems
    ]
    assert two.rejects_path.read_text() == one.rejects_path.read_text()
    assert {i: store.get_incident(i) for i in expected} == expected
    assert seen and max(seen) == (two_dir / "acled_bad_rows.csv").stat().st_size


def test_a_failing_worker_fails_the_import(
    store: Store, geocoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self, *args, **kwargs):
        raise StoreError("simulated failure in a worker")

    monkeypatch.setattr(Store, "save_incidents_bulk", fail)  # forked workers inherit it
    with pytest.raises(StoreError, match="simulated failure in a worker"):
        import_file(
            fixture(tmp_path, "acled_sample.csv"), "acled", store, geocoder=geocoder,
            chunk_rows=1, workers=2,
        )  # fmt: skip


def test_small_files_and_memory_stores_use_one_process(tmp_path: Path) -> None:
    table = open_table(FIXTURES / "acled_sample.csv", "csv", {})
    try:
        with open_store(f"sqlite:///{tmp_path / 'x.sqlite'}", upgrade=True) as on_disk:
            assert default_workers(table, on_disk) == 1  # a small file
        table.size = PARALLEL_MIN_BYTES
        with open_store(f"sqlite:///{tmp_path / 'y.sqlite'}", upgrade=True) as on_disk:
            assert default_workers(table, on_disk) == min(2, os.cpu_count() or 1)
        with open_store("sqlite://", upgrade=True) as in_memory:
            assert default_workers(table, in_memory) == 1
    finally:
        table.close()
