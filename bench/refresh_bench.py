"""How soon a write shows in an open dashboard session, at 100,000 or 1,000,000 incidents.

Run: ``python bench/refresh_bench.py [--incidents N]``. Prints figures; asserts
nothing (timings belong in a report, not in a test).

Two sessions of the map page (Streamlit's ``AppTest``, in one process, as two
browser tabs on one server) are opened on a copy of the synthetic bench store
(``bench/app_bench.py`` makes it once under ``var/bench/``). Then, as another
person or process would:

* **edit → visible**: an analyst confirms an incident through the store; the
  second session's next rerun is timed, and the table it drew from is checked
  to hold the new status. The dashboard re-reads the store's version at most
  every half second (``data.store_version``), so the wait a user sees is this
  rerun plus up to half a second;
* **ingest → first render**: the founding article (``samples/reports``) is
  ingested; timed are the second session's next rerun and a brand-new
  session's first render;
* for comparison, **read whole**: the same table read from the store whole
  (what every write cost before the change log).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
DASHBOARD = ROOT / "dashboard" / "app" / "main.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=100_000)
    args = parser.parse_args()

    from app_bench import ensure_store  # noqa: PLC0415 - the bench store, made once

    source = Path(ensure_store(args.incidents, None).removeprefix("sqlite:///"))
    with tempfile.TemporaryDirectory(prefix="refresh-bench-") as folder:
        copy = Path(folder) / "store.sqlite"
        _copy_sqlite(source, copy)
        os.environ["BORDERWATCH_DATABASE_URL"] = f"sqlite:///{copy}"
        os.environ["BORDERWATCH_CACHE_DIR"] = str(Path(folder) / "cache")
        figures = measure(f"sqlite:///{copy}")
    print(f"\nrefresh at {args.incidents:,} synthetic incidents (SQLite)")
    for name, value in figures.items():
        print(f"  {name:<38} {value}")


def measure(url: str) -> dict[str, object]:
    """Two sessions open, then an edit and an ingest by someone else."""
    from streamlit.testing.v1 import AppTest  # noqa: PLC0415

    from dashboard import query  # noqa: PLC0415
    from dashboard.app import data  # noqa: PLC0415
    from dashboard.gazetteer import load_gazetteer  # noqa: PLC0415
    from dashboard.models import ReviewStatus  # noqa: PLC0415
    from dashboard.pipeline import ingest  # noqa: PLC0415
    from dashboard.store import Correction, open_store  # noqa: PLC0415

    def session() -> tuple[AppTest, float]:
        at = AppTest.from_file(str(DASHBOARD), default_timeout=3600)
        at.query_params["synthetic"] = "1"
        began = time.perf_counter()
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].message)
        return at, time.perf_counter() - began

    def rerun(at: AppTest) -> float:
        time.sleep(0.55)  # past the version's half-second cache, as a later click would be
        began = time.perf_counter()
        at.run()
        if at.exception:
            raise RuntimeError(at.exception[0].message)
        return time.perf_counter() - began

    figures: dict[str, object] = {}
    _, figures["first session, cold (s)"] = _rounded(session())
    other, figures["second session (s)"] = _rounded(session())
    store = open_store(url)
    table = data.incident_table(url, store.fingerprint())
    target = str(table.incidents["id"].iloc[len(table) // 2])
    store.review_incident(
        target,
        Correction(status=ReviewStatus.CONFIRMED),
        by="bench",
        reason="refresh bench",
        expected_version=store.review_state(target).version,
    )
    figures["edit → visible: rerun (s)"] = round(rerun(other), 2)
    table = data.incident_table(url, store.fingerprint())
    row = table.incidents.index[table.incidents["id"] == target][0]
    figures["edit visible in the table"] = table.incidents.at[row, "review_status"] == "confirmed"

    before = len(table)
    summary = ingest([ROOT / "samples" / "reports"], store, load_gazetteer("am-az"))
    figures["ingest: incidents stored"] = summary.incidents_created
    figures["ingest → rerun (s)"] = round(rerun(other), 2)
    _, figures["ingest → new session (s)"] = _rounded(session())
    table = data.incident_table(url, store.fingerprint())
    figures["incidents before → after"] = f"{before:,} → {len(table):,}"

    began = time.perf_counter()
    query.load_incident_table(store)
    figures["read whole, for comparison (s)"] = round(time.perf_counter() - began, 2)
    store.close()
    return figures


def _rounded(result: tuple[object, float]) -> tuple[object, float]:
    return result[0], round(result[1], 2)


def _copy_sqlite(source: Path, target: Path) -> None:
    """A copy of the bench store, so the bench's own writes never accumulate in it."""
    from dashboard.store import open_store  # noqa: PLC0415

    with open_store(f"sqlite:///{source}", upgrade=True) as opened, opened.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copyfile(source, target)


if __name__ == "__main__":
    main()
