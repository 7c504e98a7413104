"""What a user does on the dashboard, in Playwright terms (shared by tests and benchmarks)."""

from __future__ import annotations

import time
from typing import Any

MAP_IFRAME = 'iframe[title="streamlit_folium.st_folium"]'
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"

# Counts script runs as the page sees them: each rerun flips the app's state to "running".
_COUNT_RUNS = """
() => {
  if (window.__bwRuns !== undefined) { return; }
  window.__bwRuns = 0;
  const app = document.querySelector("[data-testid='stApp']");
  new MutationObserver(() => {
    if (app.getAttribute('data-test-script-state') === 'running') { window.__bwRuns += 1; }
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}
"""


def open_dashboard(page: Any, url: str, timeout: float = 60_000, *, map: bool = True) -> float:
    """Load the page and wait until it is idle and (``map``) the map has painted; seconds."""
    start = time.monotonic()
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=timeout)
    if map:
        wait_map_painted(page, timeout)
    elapsed = time.monotonic() - start
    page.evaluate(_COUNT_RUNS)
    return elapsed


def map_frame(page: Any) -> Any:
    return page.wait_for_selector(MAP_IFRAME, timeout=30_000).content_frame()


def wait_map_painted(page: Any, timeout: float = 30_000) -> None:
    """The map is there once Leaflet drew on its canvas and our legend came with the layers."""
    frame = map_frame(page)
    frame.wait_for_selector(".leaflet-overlay-pane canvas", timeout=timeout)
    frame.wait_for_selector(".bw-legend", timeout=timeout)


def runs(page: Any) -> int:
    return page.evaluate("() => window.__bwRuns")


def wait_runs(page: Any, count: int, timeout: float = 30_000) -> None:
    """Wait until ``count`` script runs have happened since loading, and the app is idle."""
    page.wait_for_function(f"() => window.__bwRuns >= {count}", timeout=timeout)
    page.wait_for_selector(IDLE, timeout=timeout)


def wait_map_still(page: Any, timeout: float = 10_000) -> None:
    """Wait for the map to stop moving (fitBounds and autopan animate)."""
    frame = map_frame(page)
    frame.wait_for_function(
        """() => new Promise(resolve => {
             const c1 = JSON.stringify(window.map.getCenter()) + window.map.getZoom();
             setTimeout(() => resolve(c1 === JSON.stringify(window.map.getCenter())
                                            + window.map.getZoom()), 250);
           })""",
        timeout=timeout,
    )


def point_on_page(page: Any, lat: float, lon: float) -> tuple[float, float]:
    """Where ``(lat, lon)`` is on the page, in CSS pixels."""
    handle = page.wait_for_selector(MAP_IFRAME)
    box = handle.bounding_box()
    x, y = handle.content_frame().evaluate(
        """([lat, lon]) => {
             const p = window.map.latLngToContainerPoint([lat, lon]);
             const r = window.map.getContainer().getBoundingClientRect();
             return [r.left + p.x, r.top + p.y];
           }""",
        [lat, lon],
    )
    return box["x"] + x, box["y"] + y


def click_map(page: Any, lat: float, lon: float) -> None:
    x, y = point_on_page(page, lat, lon)
    page.mouse.click(x, y)


def choose(page: Any, label: str, option: str) -> None:
    """Pick ``option`` in the sidebar multiselect labelled ``label``."""
    widget = page.locator("[data-testid='stMultiSelect']").filter(has_text=label)
    widget.locator("input").click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")


# The pixel boxes, inside the map, of the data (border segments and incident marks, with
# their radius) and of the legend: [left, top, right, bottom].
_BOXES = """
() => {
  const map = window.map;
  let box = null;
  const grow = (x0, y0, x1, y1) => {
    box = box ? [Math.min(box[0], x0), Math.min(box[1], y0), Math.max(box[2], x1),
                 Math.max(box[3], y1)] : [x0, y0, x1, y1];
  };
  map.eachLayer(l => {
    const k = l.feature && l.feature.properties.k;
    if (k === 's' && l.getBounds) {
      const b = l.getBounds();
      const nw = map.latLngToContainerPoint(b.getNorthWest());
      const se = map.latLngToContainerPoint(b.getSouthEast());
      grow(nw.x, nw.y, se.x, se.y);
    } else if (k === 'i' && l.getLatLng) {
      const p = map.latLngToContainerPoint(l.getLatLng());
      const r = l.getRadius();
      grow(p.x - r, p.y - r, p.x + r, p.y + r);
    }
  });
  const m = map.getContainer().getBoundingClientRect();
  const g = document.querySelector('.bw-legend').getBoundingClientRect();
  return {data: box, legend: [g.left - m.left, g.top - m.top, g.right - m.left, g.bottom - m.top],
          size: [m.width, m.height], open: document.querySelector('.bw-legend').open};
}
"""


def map_boxes(page: Any) -> dict[str, Any]:
    """Where the data and the legend are drawn in the map, in pixels."""
    return map_frame(page).evaluate(_BOXES)


def visible_labels(page: Any, kind: str) -> list[str]:
    """The map's labels of one kind (country, neighbour, province, place) now shown."""
    return map_frame(page).eval_on_selector_all(
        f".bw-label-{kind}", "els => els.map(e => e.textContent)"
    )
