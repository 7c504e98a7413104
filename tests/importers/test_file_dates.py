"""Dates as real files write them, and the day/month order decided per file."""

from datetime import date

import pytest

from dashboard.importers.dates import DateReader
from dashboard.importers.records import RowError

MAY_8 = date(2020, 5, 8)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2020-05-08", MAY_8),  # ACLED's API, current exports, UCDP candidate
        ("2020-05-08 00:00:00.000", MAY_8),  # UCDP GED yearly CSV
        ("2020-05-08T00:00:00", MAY_8),  # UCDP's API
        ("2020-05-08T23:30:00+04:00", MAY_8),  # the date as written, no zone shift
        ("08 May 2020", MAY_8),  # ACLED's Data Export Tool
        ("8 May 2020", MAY_8),
        ("8-May-20", MAY_8),  # an older export opened in Excel
        ("08-May-2020", MAY_8),
        ("8 September 2019", date(2019, 9, 8)),
        ("3 Sept 2019", date(2019, 9, 3)),
        ("May 8, 2020", MAY_8),
        ("2020/05/08", MAY_8),
        ("13/05/2020", date(2020, 5, 13)),  # only one order is possible
        ("5/13/2020", date(2020, 5, 13)),
        ("8/8/2020", date(2020, 8, 8)),  # both orders agree
        ("43959", MAY_8),  # Excel serial day
        ("43959.0", MAY_8),
        ("1588896000", MAY_8),  # epoch seconds (UTC)
        ("1588896000000", MAY_8),  # epoch milliseconds
    ],
)
def test_every_shape_reads_alone(text: str, expected: date) -> None:
    assert DateReader().read(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2021-02-30", "'2021-02-30' is not a real date (day is out of range for month)"),
        ("30-Feb-21", "'30-Feb-21' is not a real date"),
        ("2021/13/01", "'2021/13/01' is not a real date (no such month or day)"),
        ("12 Mai 2021", "'12 Mai 2021' is not a date like 2021-05-12, 12 May 2021, 8-May-20"),
        ("yesterday", "'yesterday' is not a date like"),
        ("05/08/2020", "'05/08/2020' could be day/month or month/day and the file does not say"),
        ("", "'' is not a date like"),
    ],
)
def test_unreadable_dates_say_why(text: str, message: str) -> None:
    with pytest.raises(RowError, match=message.replace("(", r"\(").replace(")", r"\)")):
        DateReader().read(text)


@pytest.mark.parametrize(
    ("values", "day_first", "note"),
    [
        (["05/08/2020", "13/05/2020"], True, "day/month/year (13/05/2020 has a day above 12)"),
        (["05/08/2020", "05/13/2020"], False, "month/day/year (05/13/2020 has a day above 12)"),
        (["05/08/2020", "06/08/2020"], True, "day/month/year (no day above 12; zero-padded"),
        (["5/8/2020", "06/08/2020"], False, "month/day/year (no day above 12; unpadded"),
        (["05.08.2020"], True, "day/month/year (dotted dates are day.month.year)"),
    ],
)
def test_the_order_is_decided_from_all_the_files_dates(
    values: list[str], day_first: bool, note: str
) -> None:
    reader = DateReader()
    reader.learn([*values, "2020-05-01", ""], "event_date")
    assert reader.day_first is day_first
    assert reader.note.startswith(f"dates in event_date read as {note}")
    expected = date(2020, 8, 5) if day_first else MAY_8
    assert reader.read(values[0]) == expected


def test_a_file_in_both_orders_rejects_only_its_ambiguous_dates() -> None:
    reader = DateReader()
    reader.learn(["13/05/2020", "05/13/2020", "05/08/2020"], "Date")
    assert "written in both orders (13/05/2020 and 05/13/2020)" in reader.note
    assert reader.read("13/05/2020") == date(2020, 5, 13)
    assert reader.read("05/13/2020") == date(2020, 5, 13)
    with pytest.raises(RowError, match="could be day/month or month/day"):
        reader.read("05/08/2020")


def test_the_users_order_wins_and_makes_impossible_dates_errors() -> None:
    reader = DateReader(day_first=False)
    reader.learn(["05/08/2020", "13/05/2020"])
    assert reader.note is None  # nothing decided, nothing to report
    assert reader.read("05/08/2020") == MAY_8
    with pytest.raises(RowError, match="'13/05/2020' is not a real date"):
        reader.read("13/05/2020")


def test_a_file_without_numeric_dates_has_no_note() -> None:
    reader = DateReader()
    reader.learn(["8-May-20", "2020-05-08"])
    assert (reader.note, reader.day_first) == (None, None)
    assert reader.read("8-May-20") == MAY_8
