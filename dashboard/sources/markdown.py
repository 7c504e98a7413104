"""Markdown reports: YAML front matter for metadata, then the Markdown source as the text.

The text is the source after the front matter, not rendered: offsets point into
what the author wrote. Front matter is parsed with a safe loader that leaves
dates as strings, so they are checked like every other date, and its size is
bounded before it is parsed.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from dashboard.sources.document import Request, SourceDocument, build_document
from dashboard.sources.errors import SourceError
from dashboard.sources.metadata import Meta, parse_meta, sidecar_meta

MAX_FRONT_MATTER_CHARS = 64 * 1024

_FRONT_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: fast


class _FrontMatterLoader(_SafeLoader):
    """Safe YAML that leaves dates as strings, so they are checked like every other date."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_markdown(request: Request, text: str) -> list[SourceDocument | SourceError]:
    """A .md file: YAML front matter between ``---`` lines, then the Markdown source as text."""
    path = request.path
    embedded = Meta()
    opening = _FRONT_OPEN.match(text)
    if opening is not None:
        closing = _FRONT_CLOSE.search(text, opening.end())
        if closing is None:
            raise SourceError(path, "front matter opened here is never closed by a '---'", line=1)
        if closing.start() - opening.end() > MAX_FRONT_MATTER_CHARS:
            raise SourceError(
                path, f"front matter longer than {MAX_FRONT_MATTER_CHARS:,} characters"
            )
        embedded = _front_matter(path, text[opening.end() : closing.start()], request.today)
        text = text[closing.end() + 1 :]
    meta = sidecar_meta(path, request.meta_path, request.today).over(embedded)
    return [build_document(path, text, meta, today=request.today, markdown=True)]


def _front_matter(path: Path, block: str, today: date) -> Meta:
    """Parse a front matter block (which starts on line 2 of the file)."""
    try:
        raw = yaml.load(block, Loader=_FrontMatterLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 2 if mark is not None else None
        raise SourceError(path, f"malformed YAML front matter: {exc.problem}", line=line) from exc
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        raise SourceError(path, f"malformed YAML front matter: {exc}") from exc
    if raw is None:
        return Meta()
    if not isinstance(raw, dict):
        raise SourceError(path, f"front matter must be key: value pairs, not a {_yaml_type(raw)}")
    try:
        return parse_meta(raw, today)
    except ValueError as exc:
        raise SourceError(path, f"front matter {exc}") from exc


def _yaml_type(value: object) -> str:
    return "list" if isinstance(value, list) else type(value).__name__
