"""ACLED import throughput: rows per second into a fresh SQLite store, and peak memory.

Run: ``.venv/bin/python bench/import_bench.py [N] [--workers W]`` (default
1,000,000 rows, and as many workers as ``borderwatch import`` would use).
The input is made by the synthetic generator (``dashboard.synthetic``) and
written to a temporary ACLED-layout CSV; nothing real and no big file is
shipped. The import runs in a child process so its peak memory (max RSS) is
the import's own, not the generator's. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
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


def run_import(csv_path: Path, db_path: Path, workers: int | None) -> None:
    """The child: import into a fresh SQLite file and print the figures."""
    from dashboard.importers import import_file  # noqa: PLC0415
    from dashboard.store import SQLITE_BULK_CACHE_KIB, open_store  # noqa: PLC0415

    url = f"sqlite:///{db_path}"
    with open_store(url, upgrade=True) as store:
        before = _cpu_seconds()
        report = import_file(csv_path, "acled", store, workers=workers)
        cpu = _cpu_seconds() - before
        incidents = store.count_incidents()
    print(
        f"import: {report.rows:,} rows in {report.seconds:.1f} s = "
        f"{report.rows_per_second:,.0f} rows/s with {report.workers} worker(s); "
        f"{report.imported:,} imported, {report.rejected:,} rejected; store holds "
        f"{incidents:,} incidents, {db_path.stat().st_size / 1e6:,.0f} MB"
    )
    # CPU time next to wall time: on a shared machine the difference is other load.
    print(f"import CPU time (all processes): {cpu:.1f} s ({cpu / report.rows * 1e6:.0f} µs/row)")
    workers_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"peak memory: import process {_peak_rss_mb():,.0f} MB"
        + (f", each worker at most {workers_mb:,.0f} MB" if report.workers > 1 else "")
        + f" (each connection caches up to {SQLITE_BULK_CACHE_KIB // 1024} MB of SQLite pages)"
    )
    started = time.perf_counter()
    with open_store(url) as store:
        again = import_file(csv_path, "acled", store, workers=workers)
    print(
        f"re-import: {again.unchanged:,} unchanged, {again.imported:,} imported "
        f"in {time.perf_counter() - started:.1f} s"
    )


def _cpu_seconds() -> float:
    """User and system CPU time of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _peak_rss_mb() -> float:
    """This process's peak resident memory (Linux VmHWM; ru_maxrss survives exec).

    ``ru_maxrss`` would report the parent's peak, which made the input, because
    Linux keeps it across fork and exec; VmHWM belongs to this program alone.
    """
    status = Path("/proc/self/status")
    if status.is_file():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB elsewhere on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("rows", nargs="?", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, help="default: what the import chooses")
    parser.add_argument("--child", nargs=2, metavar=("CSV", "DB"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_import(Path(args.child[0]), Path(args.child[1]), args.workers)
        return
    with tempfile.TemporaryDirectory() as tmp:
        csv_path, db_path = Path(tmp) / "acled.csv", Path(tmp) / "bench.sqlite"
        write_input(args.rows, csv_path)
        command = [sys.executable, __file__, "--child", str(csv_path), str(db_path)]
        if args.workers is not None:
            command += ["--workers", str(args.workers)]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
