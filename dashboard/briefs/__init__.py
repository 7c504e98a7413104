"""Briefs: a period's incidents under the dashboard's filters, as a monitor sends them.

- :mod:`.content`: what a brief says (KPIs, the map, per-segment weeks, the
  incidents with an excerpt each, the change from the period before,
  sources), gathered from the dashboard's table and masks;
- :mod:`.render`: the brief as Markdown or HTML, source text escaped;
- :mod:`.pdf`: the HTML printed to PDF (WeasyPrint).

:func:`write_brief` is what ``borderwatch brief`` and the dashboard's
"Brief" download call.
"""

from __future__ import annotations

from pathlib import Path

from dashboard.briefs.content import Brief, build_brief
from dashboard.briefs.render import to_html, to_markdown

BRIEF_FORMATS = ("md", "html", "pdf")


def brief_bytes(brief: Brief, fmt: str, map_file: str | None = None) -> bytes:
    """The brief as ``md``, ``html`` or ``pdf`` bytes (Markdown links the map as ``map_file``)."""
    if fmt == "md":
        return to_markdown(brief, map_file).encode("utf-8")
    if fmt == "html":
        return to_html(brief).encode("utf-8")
    if fmt == "pdf":
        from dashboard.briefs.pdf import html_to_pdf  # noqa: PLC0415 - WeasyPrint is heavy

        return html_to_pdf(to_html(brief))
    raise ValueError(f"unknown brief format {fmt!r}; one of {', '.join(BRIEF_FORMATS)}")


def write_brief(brief: Brief, fmt: str, out: Path) -> list[Path]:
    """Write the brief to ``out``; Markdown gets its map beside it (``OUT.map.png``).

    Returns the files written. Each is written whole or not at all.
    """
    written = []
    map_file = None
    if fmt == "md" and brief.map_png:
        picture = out.with_name(f"{out.stem}.map.png")
        _write_whole(picture, brief.map_png)
        written.append(picture)
        map_file = picture.name
    _write_whole(out, brief_bytes(brief, fmt, map_file))
    return [out, *written]


def _write_whole(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    partial.replace(path)


__all__ = ["BRIEF_FORMATS", "Brief", "brief_bytes", "build_brief", "write_brief"]
