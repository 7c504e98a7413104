"""``borderwatch app``: run the dashboard in Streamlit."""

from __future__ import annotations

import subprocess
import sys

import click

from dashboard import paths

APP_SCRIPT = paths.app_script()


def app_command_line(port: int, headless: bool) -> list[str]:
    """The ``streamlit run`` command for the dashboard (browser tests start the same one).

    Settings that make the dashboard work are passed here, not left to a
    ``.streamlit/config.toml`` that Streamlit only reads from the current
    folder: static serving carries the map's Leaflet files (no CDN), and no
    usage statistics leave the machine.
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
        str(headless).lower(),
        "--server.enableStaticServing",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


@click.command("app")
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--headless", is_flag=True, help="Do not open a browser.")
def app_command(port: int, headless: bool) -> None:
    """Open the dashboard (Streamlit) on http://localhost:PORT."""
    sys.exit(subprocess.call(app_command_line(port, headless)))
