"""Reading import files row by row with their line numbers, and writing rejects beside them."""

import csv
import json
from pathlib import Path

import pytest

from dashboard.importers.files import (
    RawRow,
    Rejects,
    normalise_rename,
    open_table,
    rejects_path,
)
from dashboard.importers.records import ImportFileError


def rows(path: Path, kind: str = "csv", rename: dict | None = None) -> list[RawRow]:
    table = open_table(path, kind, rename or {})
    try:
        return list(table)
    finally:
        table.close()


def test_line_numbers_count_the_lines_a_quoted_field_spans(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,"two\nlines"\n\n3,x\n4\n', encoding="utf-8")
    found = rows(path)
    assert [(r.number, r.values, r.problem) for r in found] == [
        (2, {"a": "1", "b": "two\nlines"}, None),
        (5, {"a": "3", "b": "x"}, None),  # the blank line 4 is not a row
        (6, {"a": "4"}, "has 1 fields but the header has 2"),
    ]


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_the_delimiter_is_the_one_that_splits_the_header(tmp_path: Path, delimiter: str) -> None:
    path = tmp_path / "t.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerows([["Date", "Notes", "Killed"], ["2024-01-01", "a, b; c\td", "0"]])
    assert rows(path)[0].values == {"date": "2024-01-01", "notes": "a, b; c\td", "killed": "0"}


def test_bom_and_case_and_mapping(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("\ufeffY,lat,X\n40.1,99,45.2\n", encoding="utf-8")
    table = open_table(path, "csv", normalise_rename({"lat": "Y", "lon": "X"}))
    # The mapped column wins over a column already called "lat".
    assert next(iter(table)).values == {"lat": "40.1", "lon": "45.2"}
    assert table.columns == {"lat", "lon"}
    assert table.spelling["y"] == "Y"
    table.close()


def test_unreadable_files_are_file_errors(tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("a,b\n1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(ImportFileError, match=r"latin1.csv: line 2: not UTF-8 text"):
        rows(latin1)
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(ImportFileError, match="empty file"):
        rows(empty)
    with pytest.raises(ImportFileError, match="cannot read"):
        rows(tmp_path / "missing.csv")
    not_geojson = tmp_path / "x.geojson"
    not_geojson.write_text('{"type": "Feature"}')
    with pytest.raises(ImportFileError, match="not a GeoJSON FeatureCollection"):
        rows(not_geojson, "geojson")


def test_geojson_points_give_lat_and_lon(tmp_path: Path) -> None:
    path = tmp_path / "p.geojson"
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [45.1, 40.2]},
         "properties": {"Date": "2024-01-01", "lat": 1}},
        {"type": "Feature", "geometry": None, "properties": {"lat": 40.3, "lon": 45.3}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []}, "properties": {}},
        "not a feature",
    ]  # fmt: skip
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    found = rows(path, "geojson")
    assert found[0].values == {"date": "2024-01-01", "lat": 40.2, "lon": 45.1}
    assert found[1].values == {"lat": 40.3, "lon": 45.3}
    assert found[2].problem == "geometry is a Polygon; only points are imported"
    assert found[3].problem == "not a GeoJSON Feature"
    assert [r.number for r in found] == [1, 2, 3, 4]


def test_csv_rejects_keep_the_row_as_read_and_replace_an_old_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,2\n3,4\n", encoding="utf-8")
    stale = rejects_path(path, "csv")
    stale.write_text("from an earlier run")
    table = open_table(path, "csv", {})
    rejects = Rejects(table, "csv")
    assert not stale.exists()
    second = list(table)[1]
    rejects.add(second, "b: bad, really")
    assert rejects.close() == stale
    assert stale.read_text().splitlines() == ["_line,_reason,a,b", '3,"b: bad, really",3,4']
    table.close()


def test_no_rejects_no_file(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("a\n1\n", encoding="utf-8")
    table = open_table(path, "csv", {})
    assert Rejects(table, "csv").close() is None
    assert not rejects_path(path, "csv").exists()
    table.close()


def test_geojson_rejects_are_features_with_the_reason(tmp_path: Path) -> None:
    path = tmp_path / "p.geojson"
    feature = {"type": "Feature", "geometry": None, "properties": {"a": 1}}
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    table = open_table(path, "geojson", {})
    rejects = Rejects(table, "geojson")
    rejects.add(next(iter(table)), "no point")
    written = json.loads(rejects.close().read_text())
    assert written["features"][0]["properties"] == {"a": 1, "_feature": 1, "_reason": "no point"}
