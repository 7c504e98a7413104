"""Tests for dashboard.sources.csv_rows: a row's number is the line it starts on."""

from __future__ import annotations

import csv
import io

from dashboard.sources.csv_rows import numbered_rows


def _rows(text: str, width: int) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)  # the header, line 1
    return list(numbered_rows(reader, width))


def test_a_quoted_line_break_does_not_shift_the_next_rows_line():
    text = 'a,b\n1,"two\nlines"\n3,4\n'
    assert _rows(text, 2) == [(2, ["1", "two\nlines"]), (4, ["3", "4"])]


def test_blank_lines_are_not_rows_but_keep_the_count():
    assert _rows("a,b\n\n1,2\n   \n3,4\n", 2) == [(3, ["1", "2"]), (5, ["3", "4"])]


def test_in_a_one_column_file_a_blank_cell_is_a_value():
    assert _rows("a\n \nx\n", 1) == [(2, [" "]), (3, ["x"])]
