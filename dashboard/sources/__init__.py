"""Read report files (.txt, .md, .html, .json) into :class:`~dashboard.models.Source` objects.

Everything downstream points into ``Source.text`` by character offset, so this
module decides once what that text is, and keeps it as the document has it:

- **Decoding**: UTF-8 (with or without a BOM), UTF-16/32 with a BOM, UTF-16
  without one (recognised by NUL bytes in every other position) and cp1251
  (accepted only when UTF-8 fails nearly everywhere and the result is largely
  Cyrillic letters). Anything else, binary files included, is a
  :class:`SourceError` naming the file.
- **Normalisation** (:func:`normalise_text`): a leading BOM is dropped, ``\\r\\n``
  and ``\\r`` become ``\\n``, and the text is put in Unicode NFC. Nothing else
  changes: no trimming, no whitespace folding.
- **Which text**: a .txt file's whole text; a .md file's Markdown source after
  its YAML front matter (not rendered); an .html file's main text as extracted
  by trafilatura (scripts, styles, iframes and boilerplate dropped); a .json
  item's ``"text"``. Offsets refer to that stored text.
- **Identity**: ``content_hash = models.content_hash(text, url)`` and
  ``id = "src-" + content_hash[:16]``. The url is in the hash because the same
  wire text at two addresses is two publications; the title, publisher, date
  and language are not, so correcting them does not make a new source.
- **Metadata** comes, field by field, from ``NAME.meta.json`` beside the file
  (.txt, .md, .html), then from inside the document (front matter; an HTML
  page's og:title or <title>, article:published_time, canonical link,
  og:site_name, <html lang>), then from fallbacks (title: first line, then
  file name; language: a guess from the letters' scripts, reported as a
  warning). A .json file carries its own metadata per item. Unknown keys
  are ignored; known ones are checked (strings, http(s) urls, language codes).
- **Dates**: ``published`` is ``YYYY-MM-DD`` or a full ISO datetime (its date as
  written, not converted to UTC). Impossible dates, dates before 1900 and
  dates more than a day in the future are errors, not warnings: a wrong
  publication date would silently misplace every "yesterday" in the text.
  Only metadata inside an HTML page is lenient (ignored with a warning), as
  pages carry junk tags. A missing date is a warning.

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

import codecs
import json
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
import trafilatura
import yaml

from dashboard.models import Source, SourceKind, content_hash

__all__ = [
    "MAX_FILE_BYTES",
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

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_META_BYTES = 1024 * 1024
MAX_FRONT_MATTER_CHARS = 64 * 1024
META_SUFFIX = ".meta.json"
EARLIEST_PUBLISHED = date(1900, 1, 1)
# Folder documentation that sits among reports (samples/reports/README.md) but is not one.
FOLDER_DOCS = frozenset({"README", "LICENSE", "LICENCE", "CHANGELOG"})
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


class SourceError(ValueError):
    """A file (or one item of a JSON list) that cannot be read; the message names it."""

    def __init__(
        self, path: Path, problem: str, *, item: int | None = None, line: int | None = None
    ) -> None:
        self.path = Path(path)
        self.problem = problem
        self.item = item
        self.line = line
        where = [str(self.path)]
        if item is not None:
            where.append(f"item [{item}]")
        if line is not None:
            where.append(f"line {line}")
        super().__init__(f"{': '.join(where)}: {problem}")


class SkippedPath(SourceError):  # noqa: N818 - a notice delivered like an error, not a failure
    """A path that discovery passed over (a symlink leaving the folder, a non-report file)."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, f"skipped: {reason}")
        self.reason = reason


# ----------------------------------------------------------------- public API


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
    results = _read_file(Path(path), meta_path, today or date.today())
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
        return _read_file(Path(path), meta_path, today or date.today())
    except SourceError as error:
        return [error]


def discover(
    paths: Sequence[Path],
    follow_symlinks: bool = False,
    on_skip: Callable[[SkippedPath], None] | None = None,
) -> Iterator[Path]:
    """Report files under ``paths``, recursively, in sorted order, each once.

    Folders are walked depth-first with entries sorted by name. Hidden files
    and folders and ``*.meta.json`` files are passed over silently. Passed to
    ``on_skip``, so the caller can warn: symlinks leading out of the given
    folder and reports whose metadata file does (unless ``follow_symlinks``),
    broken symlinks, non-report files, READMEs, and anything that is neither
    file nor folder. A file named in ``paths`` is always yielded, whatever its
    name: the caller asked for it. A path given but missing goes to ``on_skip``.
    """
    report = on_skip or (lambda skipped: None)
    yield from _discover(paths, follow_symlinks, report)


def read_sources(
    paths: Sequence[Path], follow_symlinks: bool = False, *, today: date | None = None
) -> Iterator[SourceDocument | SourceError]:
    """Read every report under ``paths``: documents, and errors as values.

    One bad file never stops the rest. Skipped paths come as
    :class:`SkippedPath` (a :class:`SourceError`), so a caller can tell
    "passed over" from "could not be read".
    """
    skipped: list[SkippedPath] = []
    for path in _discover(paths, follow_symlinks, skipped.append):
        yield from skipped
        skipped.clear()
        yield from read_source_items(path, today=today)
    yield from skipped


def meta_path_for(path: Path) -> Path:
    """The metadata file beside a report: ``a/NAME.txt`` → ``a/NAME.meta.json``."""
    return path.with_name(path.stem + META_SUFFIX)


def normalise_text(text: str) -> str:
    """Drop a leading BOM, make every newline ``\\n`` and compose to NFC; nothing else."""
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def source_id(digest: str) -> str:
    """A source's id from its content hash: stable as long as the text and url are."""
    return "src-" + digest[:16]


# ------------------------------------------------------------- reading bytes


def _read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes; never blocks on a FIFO and never reads more than ``limit``."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise SourceError(path, f"cannot be opened: {exc.strerror}") from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise SourceError(path, "is not a regular file")
        if info.st_size > limit:
            raise SourceError(path, f"is {info.st_size:,} bytes, over the {limit:,}-byte limit")
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise SourceError(path, f"cannot be read: {exc.strerror}") from exc
    if len(data) > limit:
        raise SourceError(path, f"grew past the {limit:,}-byte limit while being read")
    return data


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HIGH_BYTES = bytes(range(128, 256))
_CONTROL_BYTES = bytes([*range(1, 9), *range(14, 32), 127])  # not tab, newlines, form feeds
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARMENIAN = re.compile(r"[\u0531-\u0587]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u0259]")
_SCHWA = re.compile(r"[\u018f\u0259]")  # Ə ə: in Azerbaijani, in almost no other Latin language
# C0 and C1 controls other than tab, newlines, vertical tab and form feed.
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_SAMPLE_CHARS = 256 * 1024


def _decode(data: bytes, path: Path) -> str:
    """Bytes → text in UTF-8, UTF-16/32 or cp1251, or a clear error naming the file."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            why = f"starts with a {codec} BOM"
            return _decode_strict(data, codec, path, why, start=len(bom))
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return _decode_strict(data, utf16, path, "looks binary: it has NUL bytes")
    if b"\0" in data:
        raise SourceError(path, "looks binary (it contains NUL bytes), not like text")
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > 0.02 * len(data):
        raise SourceError(path, f"looks binary ({controls:,} control bytes), not like text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    where = _byte_position(data, utf8_error.start)
    if _mostly_utf8(data):
        raise SourceError(path, f"is not valid UTF-8 ({where})", line=_line_of(data, utf8_error))
    text = _as_cp1251(data)
    if text is None:
        raise SourceError(
            path,
            f"is neither UTF-8 ({where}) nor Cyrillic cp1251; save it as UTF-8",
            line=_line_of(data, utf8_error),
        )
    return text


def _decode_strict(data: bytes, codec: str, path: Path, why: str, start: int = 0) -> str:
    """Decode ``data[start:]``; an error gives the offset in the whole file."""
    try:
        return data[start:].decode(codec)
    except UnicodeDecodeError as exc:
        where = f"at byte {start + exc.start}"
        raise SourceError(path, f"{why} but is not valid {codec} ({where})") from exc


def _bomless_utf16(data: bytes) -> str | None:
    """``utf-16-le``/``-be`` if NUL bytes sit almost only at odd/even offsets (ASCII in UTF-16)."""
    sample = data[:4096]
    pairs = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    nuls = even + odd
    if len(data) % 2 or pairs < 2 or nuls < max(2, pairs // 20) or max(even, odd) < 0.95 * nuls:
        return None
    return "utf-16-le" if odd > even else "utf-16-be"


def _mostly_utf8(data: bytes) -> bool:
    """True when more non-ASCII bytes form valid UTF-8 than not: a damaged UTF-8 file."""
    high = len(data) - len(data.translate(None, _HIGH_BYTES))
    bad = data.decode("utf-8", "replace").count("\ufffd") - data.count(b"\xef\xbf\xbd")
    return high - bad >= bad


def _as_cp1251(data: bytes) -> str | None:
    """The cp1251 reading of ``data`` if it is largely Cyrillic letters, else ``None``."""
    try:
        text = data.decode("cp1251")
    except UnicodeDecodeError:
        return None
    sample = text[:_SAMPLE_CHARS]
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    return text if cyrillic and cyrillic >= 0.3 * (cyrillic + latin) else None


def _byte_position(data: bytes, offset: int) -> str:
    return f"byte 0x{data[offset]:02x} at offset {offset}"


def _line_of(data: bytes, error: UnicodeDecodeError) -> int:
    return data.count(b"\n", 0, error.start) + 1


def _check_text(text: str, path: Path, item: int | None) -> None:
    """Reject text that is empty, binary-looking or unencodable (lone surrogates)."""
    if not text.strip():
        raise SourceError(path, "has no text", item=item)
    if "\0" in text:
        raise SourceError(path, "looks binary (it contains NUL characters)", item=item)
    controls = len(_CONTROL.findall(text))
    if controls > 0.02 * len(text):
        raise SourceError(path, f"looks binary ({controls:,} control characters)", item=item)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SourceError(
            path, f"text has an unpaired surrogate at {exc.start}", item=item
        ) from exc


# ------------------------------------------------------------------ metadata


@dataclass(frozen=True)
class _Meta:
    """The metadata fields a report may carry; ``None`` means "not given"."""

    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: date | None = None
    language: str | None = None

    def over(self, fallback: _Meta) -> _Meta:
        """These fields, with ``fallback``'s filling the gaps."""
        return replace(
            self,
            **{
                f.name: getattr(fallback, f.name)
                for f in fields(self)
                if getattr(self, f.name) is None
            },
        )


_ALIASES = {"date": "published"}  # front matter of static-site generators says "date"
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_ISO_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$"
)


def _parse_meta(raw: Mapping[Any, Any], today: date) -> _Meta:
    """Validate the known fields of a metadata mapping; unknown keys are ignored.

    Raises ``ValueError("field 'x': ...")`` for the first bad field.
    """
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = _ALIASES.get(key, key) if isinstance(key, str) else None
        if name not in _FIELD_PARSERS or value is None:
            continue
        if name in values and key != name:  # "published" beats its alias "date"
            continue
        try:
            values[name] = _FIELD_PARSERS[name](value, today)
        except ValueError as exc:
            raise ValueError(f"field {key!r}: {exc}") from None
    return _Meta(**values)


def _parse_string(value: object, max_chars: int) -> str:
    """A metadata string: whitespace folded, no control characters, not too long."""
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    text = " ".join(normalise_text(value).split())
    if not text:
        raise ValueError("is empty")
    if _CONTROL.search(text):
        raise ValueError("contains control characters")
    if len(text) > max_chars:
        raise ValueError(f"is {len(text):,} characters, over the {max_chars:,} limit")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains an unpaired surrogate") from None
    return text


def _parse_url(value: object, today: date) -> str:
    url = _parse_string(value, 2000)
    parts = urlsplit(url)
    if parts.scheme.lower() not in {"http", "https"} or not parts.netloc:
        raise ValueError(f"{url!r} is not an http(s) address")
    return url


def _parse_language(value: object, today: date) -> str:
    code = _parse_string(value, 35)
    if not _LANGUAGE.match(code):
        raise ValueError(f"{code!r} is not a language code such as 'en' or 'hy-AM'")
    primary, _, rest = code.partition("-")
    return primary.lower() + ("-" + rest if rest else "")


def _parse_published(value: object, today: date) -> date:
    """An ISO date or datetime (its date as written), between 1900 and tomorrow."""
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif isinstance(value, str):
        day = _parse_date_string(value.strip())
    else:
        raise ValueError(f"expected a date string YYYY-MM-DD, got {type(value).__name__}")
    if day < EARLIEST_PUBLISHED:
        raise ValueError(f"{day.isoformat()} is before {EARLIEST_PUBLISHED.year}")
    # A day's grace: a report published after midnight in Yerevan is "tomorrow" in UTC.
    if day > today + timedelta(days=1):
        raise ValueError(f"{day.isoformat()} is in the future (today is {today.isoformat()})")
    return day


def _parse_date_string(text: str) -> date:
    match = _ISO_DATE.match(text)
    if match is None:
        raise ValueError(f"{text[:40]!r} is not an ISO date (YYYY-MM-DD or an ISO datetime)")
    year, month, day = (int(group) for group in match.group(1, 2, 3))
    try:
        parsed = date(year, month, day)
        if match.group(4):
            datetime.fromisoformat(text)  # checks the time part too, e.g. 25:00
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a real date ({exc})") from None
    return parsed


_FIELD_PARSERS: dict[str, Callable[[object, date], Any]] = {
    "title": lambda value, today: _parse_string(value, 1000),
    "publisher": lambda value, today: _parse_string(value, 200),  # the store's column width
    "url": _parse_url,
    "language": _parse_language,
    "published": _parse_published,
}


def _sidecar_meta(path: Path, meta_path: Path | None, today: date) -> _Meta:
    """Metadata from ``NAME.meta.json`` beside the file (or ``meta_path``), if there is one."""
    explicit = meta_path is not None
    meta_path = Path(meta_path) if explicit else meta_path_for(path)
    if not explicit and not meta_path.exists():
        return _Meta()
    label = f"metadata file {meta_path.name}"
    try:
        raw = json.loads(normalise_text(_decode(_read_bytes(meta_path, MAX_META_BYTES), meta_path)))
    except SourceError as exc:
        raise SourceError(path, f"{label}: {exc.problem}") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(path, f"{label}: not JSON: {exc.msg} (line {exc.lineno})") from exc
    except RecursionError as exc:
        raise SourceError(path, f"{label}: nested too deeply") from exc
    if not isinstance(raw, dict):
        raise SourceError(path, f"{label}: expected a JSON object, got {_json_type(raw)}")
    try:
        return _parse_meta(raw, today)
    except ValueError as exc:
        raise SourceError(path, f"{label}: {exc}") from exc


# ----------------------------------------------------------- building sources


def _document(
    path: Path,
    text: str,
    meta: _Meta,
    *,
    today: date,
    item: int | None = None,
    markdown: bool = False,
) -> SourceDocument:
    """Check the text, fill missing metadata from fallbacks and build the source."""
    _check_text(text, path, item)
    warnings: list[str] = []
    title = meta.title or _first_line(text, markdown)
    if meta.title is None:
        warnings.append("no title in the metadata: the first line is used")
    if title is None:
        title = path.stem if item is None else f"{path.stem} [{item}]"
        warnings[-1] = "no title in the metadata or the text: the file name is used"
    language = meta.language
    if language is None:
        language = _guess_language(text)
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


def _guess_language(text: str) -> str | None:
    """'hy', 'ru', 'az' or 'en' from the script most letters are in; a cheap guess."""
    sample = text[:_SAMPLE_CHARS]
    counts = {
        "hy": len(_ARMENIAN.findall(sample)),
        "ru": len(_CYRILLIC.findall(sample)),
        "en": len(_LATIN.findall(sample)),
    }
    language = max(counts, key=counts.__getitem__)
    if counts[language] == 0:
        return None
    if language == "en" and len(_SCHWA.findall(sample)) >= 0.01 * counts["en"]:
        return "az"
    return language


# ------------------------------------------------------------------- formats


@dataclass(frozen=True)
class _Request:
    """What one read was asked for."""

    path: Path
    meta_path: Path | None
    today: date


def _read_file(
    path: Path, meta_path: Path | None, today: date
) -> list[SourceDocument | SourceError]:
    """Dispatch on the extension; raises SourceError for a whole-file problem."""
    reader = _READERS.get(path.suffix.lower())
    if path.name.lower().endswith(META_SUFFIX):
        raise SourceError(path, "is a metadata file; it is read with the report beside it")
    if reader is None:
        expected = ", ".join(sorted(_READERS))
        raise SourceError(path, f"unsupported file type {path.suffix!r} (expected {expected})")
    text = normalise_text(_decode(_read_bytes(path, MAX_FILE_BYTES), path))
    return reader(_Request(path, meta_path, today), text)


def _read_plain(request: _Request, text: str) -> list[SourceDocument | SourceError]:
    """A .txt file: its whole text, metadata only from beside it."""
    meta = _sidecar_meta(request.path, request.meta_path, request.today)
    return [_document(request.path, text, meta, today=request.today)]


_FRONT_OPEN = re.compile(r"---[ \t]*\n")
_FRONT_CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.MULTILINE)


_SafeLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: fast


class _FrontMatterLoader(_SafeLoader):
    """Safe YAML that leaves dates as strings, so they are checked like every other date."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _read_markdown(request: _Request, text: str) -> list[SourceDocument | SourceError]:
    """A .md file: YAML front matter between ``---`` lines, then the Markdown source as text."""
    path = request.path
    embedded = _Meta()
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
    meta = _sidecar_meta(path, request.meta_path, request.today).over(embedded)
    return [_document(path, text, meta, today=request.today, markdown=True)]


def _front_matter(path: Path, block: str, today: date) -> _Meta:
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
        return _Meta()
    if not isinstance(raw, dict):
        raise SourceError(path, f"front matter must be key: value pairs, not a {_yaml_type(raw)}")
    try:
        return _parse_meta(raw, today)
    except ValueError as exc:
        raise SourceError(path, f"front matter {exc}") from exc


def _yaml_type(value: object) -> str:
    return "list" if isinstance(value, list) else type(value).__name__


def _read_json(request: _Request, text: str) -> list[SourceDocument | SourceError]:
    """A .json file: one object or a list of objects, each with its own metadata and text."""
    path = request.path
    if request.meta_path is not None:
        raise SourceError(path, "a JSON source carries its own metadata; no metadata file applies")
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            path, f"not JSON: {exc.msg} (column {exc.colno})", line=exc.lineno
        ) from exc
    except RecursionError as exc:
        raise SourceError(path, "JSON nested too deeply") from exc
    if isinstance(raw, dict):
        return [_json_item(path, raw, None, request.today)]
    if not isinstance(raw, list):
        raise SourceError(
            path, f"expected a report object or a list of them, got {_json_type(raw)}"
        )
    if not raw:
        raise SourceError(path, "is an empty list: no reports in it")
    return [_json_item(path, entry, index, request.today) for index, entry in enumerate(raw)]


def _json_item(
    path: Path, entry: object, item: int | None, today: date
) -> SourceDocument | SourceError:
    """One JSON report object → a document, or the error that names it."""
    if not isinstance(entry, dict):
        return SourceError(path, f"expected a report object, got {_json_type(entry)}", item=item)
    body = entry.get("text")
    if not isinstance(body, str):
        got = 'no "text"' if body is None else f'"text" is {_json_type(body)}'
        return SourceError(path, f'a report needs a "text" string; {got}', item=item)
    try:
        meta = _parse_meta(entry, today)
        return _document(path, normalise_text(body), meta, today=today, item=item)
    except SourceError as exc:
        return exc
    except ValueError as exc:
        return SourceError(path, str(exc), item=item)


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


_STRIPPED_TAGS = (
    "script", "style", "iframe", "frame", "frameset", "noscript", "object", "embed",
    "template", "svg", "math", "canvas", "form", "button", "select", "textarea",
)  # fmt: skip


def _read_html(request: _Request, text: str) -> list[SourceDocument | SourceError]:
    """An .html page: its main text by trafilatura; title, date and url from its tags."""
    path = request.path
    parser = lxml.html.HTMLParser(
        encoding="utf-8", huge_tree=True, remove_comments=True, remove_pis=True, no_network=True
    )
    try:
        tree = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
    except (lxml.etree.LxmlError, ValueError) as exc:
        raise SourceError(path, f"cannot be parsed as HTML: {exc}") from exc
    embedded, warnings = _html_meta(tree, request.today)
    # Stripped before extraction, so no fallback extractor can let them through.
    lxml.etree.strip_elements(tree, *_STRIPPED_TAGS, with_tail=False)
    try:
        body = trafilatura.extract(
            tree, favor_precision=True, include_comments=False, include_links=False,
            include_images=False, include_tables=True, deduplicate=False, output_format="txt",
        )  # fmt: skip
    except RecursionError as exc:
        raise SourceError(path, "HTML nested too deeply to extract its text") from exc
    if not body or not body.strip():
        raise SourceError(path, "no main text found in the HTML (only boilerplate or scripts)")
    meta = _sidecar_meta(path, request.meta_path, request.today).over(embedded)
    document = _document(path, normalise_text(body), meta, today=request.today)
    return [replace(document, warnings=(*warnings, *document.warnings))]


# Where pages keep their publication date, most specific first.
_HTML_DATE_KEYS = (
    "article:published_time", "datepublished", "og:published_time", "pubdate",
    "publishdate", "dc.date.issued", "dcterms.issued", "dc.date", "date",
)  # fmt: skip


def _html_meta(tree: Any, today: date) -> tuple[_Meta, list[str]]:
    """Title, date, url, publisher and language from a page's tags, leniently."""
    tags: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        content = element.get("content")
        if key and content and key.lower() not in tags:
            tags[key.lower()] = content
    title_element = tree.find(".//title")
    page_title = title_element.text_content() if title_element is not None else None
    canonical = tree.xpath("//link[translate(@rel, 'CANONICAL', 'canonical')='canonical']/@href")
    found = {
        "title": tags.get("og:title") or page_title,
        "published": next((tags[key] for key in _HTML_DATE_KEYS if key in tags), None),
        "url": canonical[0] if canonical else tags.get("og:url"),
        "publisher": tags.get("og:site_name"),
        "language": tree.get("lang"),
    }
    values: dict[str, Any] = {}
    warnings: list[str] = []
    for name, value in found.items():
        if value is None or not value.strip():
            continue
        try:
            values[name] = _FIELD_PARSERS[name](value, today)
        except ValueError as exc:
            warnings.append(f"ignored the page's {name}: {exc}")
    return _Meta(**values), warnings


_READERS: dict[str, Callable[[_Request, str], list[SourceDocument | SourceError]]] = {
    ".txt": _read_plain,
    ".md": _read_markdown,
    ".markdown": _read_markdown,
    ".html": _read_html,
    ".htm": _read_html,
    ".json": _read_json,
}
REPORT_SUFFIXES = frozenset(_READERS)


# ----------------------------------------------------------------- discovery


def _discover(
    paths: Sequence[Path], follow_symlinks: bool, report: Callable[[SkippedPath], None]
) -> Iterator[Path]:
    """Every report file under ``paths``, each real file once (the first path wins)."""
    yielded: set[Path] = set()
    for given in map(Path, paths):
        if given.is_dir():
            found: Iterator[Path] = _walk(given, follow_symlinks, report)
        elif given.is_file():
            found = iter([given])
        else:
            report(SkippedPath(given, _missing_reason(given)))
            continue
        for path in found:
            real = path.resolve()
            if real not in yielded:
                yielded.add(real)
                yield path


def _missing_reason(given: Path) -> str:
    if given.exists():
        return "not a regular file or folder"
    return "broken symlink" if given.is_symlink() else "no such file or folder"


def _walk(
    root: Path, follow_symlinks: bool, report: Callable[[SkippedPath], None]
) -> Iterator[Path]:
    """Depth-first, sorted, without recursion (deep trees) and without entering a folder twice."""
    real_root = root.resolve()
    visited = {_folder_key(root)}
    stack = [_entries(root, report)]
    while stack:
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        kind = _classify(entry, real_root, follow_symlinks, report)
        path = Path(entry.path)
        if kind == "folder":
            key = _folder_key(path, report)
            # A folder reached again through a symlink (a loop, or a second way in) is walked once.
            if key is not None and key not in visited:
                visited.add(key)
                stack.append(_entries(path, report))
        elif kind == "file" and _is_report(path, real_root, follow_symlinks, report):
            yield path


def _entries(folder: Path, report: Callable[[SkippedPath], None]) -> Iterator[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as scan:
            return iter(sorted(scan, key=lambda entry: entry.name))
    except OSError as exc:
        report(SkippedPath(folder, f"cannot be listed: {exc.strerror}"))
        return iter(())


def _folder_key(
    folder: Path, report: Callable[[SkippedPath], None] | None = None
) -> tuple[int, int] | None:
    """(device, inode): the same folder by any path."""
    try:
        info = folder.stat()
    except OSError as exc:
        if report is not None:
            report(SkippedPath(folder, f"cannot be read: {exc.strerror}"))
        return None
    return info.st_dev, info.st_ino


def _classify(
    entry: os.DirEntry[str],
    real_root: Path,
    follow_symlinks: bool,
    report: Callable[[SkippedPath], None],
) -> str | None:
    """'folder', 'file' or None (skipped; reported unless hidden or a metadata file)."""
    if entry.name.startswith(".") or entry.name.lower().endswith(META_SUFFIX):
        return None
    path = Path(entry.path)
    try:
        problem = _symlink_problem(entry, real_root, follow_symlinks)
        if problem is None and entry.is_dir():
            return "folder"
        if problem is None and entry.is_file():
            return "file"
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop, before Python 3.13
        problem = f"cannot be followed: {exc}"
    report(SkippedPath(path, problem or "not a regular file or folder"))
    return None


def _symlink_problem(entry: os.DirEntry[str], real_root: Path, follow: bool) -> str | None:
    """Why a symlink is not to be followed (broken, or leading out of the folder), if it is not."""
    if not entry.is_symlink():
        return None
    target = Path(entry.path).resolve()
    if not target.exists():
        return "broken symlink"
    if not follow and not target.is_relative_to(real_root):
        return f"symlink leads out of {real_root} (to {target})"
    return None


def _is_report(
    path: Path, real_root: Path, follow_symlinks: bool, report: Callable[[SkippedPath], None]
) -> bool:
    """Report files by extension, READMEs excepted; the rest are noted as skipped."""
    if path.suffix.lower() not in REPORT_SUFFIXES:
        report(SkippedPath(path, f"not a report file ({path.suffix or 'no extension'})"))
        return False
    if path.stem.upper() in FOLDER_DOCS:
        report(SkippedPath(path, "folder documentation, not a report"))
        return False
    if not follow_symlinks and _sidecar_escapes(path, real_root):
        name = meta_path_for(path).name
        report(
            SkippedPath(path, f"its metadata file {name} is a symlink leading out of {real_root}")
        )
        return False
    return True


def _sidecar_escapes(path: Path, real_root: Path) -> bool:
    """True if the metadata file beside ``path`` is a symlink out of the folder (or a loop)."""
    sidecar = meta_path_for(path)
    if not sidecar.is_symlink():
        return False
    try:
        return not sidecar.resolve().is_relative_to(real_root)
    except (OSError, RuntimeError):
        return True
