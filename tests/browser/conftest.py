"""A real dashboard in a real browser: ``streamlit run`` on a free port, Debian's Chromium.

The server runs the same command as ``borderwatch app`` against a throwaway
SQLite store seeded by :mod:`fixture_store`. Chromium resolves no
host but this one (``--host-resolver-rules``), so every test also proves the
page works with no internet. Without Chromium or Playwright the tests skip
locally and fail when ``CI`` is set. A failing test leaves a screenshot in
``test-artifacts/``.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pgcluster
import pytest
from fixture_store import seed_fixture_url, seed_stacked_url

from dashboard.cli import app_command_line

CHROMIUM = Path(os.environ.get("BORDERWATCH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # No name resolves except the app's: the page must work offline.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
STARTUP_SECONDS = 90


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.browser)


def _unavailable(reason: str) -> None:
    """Skip locally; in CI a missing browser is a failure, not a skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set, so this fails instead of skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if importlib.util.find_spec("playwright") is None:
        _unavailable("playwright is not installed: pip install -e '.[test]'")
    if not CHROMIUM.is_file():
        _unavailable(f"no Chromium at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright  # noqa: PLC0415 - optional dependency

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the dashboard exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"the dashboard did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")


def start_dashboard(folder: Path, database_url: str) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Start ``borderwatch app``'s command on a free port; returns process, base URL, log.

    As on a machine where Streamlit never ran: a home of its own (no saved
    e-mail, no settings) and nobody at the keyboard (stdin closed).
    """
    port = free_port()
    home = folder / "home"
    home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "HOME": str(home),
        "BORDERWATCH_DATABASE_URL": database_url,
        "BORDERWATCH_CACHE_DIR": str(folder / "cache"),
    }
    env.pop("BORDERWATCH_TILES", None)  # no tiles: nothing to fetch from outside
    log = folder / "streamlit.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            app_command_line(port),
            cwd=folder,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    _wait_healthy(base, process, log)
    return process, base, log


def stop_dashboard(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def app_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Base URL and server log of a dashboard serving the fixture store."""
    folder = tmp_path_factory.mktemp("dashboard")
    url = f"sqlite:///{folder / 'fixture.sqlite'}"
    seed_fixture_url(url)
    process, base, log = start_dashboard(folder, url)
    try:
        yield base, log
    finally:
        stop_dashboard(process)


@pytest.fixture(scope="session")
def stacked_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a dashboard whose three incidents lie on one spot."""
    folder = tmp_path_factory.mktemp("stacked")
    url = f"sqlite:///{folder / 'stacked.sqlite'}"
    seed_stacked_url(url)
    process, base, _log = start_dashboard(folder, url)
    try:
        yield base
    finally:
        stop_dashboard(process)


# The review test's accounts; the hashes are made when the server starts.
REVIEW_PASSWORD = "correct horse battery"
REVIEW_ACCOUNTS = {"alice": "analyst", "bob": "analyst", "victor": "viewer"}


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def review_served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    """Base URL and store URL of a dashboard with password accounts in its secrets.toml,
    on each backend (review's writes, versions and change log differ in SQL)."""
    from dashboard.app.auth import hash_password  # noqa: PLC0415 - argon2, only here

    folder = tmp_path_factory.mktemp("review")
    database = f"review_{os.getpid()}"
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'review.sqlite'}"
    else:
        url = pgcluster.create_database(request.getfixturevalue("postgres_cluster"), database)
    seed_fixture_url(url)
    secrets = folder / ".streamlit" / "secrets.toml"  # Streamlit reads it from its cwd
    secrets.parent.mkdir()
    secrets.write_text(
        "".join(
            f'[borderwatch.accounts.{name}]\npassword_hash = "{hash_password(REVIEW_PASSWORD)}"\n'
            f'role = "{role}"\n'
            for name, role in REVIEW_ACCOUNTS.items()
        )
    )
    process, base, _log = start_dashboard(folder, url)
    try:
        yield base, url
    finally:
        stop_dashboard(process)
        if request.param == "postgresql":
            pgcluster.drop_database(request.getfixturevalue("postgres_cluster"), database)


@pytest.fixture(scope="session")
def app_server(app_served: tuple[str, Path]) -> str:
    """Base URL of a dashboard serving the fixture store."""
    return app_served[0]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    report = yield
    if report.when == "call":
        item.stash[_FAILED] = report.failed
    return report


_FAILED = pytest.StashKey[bool]()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest) -> Iterator[object]:
    """A fresh browser page (own context: no shared session); screenshot on failure."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    opened = context.new_page()
    try:
        yield opened
    finally:
        if request.node.stash.get(_FAILED, False):
            ARTIFACTS.mkdir(exist_ok=True)
            opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
        context.close()
