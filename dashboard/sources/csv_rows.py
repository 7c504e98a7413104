"""CSV rows with the line each starts on: the one reader behind every user's CSV file.

``borderwatch geocode points.csv`` and ``borderwatch import`` name a bad row by
its line, and a quoted field may hold a line break, so a row's line is not its
index: the ``csv`` module's ``line_num`` after the previous row tells where a
row starts. Both readers take their rows from :func:`numbered_rows`, so they
number rows and skip blank lines the same way.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def numbered_rows(reader: Any, width: int) -> Iterator[tuple[int, list[str]]]:
    """``(line the row starts on, its cells)`` for each row of a ``csv.reader``, blanks left out.

    ``width`` is the header's column count: in a one-column file an empty cell
    is a value, elsewhere a line with nothing on it is not a row.
    """
    start = reader.line_num + 1
    for cells in reader:
        number, start = start, reader.line_num + 1
        if not cells or (width > 1 and len(cells) == 1 and not cells[0].strip()):
            continue
        yield number, cells
