"""The one way text from a source reaches a page: as escaped HTML, or as JSON in a script.

Titles, publishers, claims, place names and report text are untrusted: a
report may contain ``<script>``. Every piece of HTML the dashboard builds
from them is an :class:`Html` value (markupsafe's ``Markup``): a template
written here, whose ``{}`` holes :meth:`Html.format` fills with escaped text.
Pieces that are already :class:`Html` go in as they are, so marked-up
excerpts nest without double escaping, and a plain ``str`` can never be
mistaken for markup. Data for the map's scripts goes through
:func:`script_json` instead.

It sits at the top of the package because the extract stage
(:mod:`dashboard.extract.highlight`) and the app both build HTML, and
extract must not import the app.
"""

from __future__ import annotations

import html
import json
from typing import Any, Self
from urllib.parse import urlparse

from markupsafe import Markup

__all__ = ["Html", "escape", "link", "script_json"]


class Html(Markup):
    """HTML that is safe to show; ``format``, ``join`` and ``+`` escape what they add.

    markupsafe does the composing; only the spelling of escaped quotes is
    the standard library's (``&quot;``, ``&#x27;``), as the pages and their
    tests have always had it.
    """

    __slots__ = ()

    @classmethod
    def escape(cls, s: Any, /) -> Self:
        """``s`` as HTML: itself if it already is HTML, else escaped text (quotes too,
        so it is safe inside an attribute); ``None`` is empty."""
        if hasattr(s, "__html__"):
            return cls(s.__html__())
        return cls(html.escape("" if s is None else str(s), quote=True))


def escape(value: object) -> Html:
    """Text as HTML; the only escaping function the dashboard uses."""
    return Html.escape(value)


_LINK = Html('<a href="{}" target="_blank" rel="noopener noreferrer nofollow">{}</a>')


def link(url: str | None, text: str) -> Html:
    """An ``<a>`` for http(s) addresses only; any other scheme (``javascript:``) is text."""
    if url and urlparse(url).scheme in ("http", "https"):
        return _LINK.format(url, text)
    return escape(text)


def script_json(value: Any) -> str:
    """Compact JSON that is also safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``-style escapes, so neither
    ``</script>`` nor ``<!--`` in a source's text can end or bend the script.
    """
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
