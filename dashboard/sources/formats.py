"""Which reader a file gets, by its extension, and which text each format keeps.

- **.txt**: the whole text; metadata only from ``NAME.meta.json`` beside it.
- **.md**, **.markdown**: the Markdown source after its YAML front matter, not
  rendered (:mod:`~dashboard.sources.markdown`).
- **.html**, **.htm**: the page's main text as extracted by trafilatura
  (:mod:`~dashboard.sources.html`).
- **.json**: each item's ``"text"`` (:mod:`~dashboard.sources.json`).

Offsets downstream refer to that stored text. Every file is read and decoded
the same way first (:mod:`~dashboard.sources.decoding`); a reader gets text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from dashboard.sources.decoding import decode, normalise_text, read_bytes
from dashboard.sources.document import Reader, Request, SourceDocument, build_document
from dashboard.sources.errors import SourceError
from dashboard.sources.html import read_html
from dashboard.sources.json import read_json
from dashboard.sources.markdown import read_markdown
from dashboard.sources.metadata import META_SUFFIX, sidecar_meta


def read_file(
    path: Path, meta_path: Path | None, today: date, limit: int
) -> list[SourceDocument | SourceError]:
    """Dispatch on the extension; raises SourceError for a whole-file problem.

    ``limit`` is the caller's :data:`~dashboard.sources.MAX_FILE_BYTES`, passed
    in so that the package attribute stays the one setting.
    """
    reader = _READERS.get(path.suffix.lower())
    if path.name.lower().endswith(META_SUFFIX):
        raise SourceError(path, "is a metadata file; it is read with the report beside it")
    if reader is None:
        expected = ", ".join(sorted(_READERS))
        raise SourceError(path, f"unsupported file type {path.suffix!r} (expected {expected})")
    text = normalise_text(decode(read_bytes(path, limit), path))
    return reader(Request(path, meta_path, today), text)


def _read_plain(request: Request, text: str) -> list[SourceDocument | SourceError]:
    """A .txt file: its whole text, metadata only from beside it."""
    meta = sidecar_meta(request.path, request.meta_path, request.today)
    return [build_document(request.path, text, meta, today=request.today)]


_READERS: dict[str, Reader] = {
    ".txt": _read_plain,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".json": read_json,
}
REPORT_SUFFIXES = frozenset(_READERS)
