"""``borderwatch import``, ``export`` and ``demo`` through click's test runner (SQLite).

Kept apart from test_cli.py so the data commands' fixtures (a store, copied
fixture files) stay in one place.
"""

import json
import shutil
from pathlib import Path

import pyogrio
import pytest
from click.testing import CliRunner

from dashboard.app import filters
from dashboard.cli import main
from dashboard.export import select_incidents
from dashboard.store import open_store

FIXTURES = Path(__file__).parent / "fixtures" / "imports"


@pytest.fixture
def url(tmp_path: Path) -> str:
    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    open_store(database, upgrade=True).close()
    return database


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def copy(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copy(FIXTURES / name, tmp_path / name))


def test_import_prints_a_summary_and_reimport_changes_nothing(url: str, tmp_path: Path) -> None:
    path = copy(tmp_path, "acled_sample.csv")
    code, out, err = run("import", str(path), "--format", "acled", "--url", url)
    assert code == 0, err
    assert (
        "acled_sample.csv (acled): 4 rows: 4 new, 0 updated, 0 unchanged, 0 deleted, 0 rejected"
        in out
    )
    assert "disagree with ours: 1 on the country, 1 on the province" in out
    assert "importing acled_sample.csv" in err  # the progress bar, on stderr
    code, out, _ = run("import", str(path), "--format", "acled", "--url", url)
    assert code == 0
    assert "4 rows: 0 new, 0 updated, 4 unchanged, 0 deleted, 0 rejected" in out


def test_rejected_rows_are_named_and_the_exit_status_is_1(url: str, tmp_path: Path) -> None:
    path = copy(tmp_path, "acled_bad_rows.csv")
    code, out, err = run("import", str(path), "--format", "acled", "--url", url)
    assert code == 1
    assert f"borderwatch: error: {path}: line 5: latitude: Input should be" in err
    assert "2 new, 0 updated, 0 unchanged, 0 deleted, 8 rejected" in out
    assert f"rejected rows, with the reason: {path}.rejects.csv" in out


def test_generic_csv_needs_its_mapping(url: str, tmp_path: Path) -> None:
    path = copy(tmp_path, "monitors_table.csv")
    code, _, err = run("import", str(path), "--format", "csv", "--url", url)
    assert code == 2
    assert "no column 'event_type', 'lat (or a place name column: place_name," in err
    maps = [
        "--map",
        "event_type=Type",
        "--map",
        "Y=lat",
        "--map",
        "lon=X",
        "--map",
        "source=Source",
    ]
    code, out, _ = run("import", str(path), "--format", "csv", "--url", url, *maps)
    assert code == 1  # one row has a bad latitude
    assert "2 new" in out
    code, _, err = run("import", str(path), "--format", "csv", "--url", url, "--map", "a=b")
    assert code == 2
    assert "neither 'a' nor 'b' is a field" in err


def test_import_creates_a_fresh_store_as_ingest_does(tmp_path: Path) -> None:
    path = copy(tmp_path, "acled_sample.csv")
    database = tmp_path / "new.sqlite"
    url = f"sqlite:///{database}"
    assert not database.exists()
    code, out, err = run("import", str(path), "--format", "acled", "--url", url)
    assert code == 0, err
    assert "4 rows: 4 new, 0 updated, 0 unchanged, 0 deleted, 0 rejected" in out
    with open_store(url) as opened:  # no upgrade needed: the import migrated it
        assert opened.count_incidents() == 4


def test_export_formats_and_filters(url: str, tmp_path: Path) -> None:
    for name, fmt in (("acled_sample.csv", "acled"), ("ucdp_ged_sample.csv", "ucdp")):
        run("import", str(copy(tmp_path, name)), "--format", fmt, "--url", url)
    out_csv = tmp_path / "out.csv"
    code, out, _ = run("export", "--out", str(out_csv), "--url", url)
    assert code == 0
    assert out.splitlines() == [
        f"wrote 0 incidents to {out_csv} (csv)",
        "  8 synthetic incidents left out (--include-synthetic to add them)",
    ]
    out_json = tmp_path / "out.geojson"
    code, out, _ = run(
        "export", "--out", str(out_json), "--url", url, "--include-synthetic",
        "--country", "AZ", "--from", "2021-01-01", "--to", "2021-12-31",
    )  # fmt: skip
    assert code == 0, out
    ids = {f["properties"]["id"] for f in json.loads(out_json.read_text())["features"]}
    # Both reach Kalbajar in 2021; the UCDP row known only to Azerbaijan is under its country.
    assert ids == {"acled:TST1", "ucdp:900001", "ucdp:900005"}
    out_gpkg = tmp_path / "out.gpkg"
    code, out, _ = run(
        "export", "--out", str(out_gpkg), "--url", url, "--include-synthetic",
        "--segment", "AM-SU_AZ-LAC", "--event-type", "Violence against civilians",
    )  # fmt: skip
    assert code == 0
    assert "wrote 1 incidents" in out
    assert {name for name, _ in pyogrio.list_layers(out_gpkg)} == {
        "incidents",
        "provinces",
        "border_segments",
    }
    code, _, err = run("export", "--out", str(tmp_path / "out.txt"), "--url", url)
    assert code == 2
    assert "give --format" in err


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--province", "AM-XX"], "--province AM-XX"),
        (["--province", "AM-SU", "--segment", "AM-SU_AZ-NOPE"], "--segment AM-SU_AZ-NOPE"),
        (["--country", "GE"], "--country GE"),
        (["--event-type", "Shelling"], "--event-type Shelling"),
    ],
)
def test_export_refuses_codes_the_border_does_not_know(url, tmp_path, args, named):
    """An unknown code would select nothing and exit 0: a typo read as "no incidents there"."""
    out = tmp_path / "out.csv"
    code, _, err = run("export", "--out", str(out), "--url", url, *args)
    assert code == 2
    assert err.startswith("borderwatch: error: unknown ") and named in err
    assert "--province AM-SU" not in err  # a known code is not called unknown
    assert not out.exists()


def test_demo_writes_synthetic_incidents_once_per_seed(url: str) -> None:
    code, out, _ = run("demo", "--synthetic", "25", "--seed", "7", "--url", url)
    assert code == 0
    assert out.strip() == "25 synthetic incidents written (0 already stored) with seed 7"
    code, out, _ = run("demo", "--synthetic", "25", "--seed", "7", "--url", url)
    assert "0 synthetic incidents written (25 already stored)" in out
    with open_store(url) as opened:
        assert opened.count_incidents() == 25
        assert opened.count_incidents(include_synthetic=False) == 0


def test_export_selects_what_the_same_dashboard_link_shows(url: str, tmp_path: Path) -> None:
    """Export options and link parameters build one filter (IncidentFilter.from_params)."""
    for name, fmt in (("acled_sample.csv", "acled"), ("ucdp_ged_sample.csv", "ucdp")):
        run("import", str(copy(tmp_path, name)), "--format", fmt, "--url", url)
    out = tmp_path / "out.geojson"
    code, _, _ = run(
        "export", "--out", str(out), "--url", url, "--include-synthetic",
        "--country", "AM", "--min-fatalities", "1", "--text", "  test  ",
    )  # fmt: skip
    assert code == 0
    exported = sorted(f["properties"]["id"] for f in json.loads(out.read_text())["features"])
    link = {"synthetic": ["1"], "country": ["AM"], "minfat": ["1"], "q": ["  test  "]}
    with open_store(url) as opened:
        table, mask = select_incidents(
            opened, filters.filter_from_state(filters.state_from_params(link), None)
        )
    assert exported == sorted(table.incidents.loc[mask, "id"])
    assert exported  # the filters leave something to compare


def test_rejects_option_names_the_file(url: str, tmp_path: Path) -> None:
    path = copy(tmp_path, "acled_bad_rows.csv")
    chosen = tmp_path / "fix-these.csv"
    code, out, _ = run(
        "import", str(path), "--format", "acled", "--url", url, "--rejects", str(chosen)
    )
    assert code == 1
    assert f"rejected rows, with the reason: {chosen}" in out
    assert chosen.is_file()
    assert not (tmp_path / "acled_bad_rows.csv.rejects.csv").exists()


def test_day_first_option_overrides_the_files_decision(url: str, tmp_path: Path) -> None:
    path = copy(tmp_path, "acled_resave_us.csv")
    code, out, err = run("import", str(path), "--format", "acled", "--url", url, "--day-first")
    assert code == 0, err
    assert "read as" not in out  # the user decided: nothing to report
    with open_store(url) as opened:
        assert str(opened.get_incident("acled:TSTU1").date_start) == "2020-08-05"


def test_a_newer_export_and_a_deletions_list_through_the_cli(url: str, tmp_path: Path) -> None:
    run("import", str(copy(tmp_path, "acled_sample.csv")), "--format", "acled", "--url", url)
    code, out, err = run(
        "import", str(copy(tmp_path, "acled_revised.csv")), "--format", "acled", "--url", url
    )
    assert code == 0, err
    assert "5 rows: 1 new, 1 updated, 2 unchanged, 0 deleted, 0 rejected" in out
    assert "1 older than the stored version: left as stored" in out
    path = copy(tmp_path, "acled_deletions.csv")
    code, out, err = run("import", str(path), "--format", "acled", "--url", url)
    assert code == 1  # one row has a bad deleted_timestamp
    assert (
        "acled_deletions.csv (acled deletions): 4 rows: 2 deleted, 1 not stored, 1 rejected" in out
    )
    assert f"{path}: line 5: deleted_timestamp: 'last week' is not epoch seconds" in err
