"""Review in the dashboard under AppTest: status filter, panel, sign-in, corrections, queue."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fixture_store import SOTK_ID
from streamlit.testing.v1 import AppTest

from dashboard.app import auth, filters, review_page, reviewing
from dashboard.models import CasualtyCount, CasualtyKind, ReviewStatus
from dashboard.store import Correction, open_store

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app" / "main.py")
PASSWORD = "correct horse"
SECRETS = {
    "accounts": {
        "alice": {"password_hash": auth.hash_password(PASSWORD), "role": "analyst"},
        "victor": {"password_hash": auth.hash_password(PASSWORD), "role": "viewer"},
    }
}


def _app(accounts: bool = True, **params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    if accounts:
        at.secrets["borderwatch"] = SECRETS
    for name, value in {"synthetic": "1", **params}.items():
        at.query_params[name] = value
    return at.run()


def _sign_in(at: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    at.text_input(key="auth_name").set_value(name)
    at.text_input(key="auth_password").set_value(password)
    _button(at, "Sign in to review").click()
    return at.run()


def _button(at: AppTest, label: str):
    (found,) = [b for b in at.button if b.label == label]
    return found


def _labels(at: AppTest) -> list[str]:
    return [b.label for b in at.button]


def _html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def _key(name: str, version: int = 0, incident: str = SOTK_ID) -> str:
    return f"rv_{name}_{incident}_{version}"


# -------------------------------------------------------------- read-only


def test_without_accounts_the_dashboard_is_read_only_and_says_how_to_enable_review(fixture_url):
    at = _app(accounts=False, incident=SOTK_ID)
    assert not at.exception
    assert any("Reviewing is off" in c.value for c in at.sidebar.caption)
    assert "borderwatch account hash" in auth.ENABLE_HINT
    assert 'data-status="unreviewed"' in _html(at)
    assert "Save correction" not in _labels(at) and "Sign in to review" not in _labels(at)


def test_a_viewer_account_gets_no_edit_controls(fixture_url):
    at = _sign_in(_app(incident=SOTK_ID), "victor")
    assert "Signed in as <b>victor</b> (viewer)" in _html(at)
    assert not {"Save correction", "Merge into it", "Revert it"} & set(_labels(at))
    at.switch_page("review_page.py").run()
    assert not at.exception
    assert not {"Confirm", "Reject", "Dispute"} & set(_labels(at))
    assert {"Previous", "Next"} <= set(_labels(at))


def test_a_wrong_password_signs_nobody_in(fixture_url):
    at = _sign_in(_app(), "alice", "guess")
    assert [e.value for e in at.sidebar.error] == ["Wrong account or password."]
    assert auth.USER_KEY not in at.session_state
    assert at.text_input(key="auth_password").value == ""  # not kept in the session
    assert "guess" not in json.dumps(dict(at.query_params))


# ---------------------------------------------------------- status filter


def test_repeated_wrong_passwords_lock_the_account_even_for_the_right_one(fixture_url):
    at = _app()
    for _ in range(5):
        at = _sign_in(at, "alice", "guess")
    assert "Wrong account or password." in [e.value for e in at.error]
    at = _sign_in(at, "alice")  # the right password, too late
    assert "Too many failed sign-ins for this account: try again in 15 min." in [
        e.value for e in at.error
    ]
    assert "Save correction" not in _labels(at)


def test_the_review_filter_is_in_the_sidebar_and_the_link(fixture_url):
    with open_store(fixture_url) as opened:
        opened.review_incident(
            SOTK_ID,
            Correction(status=ReviewStatus.REJECTED),
            by="alice",
            reason="not an incident",
            expected_version=0,
        )
    at = _app()
    assert {m.label: m.value for m in at.metric}["Incidents"] == "6"  # rejected is hidden
    at = _app(review="rejected")
    assert {m.label: m.value for m in at.metric}["Incidents"] == "1"
    assert at.multiselect(key=filters.REVIEW).value == ["rejected"]
    at.multiselect(key=filters.REVIEW).set_value(["unreviewed", "rejected"]).run()
    assert at.query_params["review"] == ["unreviewed", "rejected"]
    at = _app(review="bogus")
    assert "“review=bogus” names no review status" in _html(at)


# ------------------------------------------------------------ corrections


def test_an_analyst_corrects_the_province_with_a_reason_and_the_history_shows_it(fixture_url):
    at = _sign_in(_app(incident=SOTK_ID), "alice")
    assert "Save correction" in _labels(at)
    at.multiselect(key=_key("provinces")).set_value(["AM-TV"])
    _button(at, "Save correction").click().run()
    assert "every change to an incident needs a reason" in _html(at)  # refused without one
    at.multiselect(key=_key("provinces")).set_value(["AM-TV"])
    at.text_input(key=_key("reason")).set_value("<b>MoD</b> says Tavush")
    _button(at, "Save correction").click().run()
    assert not at.exception
    page = _html(at)
    assert "Saved: a new revision is in the history." in page
    assert "provinces: [&quot;AM-GR&quot;] → [&quot;AM-TV&quot;]" in page
    assert "<i>&lt;b&gt;MoD&lt;/b&gt; says Tavush</i>" in page  # the reason, escaped
    assert "Tavush (AM)" in page and 'data-version="1"' in page
    with open_store(fixture_url) as opened:
        (revision,) = opened.history(SOTK_ID)
        assert (revision.by, set(revision.changes)) == ("alice", {"provinces", "place"})
        assert [p.code for p in opened.get_incident(SOTK_ID).provinces] == ["AM-TV"]


def test_an_analyst_places_an_incident_at_a_point_clicked_on_the_map(fixture_url):
    at = _sign_in(_app(incident=SOTK_ID), "alice")
    at.toggle(key=reviewing.PICKING).set_value(True).run()
    assert "Click the map where the incident happened." in [c.value for c in at.caption]
    # What the map's click handler keeps (tested below): a point near Berd, in Tavush.
    at.session_state[reviewing.PICKED] = (40.881, 45.39)
    at.run()
    assert at.checkbox(key=_key("use_point")).value is True
    at.text_input(key=_key("reason")).set_value("the village head named the field")
    _button(at, "Save correction").click().run()
    assert not at.exception
    with open_store(fixture_url) as opened:
        incident = opened.get_incident(SOTK_ID)
        (revision,) = opened.history(SOTK_ID)
    assert (incident.lat, incident.lon) == (40.881, 45.39)
    assert incident.location_precision.value == "point"
    assert [p.code for p in incident.provinces] == ["AM-TV"]  # the point's own province
    assert {"place", "provinces"} <= set(revision.changes)


def test_an_analyst_splits_an_excerpt_off_into_a_new_incident(fixture_url):
    at = _sign_in(_app(incident=SOTK_ID), "alice")
    choices = at.multiselect(key=_key("split_excerpts"))
    first, *_ = choices.options
    choices.set_value([first])
    at.date_input(key=_key("split_from")).set_value(date(2022, 9, 14))
    at.date_input(key=_key("split_to")).set_value(date(2022, 9, 14))
    at.text_input(key=_key("other_reason")).set_value("the second day is its own attack")
    _button(at, "Split them off").click().run()
    assert not at.exception
    assert "Split: the chosen excerpts are a new incident" in _html(at)
    with open_store(fixture_url) as opened:
        split = opened.get_incident(f"{SOTK_ID}~split-1")
        kept = opened.get_incident(SOTK_ID)
    assert (split.date_start, split.date_end) == (date(2022, 9, 14), date(2022, 9, 14))
    moved = [e.text for c in split.citations for e in c.excerpts]
    left = [e.text for c in kept.citations for e in c.excerpts]
    assert len(moved) == 1 and moved[0] not in left


def test_a_map_click_is_a_place_only_while_picking():
    state: dict = {}
    marker = {"last_object_clicked": {"lat": 40.2, "lng": 45.9}}
    assert not reviewing.pick_point(state, marker)  # not picking: a selection or a filter
    state[reviewing.PICKING] = True
    assert not reviewing.pick_point(state, marker)  # the same click again: nothing new
    assert not reviewing.pick_point(state, {**marker, "last_clicked": {"lat": "x", "lng": 4}})
    assert not reviewing.pick_point(state, {**marker, "last_clicked": {"lat": 95.0, "lng": 4}})
    assert reviewing.pick_point(state, {**marker, "last_clicked": {"lat": 40.1234567, "lng": 45.7}})
    assert state[reviewing.PICKED] == (40.12346, 45.7)
    # A click on a province stops there: its point comes as the object clicked.
    province = {"last_clicked": {"lat": 40.1234567, "lng": 45.7}, "last_object_clicked": {
        "lat": 39.2, "lng": 46.4}}  # fmt: skip
    assert reviewing.pick_point(state, province)
    assert state[reviewing.PICKED] == (39.2, 46.4)


def test_a_save_over_another_analysts_change_is_refused_and_can_be_reloaded(fixture_url):
    at = _sign_in(_app(incident=SOTK_ID), "alice")
    with open_store(fixture_url) as opened:  # bob saves first, from another session
        opened.review_incident(
            SOTK_ID, Correction(note="seen"), by="bob", reason="checked", expected_version=0
        )
    at.number_input(key=_key("fatalities")).set_value(5)
    at.text_input(key=_key("reason")).set_value("MoD update")
    _button(at, "Save correction").click().run()
    assert "was changed by bob at" in _html(at)
    with open_store(fixture_url) as opened:
        assert opened.get_incident(SOTK_ID).fatalities == 2  # not overwritten
    _button(at, "Reload the incident as it is now").click().run()
    assert at.number_input(key=_key("fatalities", 1)).value == 2  # opened again at version 1


def test_merge_and_revert_from_the_panel(fixture_url):
    at = _sign_in(_app(incident=SOTK_ID), "alice")
    at.text_area(key=_key("note")).set_value("first look")
    at.text_input(key=_key("reason")).set_value("note it")
    _button(at, "Save correction").click().run()
    at.text_input(key=_key("other_reason", 1)).set_value("undo the note")
    _button(at, "Revert it").click().run()
    assert "Reverted #1" in _html(at)
    at.text_input(key=_key("other_reason", 2)).set_value("same clash")
    at.text_input(key=_key("keep_id", 2)).set_value("fx-segment-2021-05")
    _button(at, "Merge into it").click().run()
    assert "Merged into fx-segment-2021-05" in _html(at)
    with open_store(fixture_url) as opened:
        state = opened.review_state(SOTK_ID)
        assert (state.status, state.duplicate_of, state.note) == (
            ReviewStatus.DUPLICATE,
            "fx-segment-2021-05",
            None,
        )


# ----------------------------------------------------------------- queue


def test_the_queue_confirms_with_a_reason_and_moves_on(fixture_url):
    at = _sign_in(_app(), "alice")
    at.switch_page("review_page.py").run()
    assert not at.exception
    assert any("**Y** confirm" in c.value for c in at.caption)  # shortcuts documented
    first = at.session_state[filters.SELECTED]
    assert any("Incident 1 of 7" in c.value for c in at.caption)
    _button(at, "Confirm").click().run()
    assert "needs a reason" in _html(at)
    at.text_input(key=review_page.REASON).set_value("read the sources")
    _button(at, "Confirm").click().run()
    assert any("Incident 1 of 6" in c.value for c in at.caption)
    assert at.session_state[filters.SELECTED] != first
    with open_store(fixture_url) as opened:
        assert opened.review_state(first).status is ReviewStatus.CONFIRMED
    _button(at, "Next").click().run()
    assert any("Incident 2 of 6" in c.value for c in at.caption)


def test_queue_buttons_carry_the_documented_shortcuts(fixture_url):
    at = _sign_in(_app(), "alice")
    at.switch_page("review_page.py").run()
    shortcuts = {b.label: b.proto.shortcut for b in at.button if b.proto.shortcut}
    assert shortcuts == {"Confirm": "y", "Dispute": "d", "Reject": "x", "Previous": "p",
                         "Next": "n"}  # fmt: skip
    assert review_page.queue_position(9, 3) == 2 and review_page.queue_position(-1, 3) == 0


# ------------------------------------------------------------------ pure


def test_casualties_read_and_write_back():
    counts = reviewing.parse_casualties("killed AM 3; wounded 2\nmissing az 1")
    assert counts == (
        CasualtyCount(CasualtyKind.KILLED, "AM", 3),
        CasualtyCount(CasualtyKind.WOUNDED, None, 2),
        CasualtyCount(CasualtyKind.MISSING, "AZ", 1),
    )
    assert reviewing.parse_casualties(reviewing.casualty_text(counts)) == counts
    with pytest.raises(ValueError, match="cannot read “shot 3”"):
        reviewing.parse_casualties("shot 3")


def test_a_form_saved_as_opened_changes_nothing_and_a_date_change_only_the_date(fixture_url):
    with open_store(fixture_url) as opened:
        incident = opened.get_incident(SOTK_ID)
    before = reviewing.form_defaults(incident, "unreviewed", None)
    assert reviewing.correction_from_form(incident, before, before, None, None).values() == {}
    later = reviewing.FormValues(**{**before.__dict__, "date_to": date(2022, 9, 14)})
    values = reviewing.correction_from_form(incident, before, later, None, None).values()
    assert values == {"date": {"start": "2022-09-13", "end": "2022-09-14", "precision": "day"}}


def test_with_an_oidc_provider_sign_in_goes_to_st_login_and_accounts_are_ignored(fixture_url):
    at = AppTest.from_file(APP, default_timeout=90)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback",
                          "cookie_secret": "x", "client_id": "id", "client_secret": "s",
                          "server_metadata_url": "https://id.example.org/.well-known"}  # fmt: skip
    at.secrets["borderwatch"] = {**SECRETS, "analysts": ["ann@example.org"]}
    at.query_params["synthetic"] = "1"
    at.query_params["incident"] = SOTK_ID
    at.run()
    assert not at.exception
    assert "Sign in to review" in _labels(at)
    assert not [t for t in at.text_input if t.key == "auth_password"]  # no password form
    at.session_state[auth.USER_KEY] = "alice"  # an account name means nothing with OIDC
    at.run()
    assert 'data-status="unreviewed"' in _html(at)  # the panel is there, without the form
    assert "Save correction" not in _labels(at)
