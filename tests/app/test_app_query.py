"""The query helpers the dashboard adds: date windows in words, table rows, spans, excerpts."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest
from fixture_store import SOTK_ID, seed_fixture_store

from dashboard.query import (
    IncidentFilter,
    date_range,
    date_window_labels,
    excerpt_heads,
    filter_mask,
    incident_rows,
    load_incident_table,
    timeline_windows,
)


def _d(text: str) -> np.datetime64:
    return np.datetime64(text, "s")


@pytest.mark.parametrize(
    ("start", "end", "precision", "label"),
    [
        ("2022-09-13", "2022-09-13", "day", "2022-09-13"),
        ("2022-09-12", "2022-09-14", "days", "2022-09-12 – 2022-09-14"),
        ("2021-07-05", "2021-07-11", "week", "week of 2021-07-05 – 2021-07-11"),
        ("2021-05-01", "2021-05-31", "month", "May 2021"),
        ("2021-01-01", "2021-12-31", "year", "2021"),
        # "days" that collapsed to one day reads as a day
        ("2022-09-13", "2022-09-13", "days", "2022-09-13"),
    ],
)
def test_date_window_labels(start, end, precision, label):
    assert date_window_labels([_d(start)], [_d(end)], [precision]) == [label]


def test_date_window_labels_of_nothing():
    assert date_window_labels([], [], []) == []


@pytest.fixture
def table(store):
    seed_fixture_store(store)
    return load_incident_table(store)


ALL = IncidentFilter(include_synthetic=True)


def test_date_range_spans_every_window(table):
    assert date_range(table) == (date(2020, 7, 12), date(2023, 6, 1))
    assert date_range(table, filter_mask(table, IncidentFilter())) is None  # all synthetic


def test_incident_rows_are_newest_first_with_region_names(table):
    frame = incident_rows(table, filter_mask(table, ALL))
    assert frame["date_start"].is_monotonic_decreasing
    sotk = frame.set_index("id").loc[SOTK_ID]
    assert sotk["date"] == "2022-09-13"
    assert sotk["provinces"] == "Gegharkunik"
    assert sotk["segments"] == "Gegharkunik – Kalbajar"
    assert sotk["reports"] == 2
    segment = frame.set_index("id").loc["fx-segment-2021-05"]
    assert segment["provinces"] == "Gegharkunik; Kalbajar"
    assert incident_rows(table, filter_mask(table, ALL), limit=2)["id"].tolist() == [
        "fx-xss-2023-06-01",
        "fx-country-2023-04",
    ]


def test_incident_rows_of_nothing(table):
    assert incident_rows(table, np.zeros(len(table), dtype=bool)).empty


def test_timeline_windows_keep_month_and_week_as_spans(table):
    windows = timeline_windows(table, filter_mask(table, ALL))
    spans = {
        (str(r.date_start.date()), str(r.date_end.date()), r.date_precision)
        for r in windows.itertuples()
    }
    assert spans == {
        ("2021-05-01", "2021-05-31", "month"),
        ("2021-07-05", "2021-07-11", "week"),
    }


def test_excerpt_heads_follow_citation_order(store, table):
    heads = excerpt_heads(store, [SOTK_ID, "fx-segment-2021-05", "missing"], chars=20)
    assert heads[SOTK_ID] == "Overnight, Azerbaija"  # the first report's first excerpt
    assert heads["fx-segment-2021-05"].startswith("In May 2021")
    assert "missing" not in heads


def test_excerpt_heads_in_chunks(store, table):
    ids = [f"nothing-{i}" for i in range(2000)] + [SOTK_ID]
    assert list(excerpt_heads(store, ids)) == [SOTK_ID]
