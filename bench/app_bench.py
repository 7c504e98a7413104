"""Dashboard performance, against the naive one-``folium.Marker``-per-incident page.

Run: ``make bench-app`` or ``python bench/app_bench.py [--incidents N] [--browser]``.
Prints figures; asserts nothing (timings belong in a report, not in a test).

Server side (each app measured in a fresh interpreter, with ``AppTest``):
* first render: the first script run in a cold process (imports, reading
  the store, building the map) and the first run of a second session on
  the now-warm process;
* filter change: median rerun over a fixed list of filter changes;
* payload: bytes of the map component's arguments (what goes over the
  websocket on every rerun), and of the context layers alone;
* memory: peak resident set of the process.

Browser (``--browser``; Debian's Chromium, no internet, ``borderwatch app``'s
command): first map paint (cold and warm server), click-to-excerpt (median
over five incidents), reruns caused by pan/zoom and by one click. The naive
page is loaded too: with no internet its map never paints (CDN scripts).

The store is made once with ``dashboard.synthetic.write_demo`` (the same data
as ``borderwatch demo --synthetic N``) under ``var/bench/`` and reused.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "dashboard" / "app" / "main.py"
NAIVE = ROOT / "bench" / "app_naive.py"
sys.path.insert(0, str(ROOT / "tests" / "browser"))  # the browser tests' page helpers

# The filter changes timed on the dashboard (widget key → value), in order.
DASHBOARD_CHANGES: list[tuple[str, Any]] = [
    ("f_provinces", ["AM-GR"]),
    ("f_provinces", ["AM-SU"]),
    ("f_provinces", ["AM-TV", "AZ-QAZ"]),
    ("f_provinces", []),
    ("f_segments", ["AM-GR_AZ-KAL"]),
    ("f_segments", []),
    ("f_types", ["Battles"]),
    ("f_min_fatalities", 1),
    ("f_types", []),
    ("f_min_fatalities", 0),
]
NAIVE_CHANGES = [["AM-GR"], ["AM-SU"], []]


# --------------------------------------------------------------------- store


def ensure_store(n: int, url: str | None) -> str:
    """A store with ``n`` synthetic incidents (made once, then reused)."""
    from dashboard.store import open_store  # noqa: PLC0415 - keep --help fast

    if url:
        return url
    path = ROOT / "var" / "bench" / f"app-{n}.sqlite"
    url = f"sqlite:///{path}"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_store(url, upgrade=True) as opened:
        if opened.count_incidents() >= n:
            return url
        from dashboard.synthetic import write_demo  # noqa: PLC0415 - lands with `demo`

        started = time.perf_counter()
        print(f"writing {n:,} synthetic incidents to {path} …", file=sys.stderr)
        write_demo(opened, n, seed=0)
        print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return url


# -------------------------------------------------------------- server side


def measure_server(app: str, url: str, naive_limit: int | None) -> dict[str, Any]:
    """Run in a fresh interpreter (``--measure``): cold and warm first render, reruns."""
    os.environ["BORDERWATCH_DATABASE_URL"] = url
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415

    naive = Path(app) == NAIVE

    def start() -> tuple[AppTest, float]:
        at = AppTest.from_file(app, default_timeout=3600)
        at.query_params["synthetic"] = "1"
        if naive and naive_limit:
            at.query_params["limit"] = str(naive_limit)
        began = time.perf_counter()
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].message)
        return at, time.perf_counter() - began

    at, cold = start()
    cold_payload = _payload(at)
    at, warm = start()
    reruns, payloads = [], []
    for change in NAIVE_CHANGES if naive else DASHBOARD_CHANGES:
        if naive:
            at.query_params["province"] = change
        else:
            key, value = change
            at.session_state[key] = value
        began = time.perf_counter()
        at.run()
        reruns.append(time.perf_counter() - began)
        payloads.append(_payload(at)["total"])
    return {
        "first_render_cold_s": round(cold, 2),
        "first_render_warm_s": round(warm, 2),
        "filter_rerun_median_s": round(statistics.median(reruns), 3),
        "filter_rerun_max_s": round(max(reruns), 3),
        "payload_bytes": cold_payload["total"],
        "payload_max_bytes": max([cold_payload["total"], *payloads]),
        "context_layer_bytes": cold_payload["context"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _payload(at: Any) -> dict[str, int]:
    (component,) = [
        c for c in at.get("component_instance") if "st_folium" in c.proto.component_name
    ]
    args = json.loads(component.proto.json_args)
    layers = args.get("feature_group") or ""
    context = sum(
        len(line.encode())
        for line in layers.splitlines()
        if 'bw.layer("provinces"' in line or 'bw.layer("segments"' in line
    )
    return {"total": len(component.proto.json_args.encode()), "context": context}


def server_figures(app: Path, url: str, naive_limit: int | None) -> dict[str, Any]:
    command = [sys.executable, __file__, "--measure", str(app), "--store", url]
    if naive_limit:
        command += ["--naive-limit", str(naive_limit)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{app.name}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------ browser


def _serve(app: Path, url: str, port: int, cache: Path | None = None) -> subprocess.Popen[bytes]:
    from dashboard.cli import app_command_line  # noqa: PLC0415

    command = app_command_line(port)
    command[command.index(str(DASHBOARD))] = str(app)
    env = {**os.environ, "BORDERWATCH_DATABASE_URL": url}
    env.pop("BORDERWATCH_TILES", None)
    if cache is not None:
        env["BORDERWATCH_CACHE_DIR"] = str(cache)
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"{app.name} did not start")


def browser_figures(url: str) -> dict[str, Any]:
    from conftest import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: PLC0415
    from dashboard_page import (  # noqa: PLC0415
        open_dashboard,
        point_on_page,
        runs,
        wait_map_still,
    )
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    figures: dict[str, Any] = {}
    port = free_port()
    server = _serve(DASHBOARD, url, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)

            def fresh_page() -> Any:
                return browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()

            figures["first_paint_cold_s"] = round(
                open_dashboard(fresh_page(), base + "/?synthetic=1", 300_000), 2
            )
            page = fresh_page()
            figures["first_paint_warm_s"] = round(open_dashboard(page, base + "/?synthetic=1"), 2)
            # pan and zoom: no rerun
            wait_map_still(page)
            x, y = point_on_page(page, 40.3, 45.4)
            page.mouse.move(x, y)
            page.mouse.down()
            page.mouse.move(x + 100, y + 50, steps=8)
            page.mouse.up()
            page.mouse.wheel(0, -300)
            wait_map_still(page)
            page.wait_for_timeout(1500)
            figures["reruns_on_pan_zoom"] = runs(page)
            # click-to-excerpt, on a view narrow enough to draw each incident
            page = fresh_page()
            since = (_last_day(url) - timedelta(days=60)).isoformat()
            open_dashboard(page, f"{base}/?synthetic=1&province=AM-GR&from={since}")
            figures.update(click_figures(page))
            browser.close()
    finally:
        server.terminate()
        server.wait()
    figures.update(naive_browser_figures(url))
    return figures


def click_figures(page: Any) -> dict[str, Any]:
    """Click up to five exact points; seconds from click to their excerpt, reruns per click."""
    from dashboard_page import click_map, map_frame, runs, wait_map_still, wait_runs  # noqa: PLC0415

    figures: dict[str, Any] = {}
    wait_map_still(page)
    # exact points, drawn last (on top), away from the legend and controls
    targets = map_frame(page).evaluate(
        """() => Object.values(window.map._layers)
             .filter(l => l.feature && l.feature.properties.k === 'i'
                          && l.feature.properties.lp === 'point')
             .filter(l => {
               const p = window.map.latLngToContainerPoint(l.getLatLng());
               const r = window.map.getContainer().getBoundingClientRect();
               const e = document.elementFromPoint(r.left + p.x, r.top + p.y);
               return e && e.tagName === 'CANVAS';
             })
             .reverse().slice(0, 8)
             .map(l => [l.getLatLng().lat, l.getLatLng().lng])"""
    )
    timings, missed = [], 0
    for lat, lon in targets:
        map_frame(page).evaluate("() => { window.map.closePopup(); }")
        before, shown = runs(page), _panel_incident(page)
        started = time.monotonic()
        click_map(page, lat, lon)
        try:  # the panel shows the clicked incident (or one drawn on top of it)
            page.wait_for_function(
                """shown => {
                     const p = document.querySelector('.bw-panel[data-incident]');
                     return p && p.getAttribute('data-incident') !== shown;
                   }""",
                arg=shown,
                timeout=10_000,
            )
        except Exception:  # the click hit the incident already selected
            missed += 1
            continue
        timings.append(time.monotonic() - started)
        wait_runs(page, before + 1)
        page.wait_for_timeout(1200)
        figures.setdefault("reruns_per_click", []).append(runs(page) - before)
        if len(timings) == 5:
            break
    figures["click_to_excerpt_median_s"] = round(statistics.median(timings), 2) if timings else None
    figures["clicks_measured"] = len(timings)
    figures["clicks_on_the_selected_incident"] = missed
    return figures


def _panel_incident(page: Any) -> str | None:
    panel = page.query_selector(".bw-panel[data-incident]")
    return panel.get_attribute("data-incident") if panel else None


def _last_day(url: str) -> date:
    from sqlalchemy import func, select  # noqa: PLC0415

    from dashboard.store import open_store, schema  # noqa: PLC0415

    with open_store(url) as opened, opened.engine.connect() as conn:
        value = conn.execute(select(func.max(schema.incidents.c.date_end))).scalar_one()
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def naive_browser_figures(url: str) -> dict[str, Any]:
    from conftest import CHROMIUM, CHROMIUM_ARGS, free_port  # noqa: PLC0415
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    port = free_port()
    server = _serve(NAIVE, url, port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            started = time.monotonic()
            page.goto(f"http://127.0.0.1:{port}/?synthetic=1&limit=10000")
            page.wait_for_selector(
                "[data-testid='stApp'][data-test-script-state='notRunning']", timeout=600_000
            )
            frame = page.wait_for_selector(
                'iframe[title="streamlit_folium.st_folium"]', state="attached"
            ).content_frame()
            try:
                frame.wait_for_selector(".leaflet-marker-icon", timeout=60_000)
                painted: float | str = round(time.monotonic() - started, 2)
            except Exception:
                painted = "never (its CDN scripts are unreachable offline)"
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return {"naive_first_paint_10k_s": painted}


# --------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    parser.add_argument("--store", help="measure this store instead of a generated one")
    parser.add_argument("--browser", action="store_true", help="also time it in Chromium")
    parser.add_argument("--skip-naive", action="store_true")
    parser.add_argument(
        "--naive-limit", type=int, help="draw at most this many markers on the naive page"
    )
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_server(args.measure, args.store, args.naive_limit)))
        return
    url = ensure_store(args.incidents, args.store)
    results: dict[str, Any] = {"incidents": args.incidents, "store": url}
    results["dashboard"] = server_figures(DASHBOARD, url, None)
    _print("dashboard (server)", results["dashboard"])
    if not args.skip_naive:
        results["naive"] = server_figures(NAIVE, url, args.naive_limit)
        _print(f"naive markers (server, limit {args.naive_limit or 'none'})", results["naive"])
    if args.browser:
        results["browser"] = browser_figures(url)
        _print("browser (Chromium, offline)", results["browser"])
    print(json.dumps(results))


def _print(title: str, figures: dict[str, Any]) -> None:
    print(f"\n{title}")
    for name, value in figures.items():
        print(f"  {name:<28} {value}")


if __name__ == "__main__":
    main()
