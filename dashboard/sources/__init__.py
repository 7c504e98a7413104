"""Read report files (.txt, .md, .html, .json) into :class:`~dashboard.models.Source` objects.

Everything downstream points into ``Source.text`` by character offset, so this
package decides once what that text is, and keeps it as the document has it.
A file flows through it in this order, one module per step:

- :mod:`.discovery`: which files under a folder are reports (symlink rules);
- :mod:`.decoding`: bytes → checked, normalised text (encodings, binary files);
- :mod:`.formats`: which text each format keeps (:mod:`.markdown`,
  :mod:`.html`, :mod:`.json`);
- :mod:`.metadata`: title, url, publisher, date and language, field by field
  from ``NAME.meta.json``, the document itself, then fallbacks;
- :mod:`.document`: the :class:`SourceDocument` with its id and warnings.

Three ways to read. :func:`read_source` is strict: one file, any problem
raises :class:`SourceError` (for a JSON list, naming the first bad item).
:func:`read_source_items` is lenient: problems come back as values, so the
good items of a partly bad JSON list still come through. :func:`read_sources`
walks folders (:func:`discover`) and never stops at a bad file; what it passed
over (a symlink leading out of a given folder unless ``follow_symlinks`` is
set, a README, a .png) comes as :class:`SkippedPath`, a notice rather than a
failure. Messages name the file, then ``item [i]`` (0-based index in a JSON
list) or ``line n`` where known. Files over :data:`MAX_FILE_BYTES` are refused
before they are read; a FIFO never blocks and deep nesting is an error, not a crash.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path

from dashboard.sources.decoding import normalise_text
from dashboard.sources.discovery import SkippedPath, discover
from dashboard.sources.document import MISSING_DATE_WARNING, SourceDocument, source_id
from dashboard.sources.errors import SourceError
from dashboard.sources.formats import REPORT_SUFFIXES, read_file
from dashboard.sources.metadata import meta_path_for

__all__ = [
    "MAX_FILE_BYTES",
    "MISSING_DATE_WARNING",
    "REPORT_SUFFIXES",
    "SkippedPath",
    "SourceDocument",
    "SourceError",
    "discover",
    "meta_path_for",
    "normalise_text",
    "read_source",
    "read_source_items",
    "read_sources",
    "source_id",
]

# Defined here and read when a file is read, not bound at import: this attribute
# is the one setting, so a caller (or a test) that changes it changes every read.
MAX_FILE_BYTES = 20 * 1024 * 1024


def read_source(
    path: Path, meta_path: Path | None = None, *, today: date | None = None
) -> list[SourceDocument]:
    """Read one report file, strictly: any problem raises.

    Parameters
    ----------
    path
        A .txt, .md, .html or .json file.
    meta_path
        Metadata file to use instead of ``NAME.meta.json`` beside ``path``
        (not allowed for .json files, which carry their own metadata).
    today
        Reference date for "published in the future" (default: today).

    Returns
    -------
    One document, or one per item of a JSON list.

    Raises
    ------
    SourceError
        If the file, or any item of a JSON list, cannot be read. To keep the
        good items of a partly bad list, use :func:`read_source_items`.
    """
    results = read_file(Path(path), meta_path, today or date.today(), MAX_FILE_BYTES)
    errors = [r for r in results if isinstance(r, SourceError)]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        first = errors[0]
        raise SourceError(
            first.path,
            f"{len(errors)} of {len(results)} items cannot be read; the first: {first.problem}",
            item=first.item,
        )
    return [r for r in results if isinstance(r, SourceDocument)]


def read_source_items(
    path: Path, meta_path: Path | None = None, *, today: date | None = None
) -> list[SourceDocument | SourceError]:
    """Read one report file leniently: problems come back as values, never raised.

    A bad file gives one :class:`SourceError`; a JSON list gives one result per
    item, so its good items come through beside its bad ones.
    """
    try:
        return read_file(Path(path), meta_path, today or date.today(), MAX_FILE_BYTES)
    except SourceError as error:
        return [error]


def read_sources(
    paths: Sequence[Path], follow_symlinks: bool = False, *, today: date | None = None
) -> Iterator[SourceDocument | SourceError]:
    """Read every report under ``paths``: documents, and errors as values.

    One bad file never stops the rest. Skipped paths come as
    :class:`SkippedPath` (a :class:`SourceError`), so a caller can tell
    "passed over" from "could not be read".
    """
    skipped: list[SkippedPath] = []
    for path in discover(paths, follow_symlinks, skipped.append):
        yield from skipped
        skipped.clear()
        yield from read_source_items(path, today=today)
    yield from skipped
