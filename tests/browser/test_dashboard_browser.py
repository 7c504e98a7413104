"""The dashboard as a user meets it: load, filter, click, read, share a link, stay safe."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from dashboard_page import (
    choose,
    click_map,
    map_boxes,
    map_frame,
    open_dashboard,
    point_on_page,
    runs,
    visible_labels,
    wait_map_still,
    wait_runs,
)
from fixture_store import SOTK_ID, SOTK_POINT, STACK_IDS, STACK_POINT, XSS_ID

SYNTHETIC = "/?synthetic=1"


def _panel_incident(page) -> str | None:
    panel = page.query_selector(".bw-panel[data-incident]")
    return panel.get_attribute("data-incident") if panel else None


def test_map_paints_with_no_internet(page, app_server):
    external: list[str] = []
    page.on(
        "request",
        lambda r: (
            external.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", "localhost")
            and r.url.startswith("http")
            else None
        ),
    )
    open_dashboard(page, app_server + SYNTHETIC)
    frame = map_frame(page)
    assert frame.evaluate("() => window.L.version") == "1.9.3"
    # provinces, segments and incidents all drawn: Leaflet holds their layers
    assert frame.evaluate("() => Object.keys(window.map._layers).length") > 100
    assert "Incidents" in frame.inner_text(".bw-legend")
    assert external == [], f"the page asked for outside resources: {external}"


def test_a_first_run_has_no_prompt_and_no_developer_chrome(page, app_served):
    base, log = app_served
    open_dashboard(page, base + SYNTHETIC)
    assert page.locator("[data-testid='stAppDeployButton']").count() == 0
    body = page.inner_text("body")
    assert "Deploy" not in body
    assert "Help agents write better apps" not in body
    # the server, started with a home where Streamlit never ran and nobody at the
    # keyboard, neither asked for an e-mail nor advertised anything
    printed = log.read_text()
    assert "Email" not in printed and "Welcome to Streamlit" not in printed
    assert "Help agents" not in printed


@pytest.fixture(params=[(1280, 720), (1920, 1080)], ids=lambda size: f"{size[0]}x{size[1]}")
def sized_page(browser, request):
    """A fresh page at a laptop's and at a desktop's window size."""
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        yield context.new_page()
    finally:
        context.close()


def test_the_map_names_what_it_shows_and_the_legend_covers_no_data(sized_page, app_server):
    page = sized_page
    open_dashboard(page, app_server + SYNTHETIC)
    wait_map_still(page)
    # at the first view: both countries, their neighbours and the large provinces
    assert {"Armenia", "Azerbaijan"} <= set(visible_labels(page, "country"))
    assert {"Georgia", "Iran"} <= set(visible_labels(page, "neighbour"))
    assert {"Syunik", "Gegharkunik", "Tavush"} <= set(visible_labels(page, "province"))
    assert visible_labels(page, "place") == []  # villages wait for a closer look
    boxes = map_boxes(page)
    width, height = boxes["size"]
    left, top, right, bottom = boxes["data"]
    assert boxes["open"]  # wide enough for the legend beside the data
    assert boxes["legend"][0] > right, boxes  # the legend is right of everything drawn
    # the border area fills the map: most of its height, not a third
    assert bottom - top > 0.55 * height, boxes
    assert left >= 0 and right <= width and top >= 0 and bottom <= height
    # closer in, the border villages are named
    map_frame(page).evaluate("() => { window.map.setView([39.2, 46.4], 10); }")
    wait_map_still(page)
    assert "Kapan" in visible_labels(page, "place")


def test_incidents_at_one_spot_are_listed_and_each_opens_its_panel(page, stacked_server):
    open_dashboard(page, stacked_server + SYNTHETIC)
    wait_map_still(page)
    frame = map_frame(page)
    click_map(page, *STACK_POINT)
    frame.wait_for_selector(".bw-stack")
    assert "3 incidents here" in frame.inner_text(".bw-stack")
    items = frame.locator(".bw-stack-item")
    assert sorted(items.evaluate_all("els => els.map(e => e.dataset.incident)")) == sorted(
        STACK_IDS
    )
    for wanted in (STACK_IDS[0], STACK_IDS[2], STACK_IDS[1]):
        frame.locator(f".bw-stack-item[data-incident='{wanted}']").click()
        page.wait_for_selector(f".bw-panel[data-incident='{wanted}']", timeout=15_000)
        assert f"incident={wanted}" in page.url
        # after the rerun the list opens again, the chosen incident marked
        frame.wait_for_selector(f".bw-stack-selected[data-incident='{wanted}']", timeout=15_000)
        assert frame.locator(".bw-stack-selected").count() == 1


def test_filter_click_and_read_the_excerpt(page, app_server):
    open_dashboard(page, app_server + SYNTHETIC)
    choose(page, "Province", "Gegharkunik")
    wait_runs(page, 1)
    assert "province=AM-GR" in page.url
    wait_map_still(page)
    before = runs(page)
    started = time.monotonic()
    click_map(page, *SOTK_POINT)
    page.wait_for_selector(f".bw-panel[data-incident='{SOTK_ID}']", timeout=15_000)
    click_to_excerpt = time.monotonic() - started
    wait_runs(page, before + 1)
    excerpt = page.locator("[data-testid='bw-excerpt']").first
    assert "Sotk" in excerpt.inner_text()
    marks = page.locator("[data-testid='bw-excerpt'] mark.bw-place")
    assert "Sotk" in marks.all_inner_texts()
    assert "matched alias “Sotk”" in marks.first.get_attribute("title")
    # both reports, their differing claims side by side, and the count of reports
    assert "Reports merged" in page.inner_text(".bw-facts")
    assert page.get_by_text("The sources differ").is_visible()
    assert f"incident={SOTK_ID}" in page.url
    assert click_to_excerpt < 5, f"click-to-excerpt took {click_to_excerpt:.2f} s"
    # "show full text" highlights the excerpt in context
    page.get_by_text("Show full text").first.click()
    full = page.locator("[data-testid='bw-fulltext']").first
    full.wait_for()
    assert "Residents were moved to shelters." in full.inner_text()
    assert full.locator(".bw-excerpt mark").count() >= 2


def test_deep_link_reproduces_the_view(page, app_server):
    link = f"{app_server}/?province=AM-GR&synthetic=1&incident={SOTK_ID}&from=2021-01-01"
    open_dashboard(page, link)
    page.wait_for_selector(f".bw-panel[data-incident='{SOTK_ID}']")
    province = page.locator("[data-testid='stMultiSelect']").filter(has_text="Province")
    assert "Gegharkunik" in province.inner_text()
    # the URL keeps every parameter after the first run rewrote it
    params = parse_qs(urlparse(page.url).query)
    assert params["province"] == ["AM-GR"] and params["incident"] == [SOTK_ID]
    assert params["from"] == ["2021-01-01"]
    # the selected incident's popup is open on the map
    assert "Sotk" in map_frame(page).inner_text(".leaflet-popup-content")


def test_pan_and_zoom_cause_no_rerun_and_a_click_exactly_one(page, app_server):
    open_dashboard(page, app_server + SYNTHETIC)
    wait_map_still(page)
    frame = map_frame(page)
    zoom = frame.evaluate("() => window.map.getZoom()")
    x, y = point_on_page(page, 41.0, 44.9)
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 120, y + 60, steps=8)
    page.mouse.up()
    page.mouse.wheel(0, -400)
    frame.locator(".leaflet-control-zoom-in").click()
    wait_map_still(page)
    assert frame.evaluate("() => window.map.getZoom()") != zoom
    page.wait_for_timeout(1500)  # give a rerun, if any, the time to start
    assert runs(page) == 0
    # bring Sotk back into view (programmatically: no user event) and click it
    frame.evaluate("([lat, lon]) => { window.map.setView([lat, lon], 10); }", list(SOTK_POINT))
    wait_map_still(page)
    assert runs(page) == 0
    click_map(page, *SOTK_POINT)
    wait_runs(page, 1)
    page.wait_for_timeout(1500)
    assert runs(page) == 1


def test_reset_clears_a_links_notice_and_brings_the_map_back(page, app_server):
    open_dashboard(page, app_server + SYNTHETIC + "&from=2019-01-01&province=AM-XX")
    notice = page.locator("[data-testid='bw-url-notice']")
    assert "from=2019-01-01" in notice.inner_text() and "province=AM-XX" in notice.inner_text()
    wait_map_still(page)
    frame = map_frame(page)
    home = frame.evaluate("() => [window.map.getZoom(), window.map.getCenter()]")
    frame.evaluate("() => { window.map.setView([40.2, 45.9], 11); }")
    wait_map_still(page)
    page.get_by_role("button", name="Reset filters").click()
    wait_runs(page, 1)
    wait_map_still(page)
    assert notice.count() == 0
    zoom, centre = frame.evaluate("() => [window.map.getZoom(), window.map.getCenter()]")
    assert zoom == home[0]  # the same fit from another view lands within a pixel or two
    assert abs(centre["lat"] - home[1]["lat"]) < 0.01 and abs(centre["lng"] - home[1]["lng"]) < 0.01


def test_clicking_a_province_filters_to_it(page, app_server):
    open_dashboard(page, app_server + SYNTHETIC)
    wait_map_still(page)
    click_map(page, 39.76, 45.33)  # Vayots Dzor, away from any incident
    wait_runs(page, 1)
    assert "province=AM-VD" in page.url
    province = page.locator("[data-testid='stMultiSelect']").filter(has_text="Province")
    assert "Vayots Dzor" in province.inner_text()
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Incidents")
    assert metric.locator("[data-testid='stMetricValue']").inner_text() == "1"


@pytest.mark.parametrize("where", ["/", "/incidents"])
def test_script_in_source_text_never_runs(page, app_server, where):
    open_dashboard(page, f"{app_server}{where}?synthetic=1&incident={XSS_ID}", map=where == "/")
    page.wait_for_selector(f".bw-panel[data-incident='{XSS_ID}']")
    page.get_by_text("Show full text").first.click()
    page.wait_for_selector("[data-testid='bw-fulltext']")
    if where == "/":
        frame = map_frame(page)
        frame.wait_for_selector(".leaflet-popup-content")
        assert "<img src=x" in frame.inner_text(".leaflet-popup-content")
        assert frame.evaluate("() => window.__bw_xss") is None
    # the payloads show as text ...
    assert '<script>window.__bw_xss = "title"</script>' in page.inner_text("body")
    # ... and none of them ran, and none became an element
    assert page.evaluate("() => window.__bw_xss") is None
    assert page.locator(".bw-panel img, .bw-panel script").count() == 0
    link = page.locator(".bw-source a")
    assert link.count() == 0  # a javascript: address is not made a link
