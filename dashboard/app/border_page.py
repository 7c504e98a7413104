"""The border page: where and when by stretch of border (a heat table), the named
segments, and where a coordinate falls."""

from __future__ import annotations

import functools
from dataclasses import replace
from datetime import date

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import query
from dashboard.app import data, filters, panels, pictures

HEAT_KEY = "heat_table"
HEAT_LEVEL_KEY = "heat_level"
HEAT_PERIOD_KEY = "heat_period"
_HEAT_DONE = "_heat_applied"
LEVELS = {"segment": "Border segment", "province": "Province (both sides)"}
HEAT_PERIODS = {"month": "M", "week": "W"}
# Weeks are many: the table shows the most recent ones only.
MAX_WEEKS = 26


def heat_frame(counts: pd.DataFrame, names: dict[str, str], period: str) -> pd.DataFrame:
    """:func:`dashboard.query.heat_counts` ready to draw: names, period labels and ends,
    and the cell's text ("3", or "3 · 2†" when deaths were reported)."""
    if period == "week" and not counts.empty:
        first = counts["period"].max() - pd.Timedelta(weeks=MAX_WEEKS - 1)
        counts = counts[counts["period"] >= first]
    following = counts["period"].dt.to_period(HEAT_PERIODS[period]) + 1
    text = [
        f"{n} · {f}†" if f else str(n)
        for n, f in zip(counts["incidents"], counts["fatalities"], strict=True)
    ]
    return counts.assign(
        name=[names.get(k, k) for k in counts["key"]],
        end=following.dt.start_time,
        label=counts["period"].dt.strftime("%b %Y" if period == "month" else "%-d %b %Y"),
        text=text,
    )


def heat_chart(frame: pd.DataFrame, level: str) -> alt.Chart:
    """One row per segment (or province), one column per period, darker with more
    incidents; a click on a cell selects it (:func:`apply_cell`)."""
    cell = alt.selection_point(name="cell", fields=["key", "period"], on="click")
    order = frame.groupby("name")["incidents"].sum().sort_values(ascending=False).index.tolist()
    base = alt.Chart(frame).encode(
        x=alt.X("label:O", title=None, sort=alt.SortField("period"), axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("name:N", title=None, sort=order, axis=alt.Axis(labelLimit=240)),
    )
    rects = (
        base.mark_rect(stroke="#fff", strokeWidth=1)
        .encode(
            color=alt.Color(
                "incidents:Q",
                scale=alt.Scale(scheme="orangered"),
                legend=alt.Legend(title="incidents", format="d", tickMinStep=1),
            ),
            opacity=alt.condition(cell, alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("name:N", title=LEVELS[level]),
                alt.Tooltip("label:N", title="from"),
                alt.Tooltip("incidents:Q"),
                alt.Tooltip("fatalities:Q", title="deaths reported"),
            ],
        )
        .add_params(cell)
    )
    texts = base.mark_text(fontSize=11).encode(
        text="text:N",
        color=alt.condition(alt.datum.incidents > 2, alt.value("#fff"), alt.value("#222")),
    )
    return alt.layer(rects, texts).properties(height=alt.Step(24))


def apply_cell(selection: dict, level: str, period: str) -> bool:
    """A clicked cell filters to its segment (or province) and its period; True if it did.

    Called by the chart's callback and again with its returned value, so a
    click is applied once whichever way it arrives.
    """
    picked = (selection.get("cell") or [None])[0]
    if not picked or "key" not in picked or "period" not in picked:
        return False
    marker = (level, period, picked["key"], picked["period"])
    if st.session_state.get(_HEAT_DONE) == marker:
        return False
    st.session_state[_HEAT_DONE] = marker
    start = pd.Timestamp(picked["period"], unit="ms")
    end = (start.to_period(HEAT_PERIODS[period]) + 1).start_time - pd.Timedelta(days=1)
    filters.request_region(st.session_state, "s" if level == "segment" else "p", str(picked["key"]))
    filters.request_date_window(st.session_state, _day(start), _day(end))
    return True


def _day(stamp: pd.Timestamp) -> date:
    return stamp.date()


def render_heat() -> None:
    """Which stretch heated up when: the filtered incidents by segment or province and period.

    Region and date filters are left out here, so the table stays the overview
    a click on a cell narrows the other pages from.
    """
    view = st.session_state.get(data.VIEW_KEY)
    if view is None:
        return
    st.subheader("Where and when")
    controls = st.columns(2)
    level = (
        controls[0].segmented_control(
            "By", list(LEVELS), key=HEAT_LEVEL_KEY, default="segment", format_func=LEVELS.get
        )
        or "segment"
    )
    period = (
        controls[1].segmented_control(
            "Per", list(HEAT_PERIODS), key=HEAT_PERIOD_KEY, default="month"
        )
        or "month"
    )
    overview = replace(
        view.filt, date_from=None, date_to=None, countries=(), provinces=(), segments=()
    )
    ids = (
        data.text_matches(view.url, view.version, overview.text.strip()) if overview.text else None
    )
    mask = query.filter_mask(view.table, overview, set(ids) if ids is not None else None)
    counts = query.heat_counts(view.table, mask, level, HEAT_PERIODS[period])
    if counts.empty:
        st.info(
            "No incident here is placed on a border segment: those known only to a province "
            "are counted by province."
            if level == "segment"
            else "No incident matches these filters."
        )
        return
    layers = data.border_layers()
    names = dict(zip(layers.segments["id"], layers.segments["name"], strict=True)) | dict(
        zip(layers.provinces["code"], layers.provinces["name"], strict=True)
    )
    frame = heat_frame(counts, names, period)
    event = st.altair_chart(
        heat_chart(frame, level),
        key=HEAT_KEY,
        on_select=lambda: _on_cell(level, period),
        selection_mode="cell",
        width="stretch",
    )
    if apply_cell(dict(event.get("selection") or {}), level, period):
        st.rerun()  # the sidebar was drawn before the chart said what it selected
    panels.render_picture_buttons(
        "heat_picture",
        functools.partial(heat_picture, view, heat_chart(frame, level), overview),
        "heat-table",
        "this table",
    )
    st.caption(
        "Incidents (and deaths reported, †) by the period their date window starts in; only "
        "periods with an incident are columns, and a segment counts only incidents placed on "
        "it. Click a cell to filter every page to that stretch and period."
    )


def heat_picture(
    view: data.View, chart: alt.LayerChart, shown: query.IncidentFilter, fmt: str
) -> bytes:
    """The heat table as a captioned ``png`` or ``svg``: the caption says the filters it
    shows (region and dates left out, as on the page)."""
    count = int(query.filter_mask(view.table, shown, _text_ids(view)).sum())
    caption = pictures.describe_filter(shown, data.region_names(), count, None)
    return pictures.chart_bytes(pictures.captioned_charts([chart], caption), fmt)


def _text_ids(view: data.View) -> set[str] | None:
    if not view.filt.text:
        return None
    return set(data.text_matches(view.url, view.version, view.filt.text.strip()))


def _on_cell(level: str, period: str) -> None:
    apply_cell((st.session_state.get(HEAT_KEY) or {}).get("selection") or {}, level, period)


def render_segments() -> None:
    layers = data.border_layers()
    st.subheader(f"{layers.name} border: {len(layers.segments)} named segments")
    table = pd.DataFrame(
        {
            "segment": layers.segments["name"],
            "id": layers.segments["id"],
            "length (km)": layers.segments["length_km"].round(1),
        }
    )
    st.dataframe(table, hide_index=True, key="segments_table")
    total = layers.manifest["line_length_km"]
    st.caption(
        f"Border line {total} km (commonly cited: {layers.manifest['cited_length_km']} km). "
        "Boundaries: geoBoundaries (OpenStreetMap contributors, national sources, "
        "Wikipedia); see geodata/SOURCES.md."
    )


def render_lookup() -> None:
    st.subheader("Where is a point?")
    border = data.current_border()
    (south, west), (north, east) = data.display_layers(border)["bounds"]
    mid_lat, mid_lon = round((south + north) / 2, 5), round((west + east) / 2, 5)
    with st.form("lookup"):
        # Keyed by border: each starts at the middle of its own area.
        lat = st.number_input(
            "Latitude", -90.0, 90.0, mid_lat, format="%.5f", key=f"lookup_lat_{border}"
        )
        lon = st.number_input(
            "Longitude", -180.0, 180.0, mid_lon, format="%.5f", key=f"lookup_lon_{border}"
        )
        submitted = st.form_submit_button("Look up")
    if submitted:
        answer = data.geocoder().geocode_point(lat, lon)
        place = (
            f"{answer['province_name']} ({answer['province_code']}), {answer['country']}"
            if answer["country"]
            else "outside both countries"
        )
        st.write(
            f"**{place}** — {answer['distance_km']:.2f} km from the border; nearest segment "
            f"**{answer['segment_name']}**"
        )


def render() -> None:
    render_heat()
    render_segments()
    render_lookup()


if __name__ == "__main__":  # Streamlit runs each page file as a script
    render()
