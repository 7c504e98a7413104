"""The review queue: unreviewed and flagged incidents one at a time, with keyboard shortcuts.

The order is :func:`query.review_queue`'s (flagged first, then the vaguest,
then the newest), within the sidebar's filters. An analyst types a reason
once and then, per incident, reads the sources beside the queue and presses
a key: the incident leaves the queue and the next one opens. Viewers see the
queue and can step through it, but get no buttons that change anything.
"""

from __future__ import annotations

import streamlit as st

from dashboard import query
from dashboard.app import auth, data, filters, panels, review_panel, reviewing
from dashboard.models import ReviewStatus

QUEUE_POS = "_queue_pos"
REASON = "queue_reason"
QUEUE_LIMIT = 500
# (key, what it does): Streamlit reserves C and R, hence Y for yes and X for reject.
SHORTCUTS = (
    ("Y", "confirm"),
    ("D", "dispute"),
    ("X", "reject"),
    ("N", "next"),
    ("P", "previous"),
)
_STATUS_KEYS = {"Y": ReviewStatus.CONFIRMED, "D": ReviewStatus.DISPUTED, "X": ReviewStatus.REJECTED}
_LABELS = {ReviewStatus.CONFIRMED: "Confirm", ReviewStatus.DISPUTED: "Dispute",
           ReviewStatus.REJECTED: "Reject"}  # fmt: skip


def queue_position(position: int, length: int) -> int:
    """The position kept inside the queue (it shrinks as incidents are reviewed)."""
    return max(0, min(position, length - 1))


def _step(delta: int, length: int) -> None:
    position = st.session_state.get(QUEUE_POS, 0) + delta
    st.session_state[QUEUE_POS] = queue_position(position, length)


def _on_status(url: str, incident_id: str, status: ReviewStatus) -> None:
    """A status key: set it at the opened version, with the reason typed above."""
    reason = str(st.session_state.get(REASON) or "")
    review_panel.run_write(
        incident_id,
        lambda: reviewing.set_status(
            st.session_state, data.open_app_store(url), incident_id, status, reason=reason
        ),
        f"{incident_id}: {status.value}.",
    )


def render_shortcut_help() -> None:
    st.caption(
        "Keys (with the focus outside a text field: after typing the reason, press Enter "
        "and click beside the field): "
        + " · ".join(f"**{key}** {action}" for key, action in SHORTCUTS)
        + ". A status key records the reason above and opens the next incident."
    )


def render_actions(url: str, incident_id: str, length: int, user: auth.User) -> None:
    """The status buttons for an analyst, Previous and Next for everyone."""
    if user.is_analyst:
        st.text_input(
            "Reason for these changes (required)",
            key=REASON,
            placeholder="e.g. read both sources",
        )
        columns = st.columns(len(SHORTCUTS))
        for column, (key, status) in zip(columns, _STATUS_KEYS.items(), strict=False):
            column.button(
                _LABELS[status],
                key=f"queue_{status.value}",
                shortcut=key,
                on_click=_on_status,
                args=(url, incident_id, status),
                width="stretch",
            )
        back, forward = columns[3], columns[4]
    else:
        st.caption(auth.ENABLE_HINT if auth.sign_in_mode(auth.load_secrets()) is None else (
            "Sign in as an analyst (sidebar) to confirm, dispute or reject."
        ))  # fmt: skip
        back, forward = st.columns(2)
    back.button("Previous", key="queue_prev", shortcut="P", on_click=_step, args=(-1, length))
    forward.button("Next", key="queue_next", shortcut="N", on_click=_step, args=(1, length))


def render() -> None:
    view = data.current_view()
    queue = query.review_queue(view.table, view.mask, QUEUE_LIMIT)
    st.subheader("Review queue")
    if queue.empty:
        st.info("Nothing to review within these filters: every incident has been looked at.")
        return
    position = queue_position(st.session_state.get(QUEUE_POS, 0), len(queue))
    st.session_state[QUEUE_POS] = position
    incident_id = str(queue["id"].iloc[position])
    st.session_state[filters.SELECTED] = incident_id
    user = auth.current_user()
    if user.is_analyst:
        state = data.open_app_store(view.url).review_state(incident_id)
        if state is not None:
            reviewing.opened_version(st.session_state, incident_id, state.version)
    left, right = st.columns([3, 2], gap="medium")
    with left:
        more = f" (the first {QUEUE_LIMIT})" if len(queue) == QUEUE_LIMIT else ""
        st.caption(
            f"Incident {position + 1} of {len(queue)}{more} to review: flagged first, then "
            "the vaguest, then the newest."
        )
        render_shortcut_help()
        render_actions(view.url, incident_id, len(queue), user)
        review_panel.render_last_message(exclude=incident_id)
        shown = queue.drop(columns=["date_start"]).rename(
            columns={"event_type": "event type", "location_precision": "placed to"}
        )
        st.dataframe(shown.head(50), hide_index=True, width="stretch", key="queue_table")
    with right:
        st.subheader("Source")
        panels.render_source_panel(view)


if __name__ == "__main__":  # Streamlit runs each page file as a script
    render()
