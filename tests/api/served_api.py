"""News-published incidents and a ``borderwatch api`` server to read them, for tests/api.

The incidents are the dashboard's fixture documents (``fixture_store``: points,
segments, provinces, a month, a week, one incident reported twice, one source
full of script-injection payloads) published here as "Example News", not as
"synthetic": a client such as GDAL cannot ask for synthetic incidents, and
these tests check what a client reads by default. The store lives only in
the test's temporary database.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fixture_store import fixture_documents

from dashboard.store import Store

NEWS = "Example News"
STARTUP_SECONDS = 120.0


def save_news_documents(store: Store) -> None:
    for source, incidents in fixture_documents():
        store.save_document(dataclasses.replace(source, publisher=NEWS), incidents)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def api_server(database_url: str, folder: Path, *options: str) -> Iterator[str]:
    """Run ``borderwatch api`` on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    log = folder / f"api-{port}.log"
    command = [sys.executable, "-c", "from dashboard.cli import main; main()", "api"]
    command += ["--port", str(port), "--url", database_url, *options]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, env=os.environ.copy(), stdin=subprocess.DEVNULL, stdout=out, stderr=out
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_answering(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_answering(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    local = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"borderwatch api exited ({process.returncode}):\n{log.read_text()}")
        try:
            with local.open(f"{base}/?f=json", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"borderwatch api did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")
