"""The sources live intake follows: each one's last fetch, last error, items and incidents.

Below the table, the incidents watched sources brought in since the user's
last visit. The last visit is the ``seen=`` link parameter (a UTC time),
set by "Mark all as seen": it lives in the address bar, so a bookmark or a
shared link keeps it across sessions and browsers without any account or
cookie, and the dashboard stores nothing per user. Without it (a first
visit) nothing is marked; the newest incidents are listed still. Last,
the saved alerts, and the command that saves the current view's filters as
one (alerts are sent by ``borderwatch watch``, so they are made there too).
The page asks the store (:meth:`Store.source_overview`,
:meth:`Store.intake_incidents_since`), never SQL; source text is shown
through ``st.dataframe``, which renders it as text, never as HTML.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from dashboard.app import data
from dashboard.query import FILTER_PARAMS
from dashboard.store import Store
from dashboard.store.alerts import Alert
from dashboard.store.intake import NewIncident, SourceOverview

SEEN_PARAM = "seen"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NEWEST_SHOWN = 50


def last_visit(params: Mapping[str, str]) -> datetime | None:
    """The ``seen=`` time of a link, or ``None`` (absent or not a time)."""
    raw = params.get(SEEN_PARAM)
    if not raw:
        return None
    try:
        seen = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return seen if seen.tzinfo else seen.replace(tzinfo=UTC)


def sources_table(overview: Sequence[SourceOverview]) -> pd.DataFrame:
    """One row per watched source, for the table."""
    return pd.DataFrame(
        [
            {
                "source": o.state.source.name,
                "kind": o.state.source.kind.value,
                "url": o.state.source.url,
                "last fetch": _when(o.state.last_fetch_at),
                "last success": _when(o.state.last_ok_at),
                "last error": o.state.last_error or "",
                "items": o.items,
                "incidents": o.incidents,
                "followed": "yes" if o.state.active else "stopped",
            }
            for o in overview
        ],
        columns=["source", "kind", "url", "last fetch", "last success", "last error", "items",
                 "incidents", "followed"],
    )  # fmt: skip


def new_incidents_table(incidents: Sequence[NewIncident], seen: datetime | None) -> pd.DataFrame:
    """The newest incidents of watched sources, those after ``seen`` marked new."""
    return pd.DataFrame(
        [
            {
                "new": "●" if seen is not None and i.created_at > seen else "",
                "added": _when(i.created_at),
                "source": i.watched,
                "incident": i.incident_id,
                "summary": i.summary,
            }
            for i in incidents
        ],
        columns=["new", "added", "source", "incident", "summary"],
    )


def view_filter(params: Mapping[str, Sequence[str]]) -> str:
    """The link parameters of the current view that are filters, as a query string."""
    pairs = [(name, value) for name in FILTER_PARAMS for value in params.get(name, [])]
    return urlencode(pairs)


def alerts_table(alerts: Sequence[Alert]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"alert": a.name, "filter": a.query or "(everything)", "webhook": a.webhook or "",
          "email": a.email or "", "since": _when(a.created_at)} for a in alerts],
        columns=["alert", "filter", "webhook", "email", "since"],
    )  # fmt: skip


def render_alerts(store: Store) -> None:
    st.subheader("Alerts")
    alerts = store.saved_alerts()
    if alerts:
        st.dataframe(alerts_table(alerts), hide_index=True, width="stretch", key="sources_alerts")
    current = view_filter({name: st.query_params.get_all(name) for name in FILTER_PARAMS})
    st.caption(
        "After each `borderwatch watch` run, incidents new to a saved filter go to its "
        "webhook or e-mail. To be alerted on this view's filters:"
    )
    st.code(f"borderwatch alert add NAME --filter '{current}' --webhook URL", language="sh")


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "never"


def _mark_seen() -> None:
    st.query_params[SEEN_PARAM] = datetime.now(UTC).isoformat()


def render() -> None:
    view = data.current_view()
    store = data.open_app_store(view.url)
    st.subheader("Sources")
    overview = store.source_overview()
    if not overview:
        st.info(
            "No source is watched yet. Follow feeds and pages with `borderwatch watch URL` "
            "or a config file (README: Live intake)."
        )
        return
    st.dataframe(sources_table(overview), hide_index=True, width="stretch", key="sources_table")
    seen = last_visit(st.query_params)
    incidents = store.intake_incidents_since(
        seen or EPOCH, include_synthetic=view.filt.include_synthetic
    )
    fresh = sum(1 for i in incidents if seen is not None and i.created_at > seen)
    st.subheader("New incidents")
    if seen is None:
        st.caption("First visit: press “Mark all as seen” to have later ones marked ●.")
    else:
        st.caption(f"{fresh} new since your last visit ({_when(seen)}), marked ●.")
    st.button("Mark all as seen", key="sources_seen", on_click=_mark_seen)
    if incidents:
        shown = new_incidents_table(incidents[:NEWEST_SHOWN], seen)
        st.dataframe(shown, hide_index=True, width="stretch", key="sources_new")
    render_alerts(store)


if __name__ == "__main__":  # Streamlit runs each page file as a script
    render()
