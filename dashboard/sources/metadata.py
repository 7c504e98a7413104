"""A report's metadata: where each field comes from, and what a valid value is.

- **Where**: field by field, from ``NAME.meta.json`` beside the file (.txt, .md,
  .html), then from inside the document (front matter; an HTML page's tags),
  then from fallbacks (:mod:`~dashboard.sources.document`). :meth:`Meta.over`
  is that merge. A .json file carries its own metadata per item.
- **What**: unknown keys are ignored; known ones are checked: strings (folded
  whitespace, no control characters, bounded length), http(s) urls, language
  codes, dates.
- **Dates**: ``published`` is ``YYYY-MM-DD`` or a full ISO datetime (its date as
  written, not converted to UTC). Impossible dates, dates before 1900 and dates
  more than a day in the future are errors, not warnings: a wrong publication
  date would silently misplace every "yesterday" in the text. Only metadata
  inside an HTML page is lenient (ignored with a warning), as pages carry junk
  tags; that leniency is the HTML reader's, not this module's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from dashboard.sources.decoding import CONTROL, decode, normalise_text, read_bytes
from dashboard.sources.errors import SourceError

META_SUFFIX = ".meta.json"
MAX_META_BYTES = 1024 * 1024
EARLIEST_PUBLISHED = date(1900, 1, 1)


@dataclass(frozen=True)
class Meta:
    """The metadata fields a report may carry; ``None`` means "not given"."""

    title: str | None = None
    url: str | None = None
    publisher: str | None = None
    published: date | None = None
    language: str | None = None

    def over(self, fallback: Meta) -> Meta:
        """These fields, with ``fallback``'s filling the gaps."""
        return replace(
            self,
            **{
                f.name: getattr(fallback, f.name)
                for f in fields(self)
                if getattr(self, f.name) is None
            },
        )


def meta_path_for(path: Path) -> Path:
    """The metadata file beside a report: ``a/NAME.txt`` → ``a/NAME.meta.json``."""
    return path.with_name(path.stem + META_SUFFIX)


def sidecar_meta(path: Path, meta_path: Path | None, today: date) -> Meta:
    """Metadata from ``NAME.meta.json`` beside the file (or ``meta_path``), if there is one."""
    explicit = meta_path is not None
    meta_path = Path(meta_path) if explicit else meta_path_for(path)
    if not explicit and not meta_path.exists():
        return Meta()
    label = f"metadata file {meta_path.name}"
    try:
        raw = json.loads(normalise_text(decode(read_bytes(meta_path, MAX_META_BYTES), meta_path)))
    except SourceError as exc:
        raise SourceError(path, f"{label}: {exc.problem}") from exc
    except json.JSONDecodeError as exc:
        raise SourceError(path, f"{label}: not JSON: {exc.msg} (line {exc.lineno})") from exc
    except RecursionError as exc:
        raise SourceError(path, f"{label}: nested too deeply") from exc
    if not isinstance(raw, dict):
        raise SourceError(path, f"{label}: expected a JSON object, got {json_type(raw)}")
    try:
        return parse_meta(raw, today)
    except ValueError as exc:
        raise SourceError(path, f"{label}: {exc}") from exc


def json_type(value: object) -> str:
    """A JSON value's type as a message names it: 'an object', 'null', 'a number'..."""
    names = {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    return names.get(type(value), "a number")


_ALIASES = {"date": "published"}  # front matter of static-site generators says "date"
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")
_ISO_DATE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$"
)


def parse_meta(raw: Mapping[Any, Any], today: date) -> Meta:
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
    return Meta(**values)


def parse_field(name: str, value: object, today: date) -> Any:
    """One known field's checked value (``name`` is a :class:`Meta` field); ValueError if bad."""
    return _FIELD_PARSERS[name](value, today)


def _parse_string(value: object, max_chars: int) -> str:
    """A metadata string: whitespace folded, no control characters, not too long."""
    if not isinstance(value, str):
        raise ValueError(f"expected a string, got {type(value).__name__}")
    text = " ".join(normalise_text(value).split())
    if not text:
        raise ValueError("is empty")
    if CONTROL.search(text):
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
