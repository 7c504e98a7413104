"""Review in a real browser: an analyst corrects, a viewer sees it and cannot write.

One scenario, four sessions (browser contexts) against one server whose
secrets.toml holds password accounts: two analysts open the same incident,
the first corrects its province, the second's save over it is refused, and
a viewer sees the correction and its history with no edit controls; the
analyst's save message replayed from the viewer's session changes nothing.
"""

from __future__ import annotations

from conftest import REVIEW_PASSWORD
from dashboard_page import (
    IDLE,
    click_map,
    map_frame,
    open_dashboard,
    runs,
    wait_map_painted,
    wait_runs,
)
from fixture_store import SOTK_ID, XSS_ID

from dashboard.store import open_store

PANEL = f"/?synthetic=1&incident={SOTK_ID}"
STREAM = "**/_stcore/stream"


def _signed_in(browser, base: str, name: str, record: list | None = None, panel: str = PANEL):
    """A new session signed in as ``name`` on the incident's panel; ``record`` keeps what
    the page sends the server (and the route to send more), for a forged message later."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    if record is not None:
        page.route_web_socket(STREAM, lambda ws: _relay(ws, record))
    open_dashboard(page, base + panel, map=False)
    page.get_by_label("Account").fill(name)
    page.get_by_role("textbox", name="Password").fill(REVIEW_PASSWORD)
    page.get_by_role("button", name="Sign in to review").click()
    page.get_by_test_id("bw-signed-in").wait_for()
    page.wait_for_selector(IDLE)
    return context, page


def _relay(ws, record: list) -> None:
    """Pass every frame through, keeping the page's own and the server side's route."""
    server = ws.connect_to_server()
    record.append(server)

    def up(message):
        record.append(message)
        server.send(message)

    ws.on_message(up)
    server.on_message(ws.send)


def _save(page) -> str:
    page.get_by_label("Reason for the change (required)").fill("MoD map of 14 Sept")
    page.get_by_role("button", name="Save correction").click()
    message = page.get_by_test_id("bw-review-message")
    message.wait_for()
    return message.inner_text()


def test_an_analysts_correction_reaches_a_viewer_who_cannot_write(browser, review_served):
    base, store_url = review_served
    sent: list = []
    alice_context, alice = _signed_in(browser, base, "alice", sent)
    bob_context, bob = _signed_in(browser, base, "bob")
    viewer_context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        # alice moves the incident from Gegharkunik to Tavush
        provinces = alice.locator("[data-testid='stMultiSelect']").filter(has_text="Provinces")
        provinces.locator("input").click()
        alice.keyboard.press("Backspace")
        alice.keyboard.type("Tavush")
        alice.keyboard.press("Enter")
        alice.keyboard.press("Escape")
        before_save = len(sent)
        assert "Saved" in _save(alice)
        save_message = max((m for m in sent[before_save:] if isinstance(m, bytes)), key=len)
        history = alice.get_by_test_id("bw-history").inner_text()
        assert 'provinces: ["AM-GR"] → ["AM-TV"]' in history and "alice" in history

        # bob opened it before alice saved: his save is refused, not written over hers
        bob.get_by_label("Fatalities (empty: not reported)").fill("5")
        assert "was changed by alice at" in _save(bob)
        with open_store(store_url) as opened:
            assert opened.review_state(SOTK_ID).version == 1
            assert opened.get_incident(SOTK_ID).fatalities == 2

        # a viewer (not signed in) sees the correction and its history, and no controls
        record: list = []
        viewer = viewer_context.new_page()
        viewer.route_web_socket(STREAM, lambda ws: _relay(ws, record))
        open_dashboard(viewer, base + PANEL, map=False)
        panel = viewer.locator("[data-testid='bw-incident']").inner_text()
        assert "Tavush (AM)" in panel
        assert (
            'provinces: ["AM-GR"] → ["AM-TV"]' in viewer.get_by_test_id("bw-history").inner_text()
        )
        assert viewer.get_by_role("button", name="Save correction").count() == 0
        assert viewer.get_by_text("Correct this incident").count() == 0

        # alice's save, replayed as it went over the wire, from the viewer's session
        record[0].send(save_message)
        wait_runs(viewer, runs(viewer) + 1)  # the server ran the script for it
        assert viewer.get_by_text("Saved: a new revision").count() == 0
        with open_store(store_url) as opened:
            assert opened.review_state(SOTK_ID).version == 1  # nothing written

        # the queue: a reason typed once, then one key per incident
        alice.get_by_role("link", name="Review", exact=True).click()  # a reload signs out
        alice.get_by_text("Incident 1 of 7").wait_for()  # a correction leaves it unreviewed
        first = alice.locator("[data-testid='bw-incident']").get_attribute("data-incident")
        alice.get_by_label("Reason for these changes (required)").fill("read the sources")
        alice.keyboard.press("Enter")  # the reason is sent; then the focus leaves the field
        alice.evaluate("() => document.activeElement.blur()")
        alice.wait_for_selector(IDLE)
        alice.keyboard.press("y")
        alice.get_by_text("Incident 1 of 6").wait_for()
        with open_store(store_url) as opened:
            assert opened.review_state(first).status.value == "confirmed"
    finally:
        for context in (alice_context, bob_context, viewer_context):
            context.close()


# A point in Syunik (Meghri), away from the fixture's incidents, so the click lands on the map.
MEGHRI = (38.905, 46.245)


def test_an_analyst_places_an_incident_by_clicking_the_map(browser, review_served):
    base, store_url = review_served
    context, alice = _signed_in(browser, base, "alice", panel=f"/?synthetic=1&incident={XSS_ID}")
    try:
        alice.get_by_text("Pick the place on the map").click()
        alice.get_by_text("Click the map where the incident happened.").wait_for()
        wait_map_painted(alice)
        alice.wait_for_selector(IDLE)
        map_frame(alice).locator(".leaflet-popup-close-button").click()  # the panel's popup
        click_map(alice, *MEGHRI)
        choice = alice.get_by_text("Place it at the point clicked:")
        choice.wait_for()
        lat, lon = (float(v) for v in choice.inner_text().rsplit(":", 1)[1].split(","))
        assert abs(lat - MEGHRI[0]) < 0.05 and abs(lon - MEGHRI[1]) < 0.05  # a pixel or two off
        assert "Saved" in _save(alice)
        with open_store(store_url) as opened:
            incident = opened.get_incident(XSS_ID)
        assert (incident.lat, incident.lon) == (lat, lon)
        assert incident.location_precision.value == "point"
        assert [p.code for p in incident.provinces] == ["AM-SU"]
        # The point is spent with the save: picking is off and the point forgotten.
        alice.get_by_text("Place it at the point clicked:").wait_for(state="detached")
        assert not alice.get_by_role("switch", name="Pick the place on the map").is_checked()
    finally:
        context.close()
