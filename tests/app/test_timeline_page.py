"""The timeline page's bars: exact days per period, counted by query.timeline."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from dashboard.app.timeline_page import day_bars


def _table(rows: list[tuple[str, str, str]]) -> SimpleNamespace:
    """Just the columns the bars read (``query.timeline`` looks at nothing else)."""
    frame = pd.DataFrame(rows, columns=["date_start", "date_end", "date_precision"])
    frame["date_start"] = pd.to_datetime(frame["date_start"]).astype("datetime64[s]")
    frame["date_end"] = pd.to_datetime(frame["date_end"]).astype("datetime64[s]")
    return SimpleNamespace(incidents=frame)


TABLE = _table(
    [
        ("2022-09-13", "2022-09-13", "day"),
        ("2022-09-14", "2022-09-14", "days"),  # a "days" window that collapsed to one day
        ("2022-09-01", "2022-09-30", "month"),  # a span, not a bar
        ("2022-10-02", "2022-10-02", "day"),
    ]
)


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        (
            "month",
            [("2022-09-01", "2022-10-01", 2), ("2022-10-01", "2022-11-01", 1)],
        ),
        (
            "week",
            [("2022-09-12", "2022-09-19", 2), ("2022-09-26", "2022-10-03", 1)],
        ),
        (
            "day",
            [
                ("2022-09-13", "2022-09-14", 1),
                ("2022-09-14", "2022-09-15", 1),
                ("2022-10-02", "2022-10-03", 1),
            ],
        ),
    ],
)
def test_bars_count_exact_days_whatever_their_precision(period, expected):
    bars = day_bars(TABLE, np.ones(4, dtype=bool), period)
    got = [(str(r.period.date()), str(r.end.date()), r.incidents) for r in bars.itertuples()]
    assert got == expected


def test_bars_follow_the_mask_and_are_typed_when_empty():
    bars = day_bars(TABLE, np.array([False, False, True, True]), "month")
    assert bars["incidents"].tolist() == [1]
    empty = day_bars(TABLE, np.zeros(4, dtype=bool), "month")
    assert empty.empty and list(empty.columns) == ["period", "end", "incidents"]
    assert pd.api.types.is_datetime64_any_dtype(empty["period"])


def _ticks(spec: dict, bounds: tuple[str, str]) -> list[pd.Timestamp]:
    """The tick dates Vega-Lite puts on the axis: each interval boundary, step apart."""
    interval, step = spec["tickCount"]["interval"], spec["tickCount"]["step"]
    start, end = pd.Timestamp(spec["domain"][0]), pd.Timestamp(spec["domain"][1])
    freq = {"day": f"{step}D", "week": f"{step}W-SUN", "month": f"{step}MS"}[interval]
    return list(pd.date_range(start, end, freq=freq))


@pytest.mark.parametrize("period", ["day", "week", "month"])
@pytest.mark.parametrize(
    "bounds",
    [("2021-05-01", "2021-05-31"), ("2021-05-10", "2021-08-20"), ("2020-07-12", "2023-06-01")],
)
def test_axis_labels_never_repeat_and_stay_few(period, bounds):
    """ "May 2021" four times came from weekly ticks under a month format."""
    from dashboard.app.timeline_page import MAX_TICKS, time_axis  # noqa: PLC0415

    days = tuple(pd.Timestamp(b).date() for b in bounds)
    spec = time_axis(period, days)
    ticks = _ticks(spec, bounds)
    labels = [t.strftime(spec["format"]) for t in ticks]
    assert len(labels) == len(set(labels)), labels
    assert 1 <= len(ticks) <= MAX_TICKS + 2
    assert pd.Timestamp(spec["domain"][0]) == pd.Timestamp(bounds[0])
    assert pd.Timestamp(spec["domain"][1]) > pd.Timestamp(bounds[1])  # the last bar fits
