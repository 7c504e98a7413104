"""Where rejected rows go: beside the input, where ``--rejects`` says, or the store's folder.

The input's folder is made unwritable by patching :func:`files.writable` for
it: tests run as root here, for whom permission bits do not stop a write.
"""

import csv
import shutil
from pathlib import Path

import pytest

from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border
from dashboard.importers import ImportFileError, import_file
from dashboard.importers import files as import_files
from dashboard.store import open_store

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder(load_border("am-az"))


@pytest.fixture
def input_file(tmp_path: Path) -> Path:
    folder = tmp_path / "downloads"
    folder.mkdir()
    return Path(shutil.copy(FIXTURES / "acled_bad_rows.csv", folder / "acled_bad_rows.csv"))


def _rejected_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [row["_line"] for row in csv.DictReader(handle)]


def test_rejects_go_where_the_option_says(input_file: Path, tmp_path: Path, geocoder) -> None:
    chosen = tmp_path / "elsewhere.csv"
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}", upgrade=True) as store:
        report = import_file(input_file, "acled", store, geocoder=geocoder, rejects_to=chosen)
    assert report.rejects_path == chosen
    assert _rejected_lines(chosen) == ["4", "5", "6", "7", "8", "9", "10", "11"]
    assert not import_files.rejects_path(input_file, "csv").exists()
    assert report.notes == []


def test_a_read_only_input_folder_sends_rejects_to_the_store_folder(
    input_file: Path, tmp_path: Path, geocoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = import_files.writable
    monkeypatch.setattr(
        import_files, "writable", lambda folder: folder != input_file.parent and real(folder)
    )
    store_folder = tmp_path / "store"
    store_folder.mkdir()
    with open_store(f"sqlite:///{store_folder / 'bw.sqlite'}", upgrade=True) as store:
        report = import_file(input_file, "acled", store, geocoder=geocoder)
        assert store.count_incidents() == 2  # the good rows still go in
    moved = store_folder / "acled_bad_rows.csv.rejects.csv"
    assert report.rejects_path == moved
    assert len(_rejected_lines(moved)) == 8
    assert f"{input_file.parent} is not writable: rejected rows go to {moved} instead" in (
        "\n".join(report.summary())
    )


def test_an_unwritable_rejects_option_stops_before_anything_is_written(
    input_file: Path, tmp_path: Path, geocoder
) -> None:
    with open_store(f"sqlite:///{tmp_path / 'store.sqlite'}", upgrade=True) as store:
        with pytest.raises(ImportFileError, match=r"--rejects .*missing/r.csv: cannot write in"):
            import_file(
                input_file, "acled", store, geocoder=geocoder, rejects_to=tmp_path / "missing/r.csv"
            )
        assert store.count_incidents() == 0
