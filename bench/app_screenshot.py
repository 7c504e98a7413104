"""Take the README's screenshot: a first run of the dashboard, one click on the map.

Run: ``make screenshot`` (writes ``docs/dashboard.png``). Starts ``borderwatch
app``'s command on a free port with a brand-new store, so the dashboard fills
it from the bundled sample (the founding article), exactly as ``make run``
does the first time; then clicks the incident on the map, like a user, and
photographs the map beside the words of its source. Debian's Chromium, no
internet.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "bench"))

OUT = ROOT / "docs" / "dashboard.png"


def main() -> None:
    from app_bench import _serve  # noqa: PLC0415
    from conftest import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: PLC0415
    from dashboard_page import click_map, map_frame, open_dashboard, wait_map_still  # noqa: PLC0415
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    from dashboard.cli import APP_SCRIPT  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'first-run.sqlite'}"
        port = free_port()
        server = _serve(APP_SCRIPT, url, port, cache=Path(folder) / "cache")
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
                )
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                open_dashboard(page, f"http://127.0.0.1:{port}/", 300_000)
                wait_map_still(page)
                lat, lon = map_frame(page).evaluate(
                    """() => Object.values(window.map._layers)
                         .filter(l => l.feature && l.feature.properties.k === 'i')
                         .map(l => [l.getLatLng().lat, l.getLatLng().lng])[0]"""
                )
                click_map(page, lat, lon)
                page.wait_for_selector("[data-testid='bw-excerpt'] mark", timeout=30_000)
                page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']")
                wait_map_still(page)
                # the "first run" notice fades by itself; the picture is of the steady page
                page.wait_for_selector("[data-testid='stToast']", state="detached", timeout=30_000)
                page.wait_for_timeout(800)
                OUT.parent.mkdir(exist_ok=True)
                page.screenshot(path=str(OUT))
                browser.close()
        finally:
            server.terminate()
            server.wait()
    print(f"{OUT} ({OUT.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
