"""Read points to geocode from a CSV file, keeping each row's line number and raw text.

``borderwatch geocode points.csv`` answers every good row and names every bad
one by its line, so rows are read with the csv module (which knows where each
row starts, even with quoted newlines) rather than a frame reader that would
shift a ragged row's columns or drop its line number.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from dashboard.sources.csv_rows import numbered_rows


class PointFileError(ValueError):
    """The file as a whole cannot be read; the message names it."""


@dataclass
class PointRows:
    """Coordinates (NaN where not a number), the text as written, and each row's line."""

    lat: np.ndarray
    lon: np.ndarray
    raw: list[tuple[str, str]]
    lines: list[int]
    problems: dict[int, str] = field(default_factory=dict)


def read_points(path: Path, lat_col: str = "lat", lon_col: str = "lon") -> PointRows:
    """Rows of ``path``; a row with the wrong number of fields is a problem, not a shift."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise PointFileError(f"{path}: empty file, expected a header with columns")
            columns = _columns(path, header, lat_col, lon_col)
            return _rows(reader, len(header), columns)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PointFileError(f"{path}: cannot read as CSV: {exc}") from exc


def _columns(path: Path, header: list[str], lat_col: str, lon_col: str) -> tuple[int, int]:
    names = [h.strip() for h in header]
    missing = [c for c in (lat_col, lon_col) if c not in names]
    if missing:
        raise PointFileError(
            f"{path}: no column {', '.join(map(repr, missing))} "
            f"(columns: {', '.join(map(repr, names))}; use --lat-col/--lon-col)"
        )
    return names.index(lat_col), names.index(lon_col)


def _rows(reader: Any, width: int, columns: tuple[int, int]) -> PointRows:
    lats, lons, raw, lines, problems = [], [], [], [], {}
    for start, row in numbered_rows(reader, width):
        index = len(lines)
        lines.append(start)
        if len(row) != width:
            problems[index] = f"expected {width} fields, found {len(row)}"
            lats.append(math.nan)
            lons.append(math.nan)
            raw.append(("", ""))
            continue
        text = (row[columns[0]].strip(), row[columns[1]].strip())
        raw.append(text)
        lats.append(_number(text[0]))
        lons.append(_number(text[1]))
    return PointRows(np.array(lats, float), np.array(lons, float), raw, lines, problems)


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan
