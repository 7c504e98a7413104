"""Reading points to geocode from CSV files written for these tests."""

from pathlib import Path

import numpy as np
import pytest

from dashboard.geo.points import PointFileError, read_points


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "points.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_keep_their_line_numbers_and_raw_text(tmp_path):
    rows = read_points(write(tmp_path, 'lat,lon\n40.3,45.4\n\n"41.7",abc\n'))
    assert rows.lines == [2, 4]
    assert rows.raw == [("40.3", "45.4"), ("41.7", "abc")]
    assert rows.lat[0] == 40.3
    assert np.isnan(rows.lon[1])
    assert rows.problems == {}


def test_a_ragged_row_is_a_problem_not_a_shift(tmp_path):
    rows = read_points(write(tmp_path, "lat,lon\n45,5,NaN\n40.0,45.0\n"))
    assert rows.problems == {0: "expected 2 fields, found 3"}
    assert (rows.lat[1], rows.lon[1]) == (40.0, 45.0)


def test_quoted_newline_keeps_later_line_numbers(tmp_path):
    rows = read_points(write(tmp_path, 'name,lat,lon\n"two\nlines",40,45\nx,41,46\n'), "lat", "lon")
    assert rows.lines == [2, 4]


def test_bom_and_other_column_names(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_bytes("\ufeffY,X\n40,45\n".encode())
    rows = read_points(path, "Y", "X")
    assert (rows.lat[0], rows.lon[0]) == (40.0, 45.0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"latitude,longitude\n1,2\n", "no column 'lat', 'lon'"),
        (b"lat,lon\n\xff\xfe\x00bad", "cannot read as CSV"),
    ],
)
def test_unreadable_files_name_the_file(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(PointFileError, match=message) as raised:
        read_points(path)
    assert str(path) in str(raised.value)
