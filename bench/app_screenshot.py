"""Take the README's pictures: a first run of the dashboard at a laptop's and a desktop's size.

Run: ``make screenshot``. Starts ``borderwatch app``'s command on a free port
with a brand-new store, so the dashboard fills it from the bundled sample (the
founding article), exactly as ``make run`` does the first time. Then, at
1280×720 and at 1920×1080, in offline Debian Chromium, it photographs:

- ``docs/map-WxH.png``: the first view, with its names and legend;
- ``docs/incident-WxH.png``: an incident clicked on the map, its source beside it;
- ``docs/timeline-WxH.png`` and ``docs/heat-WxH.png``: the Timeline page and the Border
  page's heat table, from the tests' fixture store (seven synthetic incidents over three
  years, ``?synthetic=1``): the sample's one incident, known only to a month and to a
  province, leaves the timeline a single span and the heat table empty.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "bench"))

DOCS = ROOT / "docs"
SIZES = ((1280, 720), (1920, 1080))
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
# The first incident the map draws (vaguest first), as a user would find it.
_FIRST_INCIDENT = """() => Object.values(window.map._layers)
    .filter(l => l.feature && l.feature.properties.k === 'i')
    .map(l => [l.getLatLng().lat, l.getLatLng().lng])[0]"""


def _steady(page: Any) -> None:
    """Wait for the script, the map and the one-time notice to settle before a picture."""
    from dashboard_page import wait_map_still  # noqa: PLC0415

    page.wait_for_selector(IDLE)
    wait_map_still(page)
    page.wait_for_selector("[data-testid='stToast']", state="detached", timeout=30_000)
    page.wait_for_timeout(600)


def take_pictures(page: Any, base: str, size: tuple[int, int]) -> list[Path]:
    """The three pictures at one window size; returns their paths."""
    from dashboard_page import click_map, map_frame, open_dashboard  # noqa: PLC0415

    suffix = f"{size[0]}x{size[1]}"
    taken = []
    open_dashboard(page, f"{base}/", 300_000)
    _steady(page)
    taken.append(DOCS / f"map-{suffix}.png")
    page.screenshot(path=str(taken[-1]))
    click_map(page, *map_frame(page).evaluate(_FIRST_INCIDENT))
    page.wait_for_selector("[data-testid='bw-excerpt'] mark", timeout=30_000)
    _steady(page)
    taken.append(DOCS / f"incident-{suffix}.png")
    page.screenshot(path=str(taken[-1]))
    return taken


def take_charts(page: Any, base: str, size: tuple[int, int]) -> list[Path]:
    """The Timeline page and the Border page's heat table, synthetic incidents shown."""
    taken = []
    for name, path in (("timeline", "timeline"), ("heat", "border")):
        page.goto(f"{base}/{path}?synthetic=1")
        page.wait_for_selector("[data-testid='stVegaLiteChart']", timeout=120_000)
        page.wait_for_selector(IDLE)
        page.wait_for_timeout(1500)  # the charts draw after the script ends
        taken.append(DOCS / f"{name}-{size[0]}x{size[1]}.png")
        page.screenshot(path=str(taken[-1]))
    return taken


def main() -> None:
    from app_bench import _serve  # noqa: PLC0415
    from conftest import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: PLC0415
    from fixture_store import seed_fixture_url  # noqa: PLC0415
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    from dashboard.cli import APP_SCRIPT  # noqa: PLC0415

    DOCS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        first_run = f"sqlite:///{Path(folder) / 'first-run.sqlite'}"
        fixture = f"sqlite:///{Path(folder) / 'fixture.sqlite'}"
        seed_fixture_url(fixture)
        ports = free_port(), free_port()
        servers = [
            _serve(APP_SCRIPT, url, port, cache=Path(folder) / f"cache-{port}")
            for url, port in zip((first_run, fixture), ports, strict=True)
        ]
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                for size in SIZES:
                    context = browser.new_context(viewport={"width": size[0], "height": size[1]})
                    paths = take_pictures(context.new_page(), f"http://127.0.0.1:{ports[0]}", size)
                    paths += take_charts(context.new_page(), f"http://127.0.0.1:{ports[1]}", size)
                    for path in paths:
                        print(f"{path.relative_to(ROOT)} ({path.stat().st_size // 1024} KB)")
                    context.close()
                browser.close()
        finally:
            for server in servers:
                server.terminate()
                server.wait()


if __name__ == "__main__":
    main()
