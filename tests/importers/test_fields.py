"""Tests for dashboard.importers.fields: every spelling real files use, and clear refusals."""

from __future__ import annotations

import pytest

from dashboard.importers.fields import code, event_type
from dashboard.importers.records import KeptColumns, RowError, kept_columns
from dashboard.models import EventType


@pytest.mark.parametrize("value", ["Battles", "battles", " BATTLES "])
def test_event_type_in_any_capitalisation(value):
    assert event_type(value) is EventType.BATTLES


def test_unknown_event_type_names_the_column():
    with pytest.raises(RowError, match=r"^kind: 'Skirmish' is not an ACLED event type"):
        event_type("Skirmish", "kind")


@pytest.mark.parametrize("value", ["2", "2.0", 2, " 2 "])
def test_code_accepts_numbers_as_spreadsheets_write_them(value):
    assert code({"1": "one", "2": "two"}, value, "precision") == "two"


def test_unknown_code_names_the_column_and_the_choices():
    with pytest.raises(RowError, match=r"^precision: '7' is not one of 1, 2$"):
        code({"1": "one", "2": "two"}, "7", "precision")


def test_kept_columns_of_a_file_read_a_short_row_the_plain_way() -> None:
    kept = KeptColumns(("a", "b", "c"), present={"a", "b", "c", "x"})
    assert kept({"a": " 1 ", "b": "", "c": "3", "x": "no"}) == {"a": "1", "c": "3"}
    # A row lacking a column (a short CSV line, a JSON record without the key): nothing dropped.
    assert kept({"a": "1", "c": " "}) == kept_columns({"a": "1", "c": " "}, ("a", "b", "c"))
    assert kept({"a": "1", "c": " "}) == {"a": "1"}
    # A column the file lacks is never asked for.
    assert KeptColumns(("a", "b"), present={"a", "z"})({"a": "1", "z": "2"}) == {"a": "1"}
