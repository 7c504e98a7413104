"""Every export shape real files come in, imported whole: ACLED, UCDP GED, a monitor's CSV.

Fixtures (tests/fixtures/imports/) use each shape's real column layout with
invented rows: every one cites the ``synthetic`` publisher and says "Test row
(synthetic)". Imports go into a SQLite store (the backends are covered by
test_runner.py).
"""

import shutil
from datetime import date
from pathlib import Path

import pytest

from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border
from dashboard.importers import import_file
from dashboard.models import DatePrecision
from dashboard.store import Store, open_store

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"
MAY_8, MAY_13 = date(2020, 5, 8), date(2020, 5, 13)


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder(load_border("am-az"))


@pytest.fixture
def sqlite_store(tmp_path: Path):
    with open_store(f"sqlite:///{tmp_path / 'shapes.sqlite'}", upgrade=True) as opened:
        yield opened


def _import(name: str, fmt: str, store: Store, geocoder: Geocoder, tmp_path: Path, **options):
    path = Path(shutil.copy(FIXTURES / name, tmp_path / name))
    return import_file(path, fmt, store, geocoder=geocoder, **options)


def _starts(store: Store, ids: list[str]) -> list[date]:
    return [store.get_incident(i).date_start for i in ids]


@pytest.mark.parametrize(
    ("name", "prefix", "expected"),
    [
        ("acled_export_tool.csv", "TSTX", [MAY_8, MAY_13]),  # 08 May 2020
        ("acled_api.csv", "TSTA", [MAY_8, MAY_13]),  # 2020-05-08
        ("acled_api.json", "TSTJ", [MAY_8, MAY_13]),  # {"data": [...]}
        ("acled_excel_dmy_short.csv", "TSTE", [MAY_8, MAY_13]),  # 8-May-20
        ("acled_excel_serial.csv", "TSTS", [MAY_8, MAY_13]),  # 43959
    ],
)
def test_acled_shapes(
    name: str, prefix: str, expected: list[date], sqlite_store: Store, geocoder, tmp_path: Path
) -> None:
    report = _import(name, "acled", sqlite_store, geocoder, tmp_path)
    assert (report.imported, report.rejected) == (len(expected), 0), report.problems
    ids = [f"acled:{prefix}{n}" for n in range(1, len(expected) + 1)]
    assert _starts(sqlite_store, ids) == expected
    assert report.notes == []  # no a/b/yyyy dates: nothing to decide


def test_a_us_resave_reads_month_first_and_says_so(
    sqlite_store: Store, geocoder, tmp_path: Path
) -> None:
    report = _import("acled_resave_us.csv", "acled", sqlite_store, geocoder, tmp_path)
    assert report.imported == 2
    assert _starts(sqlite_store, ["acled:TSTU1", "acled:TSTU2"]) == [MAY_8, date(2020, 5, 9)]
    assert (
        "  dates in event_date read as month/day/year (no day above 12; unpadded as a US "
        "spreadsheet's m/d/yyyy); --day-first reads them otherwise"
    ) in report.summary()


def test_a_uk_resave_is_decided_by_one_row_for_all(
    sqlite_store: Store, geocoder, tmp_path: Path
) -> None:
    # 13/05/2020 on the last line makes 05/08/2020 on the line before it the 5th of August.
    report = _import("acled_resave_uk.csv", "acled", sqlite_store, geocoder, tmp_path)
    assert report.imported == 3
    ids = ["acled:TSTK1", "acled:TSTK2", "acled:TSTK3"]
    assert _starts(sqlite_store, ids) == [MAY_8, date(2020, 8, 5), MAY_13]
    assert any("day/month/year (13/05/2020 has a day above 12)" in n for n in report.notes)


def test_the_order_is_the_same_in_every_chunk(
    sqlite_store: Store, geocoder, tmp_path: Path
) -> None:
    # One row per chunk: the decision comes from the pre-pass, not from the chunk.
    _import("acled_resave_uk.csv", "acled", sqlite_store, geocoder, tmp_path, chunk_rows=1)
    assert sqlite_store.get_incident("acled:TSTK1").date_start == MAY_8


def test_month_first_when_the_user_says_so(sqlite_store: Store, geocoder, tmp_path: Path) -> None:
    report = _import("acled_resave_uk.csv", "acled", sqlite_store, geocoder, tmp_path,
                     day_first=False)  # fmt: skip
    assert (report.imported, report.rejected) == (2, 1)
    assert report.problems[0].endswith(
        "line 4: event_date: '13/05/2020' is not a real date (no such month or day)"
    )


@pytest.mark.parametrize(
    ("name", "first_id", "windows"),
    [
        (
            "ucdp_ged_yearly.csv",
            910001,
            [(MAY_8, MAY_8, DatePrecision.DAY), (date(2020, 5, 1), date(2020, 5, 31),
                                                  DatePrecision.MONTH)],
        ),
        (
            "ucdp_candidate.csv",
            920001,
            [(date(2024, 3, 4), date(2024, 3, 10), DatePrecision.WEEK)],
        ),
        ("ucdp_api.json", 930001, [(MAY_8, date(2020, 5, 9), DatePrecision.DAYS)]),
    ],
)  # fmt: skip
def test_ucdp_shapes(
    name: str, first_id: int, windows: list, sqlite_store: Store, geocoder, tmp_path: Path
) -> None:
    report = _import(name, "ucdp", sqlite_store, geocoder, tmp_path)
    assert (report.imported, report.rejected) == (len(windows), 0), report.problems
    for n, window in enumerate(windows):
        incident = sqlite_store.get_incident(f"ucdp:{first_id + n}")
        assert (incident.date_start, incident.date_end, incident.date_precision) == window


def test_a_monitors_csv_with_dotted_and_epoch_dates(
    sqlite_store: Store, geocoder, tmp_path: Path
) -> None:
    report = _import("monitor_dates.csv", "csv", sqlite_store, geocoder, tmp_path)
    assert (report.imported, report.rejected) == (2, 1)
    assert _starts(sqlite_store, ["csv:m1", "csv:m2"]) == [MAY_8, MAY_8]
    path = tmp_path / "monitor_dates.csv"
    assert report.problems == [
        f"{path}: line 4: date: '31.02.2020' is not a real date (day is out of range for month)"
    ]
    assert report.rejects_path == tmp_path / "monitor_dates.csv.rejects.csv"


def test_json_rejects_are_json_records(sqlite_store: Store, geocoder, tmp_path: Path) -> None:
    import json  # noqa: PLC0415

    data = json.loads((FIXTURES / "acled_api.json").read_text())
    data["data"][1]["event_date"] = "2020-13-40"
    path = tmp_path / "api.json"
    path.write_text(json.dumps(data))
    report = import_file(path, "acled", sqlite_store, geocoder=geocoder)
    assert (report.imported, report.rejected) == (1, 1)
    assert report.problems == [f"{path}: record 2: event_date: '2020-13-40' is not a real date "
                               f"(no such month or day)"]  # fmt: skip
    rejected = json.loads(report.rejects_path.read_text())
    assert [(r["_record"], r["event_id_cnty"]) for r in rejected] == [(2, "TSTJ2")]
