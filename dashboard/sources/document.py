"""A read's request and result, and how text plus metadata become a :class:`SourceDocument`.

- **Fallbacks**: a title missing from the metadata is the text's first line, then
  the file name; a missing language is guessed from the letters' scripts. Each
  fallback is a warning on the document, as is a missing date.
- **Identity**: ``content_hash = models.content_hash(text, url)`` and
  ``id = "src-" + content_hash[:16]``. The url is in the hash because the same
  wire text at two addresses is two publications; the title, publisher, date
  and language are not, so correcting them does not make a new source.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from dashboard.models import Source, SourceKind, content_hash
from dashboard.sources.decoding import check_text
from dashboard.sources.errors import SourceError
from dashboard.sources.metadata import Meta
from dashboard.sources.scripts import guess_language

MISSING_DATE_WARNING = "no publication date: dates relative to it cannot be resolved"


@dataclass(frozen=True)
class SourceDocument:
    """One report read from a file: the source, where it came from, what to warn about.

    ``item`` is the index in a JSON list (``None`` for every other file).
    """

    source: Source
    path: Path
    warnings: tuple[str, ...] = ()
    item: int | None = None


@dataclass(frozen=True)
class Request:
    """What one read was asked for."""

    path: Path
    meta_path: Path | None
    today: date


# A format's reader: the request and the file's decoded, normalised text → its results.
Reader = Callable[[Request, str], list[SourceDocument | SourceError]]


def source_id(digest: str) -> str:
    """A source's id from its content hash: stable as long as the text and url are."""
    return "src-" + digest[:16]


def build_document(
    path: Path,
    text: str,
    meta: Meta,
    *,
    today: date,
    item: int | None = None,
    markdown: bool = False,
) -> SourceDocument:
    """Check the text, fill missing metadata from fallbacks and build the source."""
    check_text(text, path, item)
    warnings: list[str] = []
    title = meta.title or _first_line(text, markdown)
    if meta.title is None:
        warnings.append("no title in the metadata: the first line is used")
    if title is None:
        title = path.stem if item is None else f"{path.stem} [{item}]"
        warnings[-1] = "no title in the metadata or the text: the file name is used"
    language = meta.language
    if language is None:
        language = guess_language(text)
        warnings.append(
            f"language guessed as {language!r} from the text's letters (none in the metadata)"
            if language
            else "no language in the metadata and no letters to guess it from"
        )
    if meta.published is None:
        warnings.append(MISSING_DATE_WARNING)
    digest = content_hash(text, meta.url)
    source = Source(
        id=source_id(digest),
        title=title,
        content_hash=digest,
        kind=SourceKind.REPORT,
        url=meta.url,
        publisher=meta.publisher,
        published=meta.published,
        language=language,
        text=text,
    )
    return SourceDocument(source=source, path=path, warnings=tuple(warnings), item=item)


def _first_line(text: str, markdown: bool) -> str | None:
    """The first non-blank line, cut to 200 characters: a title of last resort."""
    for line in text[:4000].split("\n"):
        candidate = " ".join((line.lstrip("#") if markdown else line).split())
        if candidate:
            return candidate if len(candidate) <= 200 else candidate[:199].rstrip() + "…"
    return None
