"""Concurrent use: ingest while the dashboard reads, and two ingests racing on the same files.

The writer is a real ``borderwatch ingest`` process; the readers are 20
threads, each with its own store (as 20 dashboard sessions would be), looping
over what the dashboard does on a rerun: load the incident table, filter it,
and check what it sees. Both backends (the ``empty_database_url`` fixture).
"""

from __future__ import annotations

import subprocess
import threading
import time
from datetime import date

import numpy as np
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

from dashboard.query import IncidentFilter, filter_mask, load_incident_table
from dashboard.store import open_store

# Seconds, not milliseconds: `make test-fast` leaves these out, `make test` (CI) runs them.
pytestmark = pytest.mark.slow

READERS = 20
REPORTS = 240
WRITER_TIMEOUT_S = 240

FILTERS = (
    IncidentFilter(include_synthetic=True),
    IncidentFilter(include_synthetic=True, provinces=("AM-TV",)),
    IncidentFilter(include_synthetic=True, date_from=date(2020, 1, 1), date_to=date(2020, 12, 31)),
    IncidentFilter(include_synthetic=False),
)


class Reader(threading.Thread):
    """Loads and filters the incident table until told to stop; keeps what went wrong."""

    def __init__(self, url: str, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.url, self.stop = url, stop
        self.passes = self.rows = 0
        self.problems: list[str] = []
        self.last_seen = 0

    def run(self) -> None:
        try:
            with open_store(self.url) as store:
                while not self.stop.is_set():
                    self.one_pass(store)
                self.one_pass(store)  # once more after the writer finished
        except Exception as exc:  # any error is a finding, kept for the assert
            self.problems.append(f"{type(exc).__name__}: {exc}")

    def one_pass(self, store) -> None:
        table = load_incident_table(store)
        n = len(table)
        self.passes += 1
        self.rows += n
        if n < self.last_seen:
            self.problems.append(f"incidents went from {self.last_seen} down to {n}")
        self.last_seen = n
        # One snapshot: every incident in the table has its report and its province rows.
        if n and table.reports.min() < 1:
            missing = int((table.reports < 1).sum())
            self.problems.append(f"{missing} of {n} incidents cite no report")
        if len(table.provinces) and table.provinces["row"].min() < 0:
            self.problems.append("a province row points at an incident not in the table")
        with_province = np.zeros(n, dtype=bool)
        with_province[table.provinces["row"].to_numpy()[table.provinces["row"] >= 0]] = True
        if not with_province.all():
            self.problems.append(f"{int((~with_province).sum())} incidents have no province")
        for filt in FILTERS:
            mask = filter_mask(table, filt)
            if len(mask) != n:
                self.problems.append(f"mask of {len(mask)} for {n} incidents")
        if filter_mask(table, FILTERS[-1]).any():
            self.problems.append("synthetic incidents shown with include_synthetic off")
        # No half-written document is visible to a plain SQL reader either.
        self.problems.extend(integrity_problems(store.engine))


def test_readers_see_whole_documents_while_ingest_writes(empty_database_url, tmp_path):
    write_reports(tmp_path / "reports", REPORTS)
    open_store(empty_database_url, upgrade=True).close()
    stop = threading.Event()
    readers = [Reader(empty_database_url, stop) for _ in range(READERS)]
    started = time.perf_counter()
    for reader in readers:
        reader.start()
    writer = subprocess.Popen(
        ingest_command(tmp_path / "reports"),
        env=subprocess_env(empty_database_url),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _out, err = writer.communicate(timeout=WRITER_TIMEOUT_S)
    finally:
        writer.kill()
        stop.set()
        for reader in readers:
            reader.join(timeout=120)
    seconds = time.perf_counter() - started
    assert writer.returncode == 0, err[-3000:]
    assert not any(r.is_alive() for r in readers), "a reader hung"
    problems = [p for r in readers for p in r.problems]
    assert problems == [], problems[:10]
    with open_store(empty_database_url) as store:
        assert counts(store.engine) == (REPORTS, REPORTS)
        assert integrity_problems(store.engine) == []
    passes = sum(r.passes for r in readers)
    assert all(r.last_seen == REPORTS for r in readers)
    # Readers overlapped the writer: some pass saw a table that was neither empty nor full.
    record(
        f"concurrency[{empty_database_url.split(':')[0].split('+')[0]}]",
        readers=len(readers),
        reader_passes=passes,
        rows_read=sum(r.rows for r in readers),
        reports=REPORTS,
        incidents=REPORTS,
        seconds=f"{seconds:.1f}",
    )
    assert passes >= 2 * READERS


def test_two_ingests_on_overlapping_files_store_each_once(empty_database_url, tmp_path):
    # Two folders sharing reports 100..199: the same content reached by two writers at once.
    write_reports(tmp_path / "a", 200, start=0)
    write_reports(tmp_path / "b", 200, start=100)
    open_store(empty_database_url, upgrade=True).close()
    started = time.perf_counter()
    writers = [
        subprocess.Popen(
            ingest_command(tmp_path / folder),
            env=subprocess_env(empty_database_url),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for folder in ("a", "b")
    ]
    outputs = []
    try:
        for writer in writers:
            outputs.append(writer.communicate(timeout=WRITER_TIMEOUT_S))
    finally:
        for writer in writers:
            writer.kill()
    for writer, (_out, err) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, err[-3000:]
    with open_store(empty_database_url) as store:
        assert counts(store.engine) == (300, 300)
        assert integrity_problems(store.engine) == []
    # Between them the two runs created each incident exactly once.
    created = sum(int(out.split(" incidents created")[0].rsplit(" ", 1)[-1]) for out, _ in outputs)
    assert created == 300, [out for out, _ in outputs]
    # And a third run over both changes nothing.
    again = run_ingest(empty_database_url, tmp_path / "a", tmp_path / "b")
    assert again.returncode == 0, again.stderr[-3000:]
    assert "0 incidents created" in again.stdout
    with open_store(empty_database_url) as store:
        assert counts(store.engine) == (300, 300)
    record(
        f"overlapping-ingest[{empty_database_url.split(':')[0].split('+')[0]}]",
        writers=2,
        files=400,
        distinct_reports=300,
        incidents=300,
        seconds=f"{time.perf_counter() - started:.1f}",
    )
