"""``borderwatch app``: run the dashboard in Streamlit and open it in the user's browser.

Streamlit always runs headless. Not headless, on a machine where it never
ran, it first asks for an e-mail address on stdin ("Welcome to Streamlit …
Email:") and, with nobody typing (``make run`` from a script), it exits. So
the prompt is never shown, and opening the browser, which headless Streamlit
no longer does, is done here once the server answers.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import click

from dashboard import paths

APP_SCRIPT = paths.app_script()

# How long to wait for the server before giving up on the browser (a cold start
# on a busy two-core machine takes tens of seconds); the server itself runs on.
BROWSER_WAIT_SECONDS = 120.0
_POLL_SECONDS = 0.25


def app_command_line(port: int) -> list[str]:
    """The ``streamlit run`` command for the dashboard (browser tests start the same one).

    Settings that make the dashboard work are passed here, not left to a
    ``.streamlit/config.toml`` that Streamlit only reads from the current
    folder: headless (no e-mail prompt, see above), static serving carries
    the map's Leaflet files (no CDN), no usage statistics leave the machine,
    and the toolbar is a viewer's (no Deploy button, no developer options).
    """
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_SCRIPT),
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.enableStaticServing",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
    ]


@click.command("app")
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--headless", is_flag=True, help="Do not open a browser.")
def app_command(port: int, headless: bool) -> None:
    """Open the dashboard (Streamlit) on http://localhost:PORT."""
    with subprocess.Popen(app_command_line(port)) as server:
        if not headless:
            threading.Thread(
                target=open_browser_when_ready,
                args=(port, server),
                name="open-browser",
                daemon=True,
            ).start()
        try:
            status = server.wait()
        except BaseException:  # Ctrl-C: as subprocess.call, never leave the server behind
            server.kill()
            raise
    sys.exit(status)


def open_browser_when_ready(
    port: int, server: subprocess.Popen[bytes], timeout: float = BROWSER_WAIT_SECONDS
) -> bool:
    """Open http://localhost:PORT in the user's browser once the server answers.

    Returns whether a browser was opened. Gives up quietly when the server
    stops or does not answer in time, and when there is no browser to open:
    on Linux without a display, unless $BROWSER names one, because the
    console browsers Python would pick instead take over the terminal the
    server logs to.
    """
    import webbrowser

    if not _has_browser():
        return False
    deadline = time.monotonic() + timeout
    while server.poll() is None and time.monotonic() < deadline:
        if _healthy(port):
            try:
                return webbrowser.open(f"http://localhost:{port}")
            except (webbrowser.Error, OSError):
                return False
        time.sleep(_POLL_SECONDS)
    return False


def _has_browser() -> bool:
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY"))


def _healthy(port: int) -> bool:
    """Whether Streamlit's health check on ``port`` answers 200 (within a second)."""
    import http.client
    import urllib.request

    # Straight to the local server: a proxy from the environment must not see (or answer) it.
    local = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with local.open(f"http://127.0.0.1:{port}/_stcore/health", timeout=1) as answer:
            return answer.status == 200
    except (OSError, http.client.HTTPException):
        return False
