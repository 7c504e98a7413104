"""``borderwatch api`` at scale: a page of 100 with a bbox and dates, and ``numberMatched``.

Run: ``python bench/api_bench.py [--incidents N] [--backend sqlite|postgresql|both]``.
Prints figures; asserts nothing (timings belong in a report, not in a test).
Targets (issue 18): a page ≤ 0.3 s and ``numberMatched`` ≤ 1 s at 1,000,000 incidents.

For each backend a real ``borderwatch api`` process serves the store over
HTTP on 127.0.0.1, and each figure is the median wall time of a request from
this process over several different bboxes and date windows:

* first request: the server reads the incident table (once, then again only
  when the store changes);
* page: ``/collections/incidents/items?bbox=…&datetime=…&limit=100``, the
  features with their sources and excerpts;
* numberMatched: the same selection with ``resulttype=hits`` (the count alone),
  and the whole border's count with only a date window.

The SQLite store is made once with ``dashboard.synthetic.write_demo`` (as
``borderwatch demo --synthetic N``) under ``var/bench/`` and reused; the
PostgreSQL one is copied from it (``borderwatch copy-store``'s code) into a
throwaway cluster (``tests/pgcluster.py``) started for the run, unless
``--postgres-url`` names a database to fill.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # pgcluster: the tests' throwaway PostgreSQL

# Boxes around stretches of the Armenia–Azerbaijan border, and date windows.
BOXES = [
    (45.0, 40.8, 45.6, 41.3),  # Tavush – Gazakh
    (45.6, 40.0, 46.3, 40.5),  # Gegharkunik – Kalbajar
    (46.0, 39.2, 46.8, 39.9),  # Syunik
    (44.8, 39.5, 45.6, 40.0),  # Vayots Dzor – Sharur
]
WINDOWS = ["2019-01-01/2019-03-31", "2020-06-01/2020-12-31", "2022-09-01/2022-09-30"]
PAGE = 100
STARTUP_SECONDS = 900.0
_LOCAL = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def sqlite_store(n: int) -> str:
    """A SQLite store of ``n`` synthetic incidents under var/bench (made once)."""
    from dashboard.store import open_store  # noqa: PLC0415 - keep --help fast
    from dashboard.synthetic import write_demo  # noqa: PLC0415

    path = ROOT / "var" / "bench" / f"api-{n}.sqlite"
    path.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{path}"
    with open_store(url, upgrade=True) as opened:
        if opened.count_incidents() < n:
            started = time.perf_counter()
            print(f"writing {n:,} synthetic incidents to {path} …", file=sys.stderr)
            write_demo(opened, n, seed=0)
            print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return url


def postgres_store(source_url: str, target_url: str) -> str:
    """``target_url`` filled with a copy of the SQLite store (unless it already holds it)."""
    from dashboard.store import open_store  # noqa: PLC0415
    from dashboard.store.copy_store import copy_store  # noqa: PLC0415

    with open_store(source_url) as source, open_store(target_url, upgrade=True) as target:
        if target.count_incidents() != source.count_incidents():
            started = time.perf_counter()
            print("copying the store into PostgreSQL …", file=sys.stderr)
            copy_store(source, target, force=True)
            print(f"  done in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return target_url


def timed_json(url: str) -> tuple[float, dict]:
    started = time.perf_counter()
    with _LOCAL.open(url, timeout=STARTUP_SECONDS) as answer:
        body = json.load(answer)
    return time.perf_counter() - started, body


def serve(url: str, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from dashboard.cli import main; main()", "api"]
    process = subprocess.Popen(
        [*command, "--port", str(port), "--url", url],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"borderwatch api exited ({process.returncode})")
        try:
            _LOCAL.open(f"http://127.0.0.1:{port}/conformance", timeout=5).close()
            return process
        except OSError:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("borderwatch api did not start")


def measure(url: str, port: int, label: str) -> None:
    process = serve(url, port)
    items = f"http://127.0.0.1:{port}/collections/incidents/items"
    try:
        first, body = timed_json(f"{items}?synthetic=true&resulttype=hits")
        print(f"{label}: {body['numberMatched']:,} incidents")
        print(f"  first request (reads the incident table)   {first:7.3f} s")
        pages, hits, returned = [], [], []
        for box in BOXES:
            for window in WINDOWS:
                query = {
                    "bbox": ",".join(str(v) for v in box),
                    "datetime": window,
                    "synthetic": "true",
                }
                seconds, page = timed_json(f"{items}?{urlencode({**query, 'limit': PAGE})}")
                pages.append(seconds)
                returned.append(page["numberReturned"])
                seconds, _ = timed_json(f"{items}?{urlencode({**query, 'resulttype': 'hits'})}")
                hits.append(seconds)
        whole = [
            timed_json(f"{items}?{urlencode({'datetime': w, 'synthetic': 'true'})}&limit=1")[0]
            for w in WINDOWS
        ]
        print(
            f"  page of ≤{PAGE} with bbox and dates, median  {statistics.median(pages):7.3f} s"
            f"  (max {max(pages):.3f} s; {statistics.median(returned):.0f} features returned)"
        )
        print(
            f"  numberMatched, bbox and dates, median      {statistics.median(hits):7.3f} s"
            f"  (max {max(hits):.3f} s)"
        )
        print(f"  numberMatched, dates only (+1 feature)     {statistics.median(whole):7.3f} s")
    finally:
        process.terminate()
        process.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres-url", help="An empty PostgreSQL database to fill and use.")
    parser.add_argument("--port", type=int, default=5099)
    args = parser.parse_args()
    sqlite_url = sqlite_store(args.incidents)
    if args.backend in ("sqlite", "both"):
        measure(sqlite_url, args.port, "SQLite")
    if args.backend in ("postgresql", "both"):
        cluster = None
        target = args.postgres_url
        if target is None:
            import pgcluster  # noqa: PLC0415 - the tests' helper

            bindir = pgcluster.find_bindir()
            if bindir is None:
                sys.exit("no PostgreSQL server binaries: install postgresql or give --postgres-url")
            cluster = pgcluster.start(bindir)
            target = pgcluster.create_database(cluster, "api_bench")
        try:
            measure(postgres_store(sqlite_url, target), args.port + 1, "PostgreSQL")
        finally:
            if cluster is not None:
                pgcluster.stop(cluster)


if __name__ == "__main__":
    main()
