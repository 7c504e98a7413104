"""The timeline page: incidents per day, week or month, with a brush and a play control."""

from __future__ import annotations

import functools
import math
import time
from dataclasses import replace
from datetime import date

import altair as alt
import numpy as np
import pandas as pd
import streamlit as st

from dashboard import query
from dashboard.app import data, filters, panels, pictures

CHART_KEY = "timeline_chart"
PERIOD_KEY = "timeline_period"
PLAYING_KEY = "timeline_playing"
_LAST_STEP = "_timeline_last_step"
_BRUSH_DONE = "_timeline_brush_applied"
_STOP_PLAYING = "_timeline_stop_playing"
PERIODS = {"day": "D", "week": "W", "month": "M"}
STEP_SECONDS = 1.5


# Tick labels for each granularity: a label names its period and no coarser one, so ticks
# one period (or a whole number of periods) apart never read the same ("May 2021" × 4).
AXIS_FORMATS = {"day": "%-d %b %Y", "week": "%-d %b %Y", "month": "%b %Y"}
MAX_TICKS = 10


def time_axis(period: str, bounds: tuple[date, date]) -> dict[str, object]:
    """The time axis for ``period``: ticks on period boundaries, ``step`` periods apart so
    at most :data:`MAX_TICKS` fit, each label formatted to that period.

    Returns the Vega-Lite ``format`` and ``tickCount`` (a time interval) and the
    scale's ``domain``: from the first day to the start of the period after the last.
    """
    start = pd.Timestamp(bounds[0])
    after = (pd.Timestamp(bounds[1]).to_period(PERIODS[period]) + 1).start_time
    periods = len(pd.period_range(start, pd.Timestamp(bounds[1]), freq=PERIODS[period]))
    step = max(1, math.ceil(periods / MAX_TICKS))
    interval = {"day": "day", "week": "week", "month": "month"}[period]
    return {
        "format": AXIS_FORMATS[period],
        "tickCount": {"interval": interval, "step": step},
        "domain": [start.isoformat(), after.isoformat()],
    }


def timeline_charts(
    view: data.View, period: str, bounds: tuple[date, date], window: tuple[date, date] | None
) -> tuple[alt.Chart | alt.LayerChart | None, alt.Chart | None]:
    """Exact-day incidents as bars per period, the filter's date window shaded (with the
    brush); and the incidents known only to a wider window, as spans over the same axis.

    Two charts rather than one concatenation, so each takes the page's width. The
    bars are ``None`` when no incident is dated to the day: an empty chart with a
    lone 0 says nothing, the page says so in words.
    """
    spec = time_axis(period, bounds)
    axis = alt.Axis(format=spec["format"], tickCount=spec["tickCount"], labelOverlap=True)
    scale = alt.Scale(domain=spec["domain"])
    undated = query.filter_mask(
        view.table, replace(view.filt, date_from=None, date_to=None), _text_ids(view)
    )
    windows = query.timeline_windows(view.table, undated)
    spans = None if windows.empty else _span_chart(windows, axis, scale)
    bars = day_bars(view.table, undated, period)
    if bars.empty:
        return None, spans
    brush = alt.selection_interval(encodings=["x"], name="brush")
    x = alt.X("period:T", title=None, axis=axis, scale=scale)
    top = (
        alt.Chart(bars)
        .mark_rect(color="#c0392b")
        .encode(
            x=x,
            x2="end:T",
            y2=alt.datum(0),
            y=alt.Y(
                "incidents:Q",
                title=f"per {period}",
                axis=alt.Axis(tickMinStep=1, format="d", minExtent=80, maxExtent=80),
            ),
            tooltip=[alt.Tooltip("period:T", title=period), "incidents:Q"],
        )
        .add_params(brush)
        .properties(height=220)
    )
    if window is not None:
        shade = (
            alt.Chart(
                pd.DataFrame(
                    {
                        "start": [pd.Timestamp(window[0])],
                        "end": [pd.Timestamp(window[1]) + pd.Timedelta(days=1)],
                    }
                )
            )
            .mark_rect(color="#1f77b4", opacity=0.12)
            .encode(x="start:T", x2="end:T")
        )
        top = alt.layer(shade, top)
    return top, spans


def _span_chart(windows: pd.DataFrame, axis: alt.Axis, scale: alt.Scale) -> alt.Chart:
    """:func:`dashboard.query.timeline_windows` as orange spans, one row per precision,
    on the bars' time axis so a month lines up under the month's bars."""
    windows = windows.assign(
        end=windows["date_end"] + pd.Timedelta(days=1),
        label=query.date_window_labels(
            windows["date_start"].to_numpy(),
            windows["date_end"].to_numpy(),
            windows["date_precision"].to_numpy(),
        ),
    )
    return (
        alt.Chart(windows)
        .mark_bar(color="#e67e22", height=12)
        .encode(
            x=alt.X("date_start:T", title=None, axis=axis, scale=scale),
            x2="end:T",
            y=alt.Y(
                "date_precision:N",
                title="known to a",
                sort=["days", "week", "month", "year"],
                axis=alt.Axis(minExtent=80, maxExtent=80),
            ),
            opacity=alt.Opacity("incidents:Q", legend=None, scale=alt.Scale(range=[0.35, 0.9])),
            tooltip=[alt.Tooltip("label:N", title="sometime in"), "incidents:Q"],
        )
        .properties(height=alt.Step(20))
    )


def day_bars(table: query.IncidentTable, mask: np.ndarray, period: str) -> pd.DataFrame:
    """Incidents dated to one day, counted per period by :func:`dashboard.query.timeline`.

    The bars show only exact days (wider windows are the spans below them), so
    the precisions the query keeps apart are summed; ``end`` is the next
    period's first day, where each bar stops.
    """
    exact = mask & (table.incidents["date_end"] == table.incidents["date_start"]).to_numpy()
    counted = query.timeline(table, exact, PERIODS[period])
    if counted.empty:
        return pd.DataFrame(
            {
                "period": pd.Series(dtype="datetime64[s]"),
                "end": pd.Series(dtype="datetime64[s]"),
                "incidents": [],
            }
        )
    bars = counted.groupby("period", sort=True)["incidents"].sum().reset_index()
    following = bars["period"].dt.to_period(PERIODS[period]) + 1
    return bars.assign(end=following.dt.start_time)[["period", "end", "incidents"]]


def _text_ids(view: data.View) -> set[str] | None:
    if not view.filt.text:
        return None
    return set(data.text_matches(view.url, view.version, view.filt.text.strip()))


def apply_brush(selection: dict) -> bool:
    """A brush on the chart asks for that date range (and stops playing); True if it did.

    Called by the chart's callback and again with its returned value, so a
    brush is applied once whichever way it arrives.
    """
    values = (selection.get("brush") or {}).get("period")
    if not values or len(values) != 2:
        return False
    if st.session_state.get(_BRUSH_DONE) == tuple(values):
        return False
    st.session_state[_BRUSH_DONE] = tuple(values)
    start, end = (pd.Timestamp(v, unit="ms").date() for v in values)
    filters.request_date_window(st.session_state, start, end)
    st.session_state[_STOP_PLAYING] = True
    return True


def _on_brush() -> None:
    apply_brush((st.session_state.get(CHART_KEY) or {}).get("selection") or {})


def render_play(bounds: tuple[date, date], period: str) -> None:
    """Step the date window through time, one period per tick, keeping its width."""
    if st.session_state.pop(_STOP_PLAYING, False):
        st.session_state[PLAYING_KEY] = False  # before the toggle is drawn
    playing = bool(st.session_state.get(PLAYING_KEY))

    def tick() -> None:
        st.toggle(
            "▶ Play through time",
            key=PLAYING_KEY,
            help=f"Moves the date window forward one {period} every {STEP_SECONDS} s.",
        )
        if not st.session_state.get(PLAYING_KEY):
            return
        now = time.monotonic()
        if now - st.session_state.get(_LAST_STEP, 0.0) < STEP_SECONDS * 0.9:
            return
        st.session_state[_LAST_STEP] = now
        window = {key: st.session_state.get(key) for key in (filters.DATE_FROM, filters.DATE_TO)}
        if filters.step_date_window(window, bounds, period):
            filters.request_date_window(
                st.session_state, window[filters.DATE_FROM], window[filters.DATE_TO]
            )
        else:
            st.session_state[_STOP_PLAYING] = True
        st.rerun(scope="app")

    st.fragment(run_every=STEP_SECONDS if playing else None)(tick)()


def chart_picture(view: data.View, charts: list, fmt: str) -> bytes:
    """The page's charts as one captioned ``png`` or ``svg`` (filters and attribution)."""
    caption = pictures.describe_filter(
        view.filt, data.region_names(), view.count, query.date_range(view.table, view.visible)
    )
    return pictures.chart_bytes(pictures.captioned_charts(charts, caption), fmt)


def render() -> None:
    view = data.current_view()
    panels.render_kpis(view)
    bounds = query.date_range(view.table, view.visible)
    if bounds is None:
        panels.render_empty(view)
        return
    controls = st.columns([2, 3])
    with controls[0]:
        period = (
            st.segmented_control("Per", list(PERIODS), key=PERIOD_KEY, default="month") or "month"
        )
    with controls[1]:
        render_play(bounds, period)
    window = filters.date_window(st.session_state, bounds)
    top, spans = timeline_charts(view, period, bounds, window)
    if top is None:
        st.info(
            "No incident here is dated to the day, so there are no bars to draw"
            + (
                ": those known only to a few days, a week, a month or a year are the spans below."
                if spans is not None
                else "."
            )
        )
    else:
        event = st.altair_chart(
            top, key=CHART_KEY, on_select=_on_brush, selection_mode="brush", width="stretch"
        )
        if apply_brush(dict(event.get("selection") or {})):  # item access: AppTest gives a dict
            st.rerun()  # the sidebar was drawn before the chart said what it selected
    if spans is not None:
        st.altair_chart(spans, key="timeline_spans", width="stretch")
    charts = [c for c in (top, spans) if c is not None]
    panels.render_picture_buttons(
        "timeline_picture",
        functools.partial(chart_picture, view, charts),
        "timeline",
        "these charts",
    )
    st.caption(
        "Bars: incidents dated to the day. Orange spans: incidents known only to a few days, "
        "a week, a month or a year, drawn across that window, not on a guessed day. "
        "Drag across the bars to set the date range."
    )
    if not view.count:
        panels.render_empty(view)


if __name__ == "__main__":  # Streamlit runs each page file as a script
    render()
