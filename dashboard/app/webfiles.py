"""The app's own scripts and stylesheets: files under ``dashboard/app/web/``, not strings.

Kept as ``.js`` and ``.css`` files so they read, lint and diff as what they
are. They are package data, read with :mod:`importlib.resources`, so an
installed wheel finds them as a checkout does. (Leaflet itself is not here:
:mod:`dashboard.app.assets` copies it into the served ``static/`` folder.)
Nothing in them is filled in by Python: the map script reads its settings
from JSON written before it (:class:`dashboard.app.maps.MapScripts`).
"""

from __future__ import annotations

import functools
from importlib.resources import files

from dashboard.markup import Html

PACKAGE = "dashboard.app"
FOLDER = "web"


@functools.cache
def web_text(name: str) -> str:
    """The text of ``web/<name>``, read once per process."""
    return (files(PACKAGE) / FOLDER / name).read_text(encoding="utf-8")


def style_element(name: str) -> Html:
    """``web/<name>`` as a ``<style>`` element, to put in a page's HTML."""
    return Html("<style>\n{}</style>").format(Html(web_text(name)))
