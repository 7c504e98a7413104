"""``borderwatch app``: Streamlit always headless, and the browser opened by us.

On a machine where Streamlit never ran, a non-headless Streamlit asks for an
e-mail on stdin and, with nobody typing, exits: ``make run`` must not stop there.
"""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import tomllib
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.cli import app as app_module
from dashboard.cli import app_command_line, main

STARTUP_SECONDS = 120
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_streamlit_always_runs_headless():
    command = app_command_line(8765)
    settings = dict(zip(command[5::2], command[6::2], strict=True))
    assert command[1:5] == ["-m", "streamlit", "run", str(app_module.APP_SCRIPT)]
    assert settings["--server.headless"] == "true"
    assert settings["--server.port"] == "8765"


def test_the_config_file_says_what_the_command_line_says():
    """`streamlit run` started by hand from the checkout gets the same settings as
    `borderwatch app`: headless, no usage statistics, a viewer's toolbar, static files."""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    command = app_command_line(8765)
    settings = dict(zip(command[5::2], command[6::2], strict=True))
    for flag, value in settings.items():
        if flag == "--server.port":
            continue
        section, name = flag.removeprefix("--").split(".")
        assert str(config[section][name]).lower() == value, flag
    assert config["client"]["toolbarMode"] == "viewer"
    assert config["server"]["headless"] is True


class FakeServer:
    """Stands in for the Streamlit process: exits at once, or runs until told."""

    def __init__(self, running: bool = False) -> None:
        self.running = running
        self.killed = False

    def poll(self) -> int | None:
        return None if self.running else 0

    def wait(self) -> int:
        return 0

    def kill(self) -> None:
        self.killed = True

    def __enter__(self) -> "FakeServer":
        return self

    def __exit__(self, *_: object) -> None:
        pass


@pytest.mark.parametrize(("args", "opens"), [(["app"], True), (["app", "--headless"], False)])
def test_the_browser_is_opened_unless_headless(monkeypatch, args, opens):
    opened = threading.Event()
    monkeypatch.setattr(app_module.subprocess, "Popen", lambda _command: FakeServer())
    monkeypatch.setattr(app_module, "open_browser_when_ready", lambda *_: opened.set())
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0
    assert opened.wait(timeout=0 if not opens else 5) is opens


def test_no_browser_once_the_server_is_gone(monkeypatch):
    monkeypatch.setenv("BROWSER", "/nonexistent/browser")
    started = time.monotonic()
    assert not app_module.open_browser_when_ready(free_port(), FakeServer(running=False))
    assert time.monotonic() - started < 1


def test_no_browser_when_the_server_never_answers(monkeypatch):
    monkeypatch.setenv("BROWSER", "/nonexistent/browser")
    server = FakeServer(running=True)
    assert not app_module.open_browser_when_ready(free_port(), server, timeout=0.5)


def test_app_starts_with_nobody_typing_and_opens_the_browser(tmp_path: Path):
    """A fresh HOME (Streamlit never ran), stdin closed: the server comes up all the same."""
    home = tmp_path / "home"
    home.mkdir()
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "browser"
    browser.write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    browser.chmod(0o755)
    port = free_port()
    env = {
        **os.environ,
        "HOME": str(home),
        "BROWSER": str(browser),
        "BORDERWATCH_DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite'}",
        "BORDERWATCH_CACHE_DIR": str(tmp_path / "cache"),
    }
    log = tmp_path / "app.log"
    entry = "import sys; from dashboard.cli import main; sys.exit(main())"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", entry, "app", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # so Streamlit, its child, is stopped with it
        )
    try:
        _wait_healthy(port, process, log)
        deadline = time.monotonic() + 10
        while not opened.is_file() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert opened.read_text().strip() == f"http://localhost:{port}"
        assert process.poll() is None
        assert "Email" not in log.read_text()
    finally:
        _stop_group(process)


def _stop_group(process: subprocess.Popen[bytes]) -> None:
    """Terminate ``borderwatch app`` and Streamlit under it; kill them if they linger."""
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _wait_healthy(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"borderwatch app exited ({process.returncode}):\n{log.read_text()}")
        try:
            url = f"http://127.0.0.1:{port}/_stcore/health"
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"borderwatch app did not answer within {STARTUP_SECONDS} s:\n{log.read_text()}")
