"""Dates as real files write them, read once per file: :class:`DateReader`.

Shapes read (a file may mix them; each value is read by its own shape):

==================  ==================================  ===========================
shape               examples                            who writes it
==================  ==================================  ===========================
ISO                 ``2020-05-08``,                     ACLED's API (JSON, CSV) and
                    ``2020-05-08 00:00:00.000``,        current exports; UCDP GED
                    ``2020-05-08T00:00:00``             (CSV, candidate, API)
day, month name     ``08 May 2020``, ``8-May-20``,      ACLED's Data Export Tool;
                    ``3 Sept 2019``                     older exports opened in Excel
month name, day     ``May 8, 2020``                     hand-made tables
numbers             ``5/8/2020``, ``08/05/2020``,       a spreadsheet's re-save;
                    ``08.05.2020``, ``2020/05/08``      a monitor's own CSV
Excel serial day    ``43959`` (1900 date system)        a re-save with dates as numbers
epoch seconds       ``1588896000`` (or milliseconds)    ACLED's ``timestamp``; logs
==================  ==================================  ===========================

A two-digit year is 1969-2068 (pandas' ``%y``). A value with a time keeps
its date (as written, no time zone shift); epoch values are UTC.

Day and month order of ``a/b/yyyy`` is decided **per file, from all its
values** (:meth:`DateReader.learn`, a pre-pass over the date columns before
the chunks are parsed), never per row: a day above 12 in first place makes
the file day-first, in second place month-first; with neither, a dotted date
(``08.05.2020``) or a zero-padded one (``08/05/2020``, as dd/mm/yyyy
spreadsheets write) is day-first and an unpadded one (``5/8/2020``, Excel's
US short date) month-first. A file holding both orders cannot be decided:
its ambiguous values are rejected unless ``--day-first``/``--month-first``
says. The decision is reported in the run's summary (:attr:`DateReader.note`).

The parser is pandas' ``to_datetime`` with an explicit format per shape,
run once over a file's distinct values (a few thousand even in a
million-row file). Why pandas: it is already a dependency, and an explicit
format reads a value one way only, so the file-wide order decided above is
the order used. dateparser (also well kept) guesses the order per value,
which is exactly what must not happen here, and is far slower per value.
A value no shape reads, or an impossible date (``2021-02-30``), is a row
error naming the value and why (the caller adds the line and column).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import pandas as pd

from dashboard.importers.records import RowError

_ISO = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)
_DAY_NAME = re.compile(r"(\d{1,2})[ -]([A-Za-z]+)\.?,?[ -](\d{4}|\d{2})")
_NAME_DAY = re.compile(r"([A-Za-z]+)\.? (\d{1,2}),? (\d{4})")
_NUMBERS = re.compile(r"(\d{1,2})([/.])(\d{1,2})\2(\d{4}|\d{2})")
_YEAR_FIRST = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_SERIAL = re.compile(r"(\d{5})(?:\.0+)?")
_EPOCH = re.compile(r"(\d{9,10}|\d{12,13})(?:\.\d+)?")

EXCEL_EPOCH = date(1899, 12, 30)  # Excel's 1900 date system, its 1900 leap-year bug included
SHAPES_READ = "2021-05-12, 12 May 2021, 8-May-20, 5/8/2020, an Excel serial day or epoch seconds"


def _normal_month(name: str) -> str:
    """A month name as ``%b``/``%B`` read it ("Sept" is September's other abbreviation)."""
    return "Sep" if name.lower() == "sept" else name


class DateReader:
    """Reads one file's dates: learn all its values first, then read each row's.

    ``day_first`` is the user's choice for ``a/b/yyyy`` values (``None``:
    decide from the file).
    """

    def __init__(self, day_first: bool | None = None) -> None:
        self.given = day_first
        self.day_first: bool | None = day_first
        self.note: str | None = None
        self._known: dict[str, date | str] = {}

    def learn(self, values: Iterable[str], columns: str = "the date column") -> None:
        """Decide the day/month order from all ``values`` and read each distinct one."""
        distinct = {v.strip() for v in values if v and v.strip()}
        if self.given is None:
            self.day_first, self.note = _decide_order(distinct, columns)
        self._known.update(_read_all(distinct - self._known.keys(), self.day_first))

    def read(self, text: str) -> date:
        """The date ``text`` stands for; :class:`RowError` saying why it has none."""
        value = text.strip()
        found = self._known.get(value)
        if found is None:  # not learnt (a unit test, a source date): read it alone
            found = _read_all({value}, self.day_first)[value]
            if len(self._known) < 100_000:
                self._known[value] = found
        if isinstance(found, str):
            raise RowError(found)
        return found


def _decide_order(values: set[str], columns: str) -> tuple[bool | None, str | None]:
    """The file's day/month order for ``a/b/yyyy`` values, and the note saying why."""
    numbers = [m for v in values if (m := _NUMBERS.fullmatch(v))]
    if not numbers:
        return None, None
    first_big = next((m[0] for m in numbers if int(m[1]) > 12), None)
    second_big = next((m[0] for m in numbers if int(m[3]) > 12), None)
    if first_big and second_big:
        return None, (
            f"dates in {columns} are written in both orders ({first_big} and {second_big}): "
            f"values with both numbers up to 12 are rejected; say --day-first or --month-first"
        )
    if first_big or second_big:
        day_first, why = bool(first_big), f"{first_big or second_big} has a day above 12"
    elif any(m[2] == "." for m in numbers):
        day_first, why = True, "dotted dates are day.month.year"
    elif all(len(m[1]) == 2 and len(m[3]) == 2 for m in numbers):
        day_first, why = True, "no day above 12; zero-padded as dd/mm/yyyy spreadsheets write"
    else:
        day_first, why = False, "no day above 12; unpadded as a US spreadsheet's m/d/yyyy"
    order = "day/month/year" if day_first else "month/day/year"
    other = "--month-first" if day_first else "--day-first"
    return day_first, f"dates in {columns} read as {order} ({why}); {other} reads them otherwise"


def _read_all(values: set[str], day_first: bool | None) -> dict[str, date | str]:
    """Each value's date, or the message saying why it has none."""
    found: dict[str, date | str] = {}
    by_format: dict[str, dict[str, str]] = {}  # format -> {value: text to parse}
    for value in values:
        shaped = _shape(value, day_first)
        if isinstance(shaped, str | date):
            found[value] = shaped
        else:
            for fmt, text in shaped:
                by_format.setdefault(fmt, {})[value] = text
    for fmt, texts in by_format.items():
        pending = [v for v in texts if not isinstance(found.get(v), date)]
        parsed = pd.to_datetime(
            pd.Series([texts[v] for v in pending], dtype=object), format=fmt, errors="coerce"
        )
        for value, stamp in zip(pending, parsed, strict=True):
            if not pd.isna(stamp):
                found[value] = stamp.date()
            elif value not in found:
                found[value] = _why_not(texts[value], fmt, value)
    return found


def _shape(value: str, day_first: bool | None) -> date | str | list[tuple[str, str]]:
    """A value's date (numbers), its (format, text) candidates, or why it has no shape."""
    if match := _ISO.fullmatch(value):
        return [("%Y-%m-%d", f"{match[1]}-{match[2]}-{match[3]}")]
    if match := _DAY_NAME.fullmatch(value):
        text = f"{match[1]} {_normal_month(match[2])} {match[3]}"
        year = "%Y" if len(match[3]) == 4 else "%y"
        return [(f"%d %b {year}", text), (f"%d %B {year}", text)]
    if match := _NAME_DAY.fullmatch(value):
        text = f"{_normal_month(match[1])} {match[2]} {match[3]}"
        return [("%b %d %Y", text), ("%B %d %Y", text)]
    if _YEAR_FIRST.fullmatch(value):
        return [("%Y/%m/%d", value)]
    if match := _NUMBERS.fullmatch(value):
        return _numbers(match, day_first)
    return _count_of_time(value)


def _count_of_time(value: str) -> date | str:
    """An Excel serial day or epoch seconds (milliseconds); else why the value has no shape."""
    if match := _SERIAL.fullmatch(value):
        return EXCEL_EPOCH + timedelta(days=int(match[1]))
    if match := _EPOCH.fullmatch(value):
        seconds = int(match[1]) / (1000 if len(match[1]) > 10 else 1)
        return datetime.fromtimestamp(seconds, UTC).date()
    return f"{value!r} is not a date like {SHAPES_READ}"


def _numbers(match: re.Match[str], day_first: bool | None) -> str | list[tuple[str, str]]:
    """``a/b/yyyy`` in the file's order; undecided, only a value with one possible order."""
    first, second = int(match[1]), int(match[3])
    year = "%Y" if len(match[4]) == 4 else "%y"
    text = f"{match[1]}/{match[3]}/{match[4]}"
    if day_first is None:
        if first > 12 >= second:
            day_first = True
        elif second > 12 >= first:
            day_first = False
        elif first <= 12 and second <= 12 and first != second:
            return (
                f"{match[0]!r} could be day/month or month/day and the file does not "
                f"say which (--day-first or --month-first)"
            )
        else:
            day_first = True  # the same number twice, or neither can be a month
    return [((f"%d/%m/{year}" if day_first else f"%m/%d/{year}"), text)]


def _why_not(text: str, fmt: str, value: str) -> str:
    """Why ``text`` (from ``value``) did not parse under ``fmt``: Python's own reason."""
    try:
        datetime.strptime(text, fmt)  # a date: no time zone involved
    except ValueError as exc:
        reason = str(exc)
        if "does not match format" not in reason:
            return f"{value!r} is not a real date ({reason})"
        if "%b" in fmt or "%B" in fmt:  # the shape held, so the month's name is unknown
            return f"{value!r} is not a date like {SHAPES_READ}"
        return f"{value!r} is not a real date (no such month or day)"
    return f"{value!r} is not a real date"


_DEFAULT = DateReader()


def parse_date(text: str) -> date:
    """One date read alone (metadata such as a source's date); see :class:`DateReader`."""
    return _DEFAULT.read(str(text))
