"""The app's own scripts and stylesheets are package files, read as text."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from dashboard.app.webfiles import style_element, web_text

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "dashboard" / "app" / "web"


@pytest.mark.parametrize("name", sorted(p.name for p in WEB.iterdir()))
def test_every_web_file_reads_as_it_is_on_disk(name):
    assert web_text(name) == (WEB / name).read_text(encoding="utf-8")


def test_style_element_wraps_the_css_unescaped():
    element = style_element("panel.css")
    assert element.startswith("<style>") and element.endswith("</style>")
    assert '[data-testid="stMainBlockContainer"]' in element  # quotes kept, not &quot;


def test_a_wheel_carries_the_web_folder():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "web/*" in config["tool"]["setuptools"]["package-data"]["dashboard.app"]
