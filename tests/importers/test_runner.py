"""Whole imports into the store: every format's fixture, bad rows, re-import, chunks.

Tests taking ``store`` run on SQLite and PostgreSQL. Fixture files are copied
to a temporary folder, because rejects are written beside the input.
"""

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest
from store_builders import content_tables

from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border
from dashboard.importers import ImportFileError, import_file, parse_mapping
from dashboard.importers.chunks import gc_paused
from dashboard.importers.tabular import FIELDS
from dashboard.models import DatePrecision, LocationPrecision
from dashboard.store import Store, schema

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"
MONITORS_MAP = {
    "date": "Date",
    "event_type": "Type",
    "lat": "Y",
    "lon": "X",
    "summary": "What happened",
    "fatalities": "Killed",
    "source": "Source",
    "place_name": "Village",
}


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder(load_border("am-az"))


def fixture(tmp_path: Path, name: str) -> Path:
    return Path(shutil.copy(FIXTURES / name, tmp_path / name))


def table_counts(store: Store) -> dict[str, int]:
    from sqlalchemy import func, select  # noqa: PLC0415

    with store.engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in content_tables()
        }


def test_acled_fixture_imports_whole(store: Store, geocoder, tmp_path: Path) -> None:
    report = import_file(fixture(tmp_path, "acled_sample.csv"), "acled", store, geocoder=geocoder)
    assert (report.rows, report.imported, report.rejected, report.sources_created) == (4, 4, 0, 1)
    assert report.rejects_path is None
    assert (report.country_disagreements, report.admin_disagreements) == (1, 1)
    sotk = store.get_incident("acled:TST1")
    assert [p.code for p in sotk.provinces] == ["AM-GR", "AZ-KAL"]
    assert [s.id for s in sotk.segments] == ["AM-GR_AZ-KAL"]
    assert sotk.distance_km == pytest.approx(2.56, abs=0.01)
    assert store.is_synthetic("acled:TST1") is True
    week = store.get_incident("acled:TST2")
    assert (week.date_start, week.date_end, week.date_precision) == (
        date(2022, 9, 11),
        date(2022, 9, 17),
        DatePrecision.WEEK,
    )
    place = store.get_imported_place("acled:TST4")
    assert (place.admin1, place.country_agrees, place.admin_agrees) == ("Tavush", False, False)
    # Every incident cites the one shared "synthetic" source.
    assert store.count_sources() == 1
    assert table_counts(store)["citations"] == 4


def test_older_acled_layout(store: Store, geocoder, tmp_path: Path) -> None:
    report = import_file(
        fixture(tmp_path, "acled_old_layout.csv"), "acled", store, geocoder=geocoder
    )
    assert (report.imported, report.rejected) == (2, 0)
    assert store.get_incident("acled:TSTOLD1").date_start == date(2021, 5, 12)
    assert store.get_incident("acled:TSTOLD2").location_precision is LocationPrecision.NEAR_PLACE


def test_bad_rows_are_reported_written_to_rejects_and_skipped(
    store: Store, geocoder, tmp_path: Path
) -> None:
    path = fixture(tmp_path, "acled_bad_rows.csv")
    report = import_file(path, "acled", store, geocoder=geocoder)
    assert (report.rows, report.imported, report.rejected) == (10, 2, 8)
    assert store.count_incidents() == 2
    assert store.get_incident("acled:TSTB1").summary == (
        "Test row: good, with a line break\nin its notes."
    )
    lines = [p.split(": ", 2)[1] for p in report.problems]
    # TSTB1 spans lines 2-3, so the first bad row starts on line 4.
    assert lines == [f"line {n}" for n in (4, 5, 6, 7, 8, 9, 10, 11)]
    assert report.problems[0] == (
        f"{path}: line 4: event_date: '2021-02-30' is not a real date "
        f"(day is out of range for month)"
    )
    assert report.rejects_path == tmp_path / "acled_bad_rows.csv.rejects.csv"
    with report.rejects_path.open(encoding="utf-8") as handle:
        rejected = list(csv.DictReader(handle))
    assert [r["_line"] for r in rejected] == ["4", "5", "6", "7", "8", "9", "10", "11"]
    assert rejected[1]["_reason"].startswith("latitude: Input should be less than or equal to 90")
    assert rejected[1]["latitude"] == "91"  # the original row, as read
    assert rejected[6]["_reason"] == "has 4 fields but the header has 31"


def test_reimporting_changes_nothing(store: Store, geocoder, tmp_path: Path) -> None:
    path = fixture(tmp_path, "acled_sample.csv")
    import_file(path, "acled", store, geocoder=geocoder)
    before = table_counts(store)
    tst1 = store.get_incident("acled:TST1")
    again = import_file(path, "acled", store, geocoder=geocoder, chunk_rows=3)
    assert (again.imported, again.unchanged, again.sources_created) == (0, 4, 0)
    assert table_counts(store) == before
    assert store.get_incident("acled:TST1") == tst1


def test_chunks_commit_separately_and_a_rerun_finishes(
    store: Store, geocoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = fixture(tmp_path, "acled_sample.csv")
    calls = []
    real = Store.save_incidents_bulk

    def fail_second(self, *args, **kwargs):
        calls.append(len(args[1]))
        if len(calls) == 2:
            raise RuntimeError("simulated failure in the second chunk")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Store, "save_incidents_bulk", fail_second)
    with pytest.raises(RuntimeError):
        import_file(path, "acled", store, geocoder=geocoder, chunk_rows=2)
    monkeypatch.undo()
    assert store.count_incidents() == 2  # the first chunk, whole
    report = import_file(path, "acled", store, geocoder=geocoder, chunk_rows=2)
    assert (report.imported, report.unchanged) == (2, 2)


def test_ucdp_fixture(store: Store, geocoder, tmp_path: Path) -> None:
    report = import_file(fixture(tmp_path, "ucdp_ged_sample.csv"), "ucdp", store, geocoder=geocoder)
    assert (report.rows, report.imported, report.rejected, report.widened) == (5, 4, 1, 1)
    assert "line 5: where_prec: 7" in report.problems[0]
    along = store.get_incident("ucdp:900002")
    assert along.location_precision is LocationPrecision.BORDER_SEGMENT
    assert [c.claim for c in along.citations] == ["Test claimant A", "Test claimant B"]
    far = store.get_incident("ucdp:900003")
    assert far.location_precision is LocationPrecision.PROVINCE  # widened: 55 km from the line
    assert store.get_incident("ucdp:900005").provinces == ()
    assert store.count_incidents(include_synthetic=False) == 0


def test_generic_csv_with_a_mapping(store: Store, geocoder, tmp_path: Path) -> None:
    path = fixture(tmp_path, "monitors_table.csv")
    report = import_file(path, "csv", store, mapping=MONITORS_MAP, geocoder=geocoder)
    assert (report.imported, report.rejected) == (2, 1)
    assert report.problems[0].endswith("line 4: Y: Input should be a valid number, unable to "
                                       "parse string as a number (got 'not a number')")  # fmt: skip
    by_summary = {store.get_incident(i).summary: store.get_incident(i) for i in _ids(store)}
    drone = by_summary["Test row: invented drone strike."]
    assert drone.date_start == date(2024, 3, 1)
    assert drone.fatalities is None
    assert drone.place_name == "Test village 2"


def test_geojson_points(store: Store, geocoder, tmp_path: Path) -> None:
    report = import_file(fixture(tmp_path, "points.geojson"), "geojson", store, geocoder=geocoder)
    assert (report.imported, report.rejected) == (2, 1)
    assert report.problems[0].endswith(
        "feature 3: geometry is a LineString; only points are imported"
    )
    gj = store.get_incident("geojson:gj-1")
    assert gj.actors == ("Test Actor A", "Test Actor B")
    assert gj.location_precision is LocationPrecision.POINT
    assert (tmp_path / "points.geojson.rejects.geojson").is_file()


def test_missing_columns_fail_before_anything_is_written(store: Store, geocoder, tmp_path) -> None:
    path = fixture(tmp_path, "monitors_table.csv")
    with pytest.raises(
        ImportFileError,
        match=r"no column 'event_type', 'lat \(or a place name column: place_name, admin2, admin1, "
        r"country\)', 'lon \(or a place name column: .*\)' for csv \(columns: Date, Killed",
    ):
        import_file(path, "csv", store, geocoder=geocoder)
    assert store.count_incidents() == 0


def test_progress_reaches_the_end_of_the_file(store: Store, geocoder, tmp_path: Path) -> None:
    path = fixture(tmp_path, "acled_sample.csv")
    seen = []
    import_file(path, "acled", store, geocoder=geocoder, chunk_rows=1,
                progress=lambda done, size: seen.append((done, size)))  # fmt: skip
    assert len(seen) == 4
    assert seen[-1] == (path.stat().st_size, path.stat().st_size)


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        (["date=Date", "lat=Y"], {"date": "Date", "lat": "Y"}),
        (["Date=date", "Y = lat"], {"date": "Date", "lat": "Y"}),
        (["lat=lon"], {"lat": "lon"}),
    ],
)
def test_mapping_reads_either_order(pairs: list[str], expected: dict) -> None:
    assert parse_mapping(pairs, FIELDS) == expected


@pytest.mark.parametrize(("pair", "reason"), [("date", "write FIELD=COLUMN"), ("a=b", "neither")])
def test_bad_mappings(pair: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_mapping([pair], FIELDS)


def test_gc_pause_restores_the_collector() -> None:
    import gc  # noqa: PLC0415

    with gc_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def _ids(store: Store) -> list[str]:
    from sqlalchemy import select  # noqa: PLC0415

    with store.engine.connect() as conn:
        return list(conn.execute(select(schema.incidents.c.id)).scalars())
