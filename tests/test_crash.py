"""Crash safety: SIGKILL an ingest in the middle of a large batch, then finish the job.

The store must come back whole (SQLite ``PRAGMA integrity_check``; every
incident with its citation, source, excerpt and province), and running the
same ingest again must end with exactly the expected incidents, none twice.
Both backends (the ``empty_database_url`` fixture).
"""

from __future__ import annotations

import signal
import subprocess
import time

import pytest
from counts import record
from synthetic_reports import (
    counts,
    ingest_command,
    integrity_problems,
    run_ingest,
    subprocess_env,
    write_reports,
)

from dashboard.store import open_store

# Seconds, not milliseconds: `make test-fast` leaves these out, `make test` (CI) runs them.
pytestmark = pytest.mark.slow

REPORTS = 800
# Kill once this many documents are committed: well inside the batch.
KILL_AFTER = 150
STARTUP_TIMEOUT_S = 120


def test_ingest_killed_mid_batch_leaves_a_whole_store_and_reruns_exactly(
    empty_database_url, tmp_path
):
    backend = empty_database_url.split(":")[0].split("+")[0]
    write_reports(tmp_path / "reports", REPORTS)
    open_store(empty_database_url, upgrade=True).close()
    started = time.perf_counter()
    writer = subprocess.Popen(
        ingest_command(tmp_path / "reports"),
        env=subprocess_env(empty_database_url),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with open_store(empty_database_url) as store:
        try:
            deadline = time.monotonic() + STARTUP_TIMEOUT_S
            while counts(store.engine)[1] < KILL_AFTER:
                assert writer.poll() is None, "ingest finished before it could be killed"
                assert time.monotonic() < deadline, "ingest made no progress"
                time.sleep(0.02)
            writer.send_signal(signal.SIGKILL)
        finally:
            writer.kill()
            writer.wait(timeout=60)
        assert writer.returncode == -signal.SIGKILL
        store.close()
    # Reopened as a fresh process would: the store is whole, the batch unfinished.
    with open_store(empty_database_url) as store:
        assert integrity_problems(store.engine) == []
        sources_at_kill, incidents_at_kill = counts(store.engine)
        assert sources_at_kill == incidents_at_kill
        assert KILL_AFTER <= incidents_at_kill < REPORTS
    rerun = run_ingest(empty_database_url, tmp_path / "reports")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert f"{incidents_at_kill} unchanged" in rerun.stdout
    assert f"{REPORTS - incidents_at_kill} incidents created" in rerun.stdout
    with open_store(empty_database_url) as store:
        assert counts(store.engine) == (REPORTS, REPORTS)
        assert integrity_problems(store.engine) == []
    record(
        f"crash[{backend}]",
        reports=REPORTS,
        committed_at_kill=incidents_at_kill,
        created_by_rerun=REPORTS - incidents_at_kill,
        final_incidents=REPORTS,
        seconds=f"{time.perf_counter() - started:.1f}",
    )
