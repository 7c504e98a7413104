"""ACLED import throughput: rows per second into a fresh SQLite store, and peak memory.

Run: ``.venv/bin/python bench/import_bench.py [N]`` (default 1,000,000 rows).
The input is made by the synthetic generator (``dashboard.synthetic``) and
written to a temporary ACLED-layout CSV; nothing real and no big file is
shipped. The import runs in a child process so its peak memory (max RSS) is
the import's own, not the generator's. Prints figures; asserts nothing.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# One core for numpy, as in the geocoding benchmark.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def write_input(n: int, path: Path) -> None:
    from dashboard.synthetic import synthetic_events, to_acled_frame  # noqa: PLC0415

    started = time.perf_counter()
    events = synthetic_events(n, seed=2021)
    to_acled_frame(events).to_csv(path, index=False)
    size = path.stat().st_size
    print(
        f"input: {n:,} synthetic ACLED rows, {size / 1e6:,.0f} MB, "
        f"made in {time.perf_counter() - started:.1f} s"
    )


def run_import(csv_path: Path, db_path: Path) -> None:
    """The child: import into a fresh SQLite file and print the figures."""
    from dashboard.importers import import_file  # noqa: PLC0415
    from dashboard.store import open_store  # noqa: PLC0415

    url = f"sqlite:///{db_path}"
    with open_store(url, upgrade=True) as store:
        report = import_file(csv_path, "acled", store)
        incidents = store.count_incidents()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    print(
        f"import: {report.rows:,} rows in {report.seconds:.1f} s = "
        f"{report.rows_per_second:,.0f} rows/s; {report.imported:,} imported, "
        f"{report.rejected:,} rejected; store holds {incidents:,} incidents, "
        f"{db_path.stat().st_size / 1e6:,.0f} MB"
    )
    print(f"peak memory (max RSS of the import process): {peak_mb:,.0f} MB")
    started = time.perf_counter()
    with open_store(url) as store:
        again = import_file(csv_path, "acled", store)
    print(
        f"re-import: {again.unchanged:,} unchanged, {again.imported:,} imported "
        f"in {time.perf_counter() - started:.1f} s"
    )


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        run_import(Path(sys.argv[2]), Path(sys.argv[3]))
        return
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, db_path = Path(tmp) / "acled.csv", Path(tmp) / "bench.sqlite"
        write_input(n, csv_path)
        subprocess.run(
            [sys.executable, __file__, "--child", str(csv_path), str(db_path)], check=True
        )


if __name__ == "__main__":
    main()
