"""The incidents page: the filtered incidents as a table, the source panel, and downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import data, filters, panels

TABLE_KEY = "incident_table"
_TABLE_IDS = "_incident_table_ids"
_TABLE_DONE = "_incident_table_applied"
TABLE_LIMIT = 1000


def select_rows(rows: list[int]) -> None:
    """A selected row selects its incident (for every page: it goes into the URL).

    Called by the table's callback and again with the table's returned value,
    so a selection is applied once whichever way it arrives.
    """
    if st.session_state.get(_TABLE_DONE) == tuple(rows):
        return
    st.session_state[_TABLE_DONE] = tuple(rows)
    ids = st.session_state.get(_TABLE_IDS) or []
    if rows and rows[0] < len(ids):
        st.session_state[filters.SELECTED] = ids[rows[0]]


def _on_select() -> None:
    state = st.session_state.get(TABLE_KEY)
    select_rows(list((state or {}).get("selection", {}).get("rows") or []))


NOT_REPORTED = "not reported"


def shown_fatalities(values: pd.Series) -> pd.Series:
    """Tolls as the table shows them: the number, or "not reported" (never "None" or 0:
    a report that gives no toll says nothing about deaths)."""
    return pd.Series(
        [NOT_REPORTED if pd.isna(v) else str(int(v)) for v in values],
        index=values.index,
        dtype=object,
    )


def render_table(view: data.View) -> None:
    frame = data.table_frame(view, TABLE_LIMIT)
    frame = frame.assign(fatalities=shown_fatalities(frame["fatalities"]))
    st.session_state[_TABLE_IDS] = frame["id"].tolist()
    # Date first, the id (for reference and links) last.
    columns = [c for c in frame.columns if c not in ("id", "date_start")] + ["id"]
    shown = frame[columns].rename(
        columns={"event_type": "event type", "location_precision": "placed to"}
    )
    event = st.dataframe(
        shown,
        key=TABLE_KEY,
        on_select=_on_select,
        selection_mode="single-row",
        hide_index=True,
        width="stretch",
        height=min(480, 35 * (len(shown) + 1) + 3),  # no empty rows below a short list
        column_config={
            "id": st.column_config.TextColumn("id", width="small"),
            "fatalities": st.column_config.TextColumn("fatalities"),
        },
    )
    select_rows(list((event.get("selection") or {}).get("rows") or []))
    if view.count > TABLE_LIMIT:
        st.caption(
            f"The {TABLE_LIMIT:,} most recent of {view.count:,} incidents; narrow the filters "
            "or download the whole filtered set."
        )


def render_table_and_downloads(view: data.View) -> None:
    render_table(view)
    panels.render_downloads(view)


def render() -> None:
    panels.render_beside_sources(render_table_and_downloads)


if __name__ == "__main__":  # Streamlit runs each page file as a script
    render()
