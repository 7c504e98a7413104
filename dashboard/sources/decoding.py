"""Bytes → text: read a file safely, decode it, check it is text, normalise it.

Everything downstream points into the text by character offset, so the text is
decided here once, and kept as the document has it:

- **Reading** (:func:`read_bytes`): never blocks on a FIFO and never reads more
  than the limit; a file over it is refused before it is read.
- **Decoding** (:func:`decode`): UTF-8 (with or without a BOM), UTF-16/32 with a
  BOM, UTF-16 without one (recognised by NUL bytes in every other position) and
  cp1251 (accepted only when UTF-8 fails nearly everywhere and the result is
  largely Cyrillic letters). Anything else, binary files included, is a
  :class:`~dashboard.sources.SourceError` naming the file.
- **Normalisation** (:func:`normalise_text`): a leading BOM is dropped, ``\\r\\n``
  and ``\\r`` become ``\\n``, and the text is put in Unicode NFC. Nothing else
  changes: no trimming, no whitespace folding.
- **Checking** (:func:`check_text`): the text a reader settled on (a whole file,
  or a JSON item's ``"text"``) must not be empty, binary-looking or unencodable.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import unicodedata
from pathlib import Path

from dashboard.sources.errors import SourceError
from dashboard.sources.scripts import largely_cyrillic

# C0 and C1 controls other than tab, newlines, vertical tab and form feed.
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HIGH_BYTES = bytes(range(128, 256))
_CONTROL_BYTES = bytes([*range(1, 9), *range(14, 32), 127])  # not tab, newlines, form feeds


def read_bytes(path: Path, limit: int) -> bytes:
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


def decode(data: bytes, path: Path) -> str:
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
    return text if largely_cyrillic(text) else None


def _byte_position(data: bytes, offset: int) -> str:
    return f"byte 0x{data[offset]:02x} at offset {offset}"


def _line_of(data: bytes, error: UnicodeDecodeError) -> int:
    return data.count(b"\n", 0, error.start) + 1


def normalise_text(text: str) -> str:
    """Drop a leading BOM, make every newline ``\\n`` and compose to NFC; nothing else."""
    text = text.removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def check_text(text: str, path: Path, item: int | None) -> None:
    """Reject text that is empty, binary-looking or unencodable (lone surrogates)."""
    if not text.strip():
        raise SourceError(path, "has no text", item=item)
    if "\0" in text:
        raise SourceError(path, "looks binary (it contains NUL characters)", item=item)
    controls = len(CONTROL.findall(text))
    if controls > 0.02 * len(text):
        raise SourceError(path, f"looks binary ({controls:,} control characters)", item=item)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise SourceError(
            path, f"text has an unpaired surrogate at {exc.start}", item=item
        ) from exc
