"""The review part of the source panel: status and flag, history, and an analyst's forms.

Everyone sees the incident's review status, the machine's flag and its
history (who, when, each field before → after, why). Only a signed-in
analyst gets the correction form, merge and revert; the writes themselves
check the role again (:mod:`~dashboard.app.reviewing`). Every name, reason
and value shown is escaped through :mod:`dashboard.markup`.
"""

from __future__ import annotations

import json
from datetime import UTC
from typing import Any

import streamlit as st

from dashboard.app import auth, data, reviewing
from dashboard.markup import Html
from dashboard.models import DatePrecision, EventType, Incident, ReviewStatus
from dashboard.store import IncidentChangedError, ReviewState, Revision, StoreError

# Session key of the last review action's outcome: (kind, text, incident id).
MESSAGE = "_review_message"

_STATE = Html(
    '<div class="bw-panel bw-review" data-testid="bw-review" data-status="{status}" '
    'data-version="{version}"><b>Review:</b> {status}{last}{flags}</div>'
)
_LAST = Html(" · version {} · last changed by {} at {}")
_FLAG = Html('<div class="bw-flag" data-testid="bw-flag">Flagged: {}</div>')
_HISTORY = Html('<div class="bw-panel bw-history" data-testid="bw-history">{}</div>')
_REVISION = Html(
    '<div class="bw-revision" data-revision="{id}"><b>v{version}</b> #{id} · {by} · {at} · '
    "{action}{reverts}: <i>{reason}</i><ul>{changes}</ul></div>"
)
_CHANGE = Html("<li>{}: {} → {}</li>")
_MESSAGE = Html('<div class="bw-notice bw-{kind}" data-testid="bw-review-message">{text}</div>')


def render_review(url: str, incident: Incident) -> None:
    """Status, flag and history for everyone; the analyst's forms for analysts."""
    opened = data.open_app_store(url)
    state = opened.review_state(incident.id)
    if state is None:
        return
    st.html(review_state_html(state))
    _render_message(incident.id)
    history = opened.history(incident.id)
    if history:
        with st.expander(f"History ({len(history)} revisions)", expanded=True):
            st.html(history_html(history))
    if auth.current_user().is_analyst:
        version = reviewing.opened_version(st.session_state, incident.id, state.version)
        render_editor(url, incident, state, version)
        render_merge_and_revert(url, incident, history, version)


def review_state_html(state: ReviewState) -> Html:
    last = (
        _LAST.format(state.version, state.changed_by, _utc(state.changed_at))
        if state.changed_at
        else ""
    )
    flags = Html().join(_FLAG.format(line) for line in (state.flag or "").splitlines())
    return _STATE.format(status=state.status.value, version=state.version, last=last, flags=flags)


def history_html(history: list[Revision]) -> Html:
    """Newest first: the revision an analyst looks for is usually the last one."""
    items = []
    for revision in reversed(history):
        changes = Html().join(
            _CHANGE.format(name, short_value(change["before"]), short_value(change["after"]))
            for name, change in revision.changes.items()
        )
        items.append(
            _REVISION.format(
                id=revision.id,
                version=revision.version,
                by=revision.by,
                at=_utc(revision.at),
                action=revision.action,
                reverts=f" of #{revision.reverts}" if revision.reverts else "",
                reason=revision.reason,
                changes=changes,
            )
        )
    return _HISTORY.format(Html().join(items))


def short_value(value: Any, width: int = 80) -> str:
    """A field's JSON value on one line: provinces and segments by code or id, long text cut."""
    if value is None:
        return "—"
    if isinstance(value, list) and value and isinstance(value[0], dict):
        value = [item.get("code") or item.get("id") or item for item in value]
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 1] + "…"


def _utc(at: Any) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if at else ""


def _say(kind: str, text: str, incident_id: str) -> None:
    st.session_state[MESSAGE] = (kind, text, incident_id)


def _render_message(incident_id: str) -> None:
    message = st.session_state.get(MESSAGE)
    if message and message[2] == incident_id:
        st.html(_MESSAGE.format(kind=message[0], text=message[1]))
        if message[0] == "changed":
            st.button(
                "Reload the incident as it is now",
                key=f"rv_reload_{incident_id}",
                on_click=_reload,
                args=(incident_id,),
            )


def render_last_message(exclude: str | None = None) -> None:
    """The last review action's outcome, unless it is about ``exclude`` (its panel says it)."""
    message = st.session_state.get(MESSAGE)
    if message and message[2] != exclude:
        st.html(_MESSAGE.format(kind=message[0], text=message[1]))


def _reload(incident_id: str) -> None:
    reviewing.reopen(st.session_state, incident_id)
    st.session_state.pop(MESSAGE, None)


def run_write(incident_id: str, write: Any, done: str) -> bool:
    """Run one write, say how it went in the panel, and make every page see it at once."""
    try:
        write()
    except auth.NotAllowedError as exc:
        _say("error", str(exc), incident_id)
        return False
    except IncidentChangedError as exc:
        _say("changed", str(exc), incident_id)
        return False
    except (StoreError, ValueError) as exc:
        _say("error", str(exc), incident_id)
        return False
    data.store_version.clear()  # the next run reads the changed store, not a second-old version
    _say("success", done, incident_id)
    return True


# ------------------------------------------------------------------- editor


def _key(name: str, incident_id: str, version: int) -> str:
    return f"rv_{name}_{incident_id}_{version}"


def render_editor(url: str, incident: Incident, state: ReviewState, version: int) -> None:
    """The correction form, opened at ``version``: every field as stored, and a reason."""
    before = reviewing.form_defaults(incident, state.status.value, state.note)
    k = lambda name: _key(name, incident.id, version)  # noqa: E731 - one short helper
    with st.expander("Correct this incident", expanded=True):
        _render_point_picker(k)
        _render_form(url, incident, before, version, k)


def _render_point_picker(k: Any) -> None:
    """The toggle that makes the next map click the incident's place, and that point."""
    st.toggle(
        "Pick the place on the map",
        key=reviewing.PICKING,
        help="While on, a click on the map marks the incident's place (not a filter).",
    )
    picked = st.session_state.get(reviewing.PICKED)
    if st.session_state.get(reviewing.PICKING) and picked:
        st.checkbox(
            f"Place it at the point clicked: {picked[0]:.5f}, {picked[1]:.5f}",
            value=True,
            key=k("use_point"),
        )
    elif st.session_state.get(reviewing.PICKING):
        st.caption("Click the map where the incident happened.")


def _render_form(
    url: str, incident: Incident, before: reviewing.FormValues, version: int, k: Any
) -> None:
    """The correction form itself; saving reads it in :func:`_on_save`."""
    names = data.region_names()
    layers = data.border_layers()
    places = data.gazetteer_places()
    with st.form(k("form"), border=False):
        statuses = [s.value for s in ReviewStatus]
        st.selectbox("Status", statuses, index=statuses.index(before.status), key=k("status"))
        st.text_input("Duplicate of (incident id, with status duplicate)", key=k("duplicate_of"))
        left, right = st.columns(2)
        left.date_input("From", value=before.date_from, key=k("date_from"))
        right.date_input("To", value=before.date_to, key=k("date_to"))
        precisions = [p.value for p in DatePrecision]
        st.selectbox(
            "Date precision", precisions, index=precisions.index(before.precision), key=k("prec")
        )
        st.multiselect(
            "Provinces",
            list(layers.provinces["code"]),
            default=list(before.provinces),
            format_func=lambda c: f"{names.get(c, c)} ({c})",
            key=k("provinces"),
            help="Changed without a place below: the incident becomes known to its province only.",
        )
        st.multiselect(
            "Border segments",
            list(layers.segments["id"]),
            default=list(before.segments),
            format_func=lambda s: names.get(s, s),
            key=k("segments"),
        )
        st.selectbox(
            "Place (gazetteer)",
            list(places),
            index=None,
            format_func=lambda p: places[p].name,
            placeholder="Keep the place",
            key=k("place"),
            help="Near this place, with the province and nearest segment it lies in.",
        )
        events = [e.value for e in EventType]
        st.selectbox(
            "Event type", events, index=events.index(before.event_type), key=k("event_type")
        )
        st.number_input(
            "Fatalities (empty: not reported)",
            value=before.fatalities,
            min_value=0,
            step=1,
            key=k("fatalities"),
        )
        st.text_input(
            "Casualties", value=before.casualties, key=k("casualties"),
            help="e.g. “killed AM 3; wounded AZ 1; missing 2” (kind, side if known, count).",
        )  # fmt: skip
        st.text_area("Summary", value=before.summary, key=k("summary"))
        st.text_area("Note", value=before.note, key=k("note"))
        st.text_input("Reason for the change (required)", key=k("reason"))
        st.form_submit_button(
            "Save correction", on_click=_on_save, args=(url, incident, before, version)
        )


def _on_save(url: str, incident: Incident, before: reviewing.FormValues, version: int) -> None:
    """The form's callback: build the correction from what changed and save it."""
    values = {n: st.session_state.get(_key(n, incident.id, version)) for n in _FORM_FIELDS}
    form = reviewing.FormValues(
        status=values["status"],
        duplicate_of=values["duplicate_of"] or "",
        date_from=values["date_from"],
        date_to=values["date_to"],
        precision=values["prec"],
        provinces=values["provinces"] or [],
        segments=values["segments"] or [],
        place_id=values["place"],
        event_type=values["event_type"],
        fatalities=None if values["fatalities"] is None else int(values["fatalities"]),
        casualties=values["casualties"] or "",
        summary=values["summary"] or "",
        note=values["note"] or "",
        point=_picked_point(incident.id, version),
    )
    opened = data.open_app_store(url)

    def write() -> None:
        correction = reviewing.correction_from_form(
            incident,
            before,
            form,
            data.resolve_place,
            data.border_layers(),
            point_at=data.resolve_point,
        )
        reviewing.save_correction(
            st.session_state, opened, incident.id, correction, reason=values["reason"] or ""
        )

    if run_write(incident.id, write, "Saved: a new revision is in the history.") and form.point:
        # The point is spent: the next incident must not be placed at it by mistake.
        st.session_state.pop(reviewing.PICKED, None)
        st.session_state[reviewing.PICKING] = False


def _picked_point(incident_id: str, version: int) -> tuple[float, float] | None:
    """The point clicked on the map, if the analyst is picking and chose to use it."""
    picked = st.session_state.get(reviewing.PICKED)
    use = st.session_state.get(_key("use_point", incident_id, version))
    return picked if st.session_state.get(reviewing.PICKING) and picked and use else None


_FORM_FIELDS = (
    "status",
    "duplicate_of",
    "date_from",
    "date_to",
    "prec",
    "provinces",
    "segments",
    "place",
    "event_type",
    "fatalities",
    "casualties",
    "summary",
    "note",
    "reason",
)


def render_merge_and_revert(
    url: str, incident: Incident, history: list[Revision], version: int
) -> None:
    """Merge this incident into another (it becomes the duplicate), split sentences off
    into a new incident, or revert a revision."""
    k = lambda name: _key(name, incident.id, version)  # noqa: E731
    with st.expander("Merge, split or revert", expanded=False):
        st.text_input("Reason (required)", key=k("other_reason"))
        st.text_input("Merge into incident (id)", key=k("keep_id"))
        st.button("Merge into it", key=k("merge"), on_click=_on_merge, args=(url, incident.id, k))
        _render_split(url, incident, k)
        revertible = [r.id for r in history if r.action not in ("merge", "split")]
        if revertible:
            st.selectbox(
                "Revision", revertible[::-1], format_func=lambda r: f"#{r}", key=k("revision")
            )
            st.button("Revert it", key=k("revert"), on_click=_on_revert, args=(url, incident.id, k))


def _render_split(url: str, incident: Incident, k: Any) -> None:
    """Pick the excerpts that report another event, and that event's dates."""
    choices = reviewing.excerpt_choices(incident)
    if len(choices) < 2:
        return
    texts = {key: short_value(words, 90) for key, (_, words) in choices.items()}
    st.multiselect(
        "Split these excerpts off into a new incident",
        list(choices),
        format_func=texts.__getitem__,
        key=k("split_excerpts"),
    )
    left, right = st.columns(2)
    left.date_input("New incident from", value=incident.date_start, key=k("split_from"))
    right.date_input("New incident to", value=incident.date_end, key=k("split_to"))
    st.button("Split them off", key=k("split"), on_click=_on_split, args=(url, incident, k))


def _on_split(url: str, incident: Incident, k: Any) -> None:
    choices = reviewing.excerpt_choices(incident)
    picked = [choices[key][0] for key in st.session_state.get(k("split_excerpts")) or []]
    window = (st.session_state.get(k("split_from")), st.session_state.get(k("split_to")))
    reason = str(st.session_state.get(k("other_reason")) or "")
    run_write(
        incident.id,
        lambda: reviewing.split_off(
            st.session_state, data.open_app_store(url), incident, picked, window, reason=reason
        ),
        "Split: the chosen excerpts are a new incident, linked in the history.",
    )


def _on_merge(url: str, incident_id: str, k: Any) -> None:
    keep = str(st.session_state.get(k("keep_id")) or "")
    reason = str(st.session_state.get(k("other_reason")) or "")
    run_write(
        incident_id,
        lambda: reviewing.merge_into(
            st.session_state, data.open_app_store(url), incident_id, keep, reason=reason
        ),
        f"Merged into {keep}: this incident is now its duplicate.",
    )


def _on_revert(url: str, incident_id: str, k: Any) -> None:
    revision = int(st.session_state.get(k("revision")) or 0)
    reason = str(st.session_state.get(k("other_reason")) or "")
    run_write(
        incident_id,
        lambda: reviewing.revert(
            st.session_state, data.open_app_store(url), incident_id, revision, reason=reason
        ),
        f"Reverted #{revision}: a new revision is in the history.",
    )
