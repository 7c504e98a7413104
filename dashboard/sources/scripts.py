"""Which writing system a text's letters are in: a cheap count, no language model.

Two questions need it: is an undecodable file really cp1251 Cyrillic
(:mod:`~dashboard.sources.decoding`), and what language is a report that names
none (:mod:`~dashboard.sources.document`). Both count over the same bounded
sample, so a 20 MB file is never scanned whole.
"""

from __future__ import annotations

import re

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ARMENIAN = re.compile(r"[\u0531-\u0587]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f\u0259]")
_SCHWA = re.compile(r"[\u018f\u0259]")  # Ə ə: in Azerbaijani, in almost no other Latin language
_SAMPLE_CHARS = 256 * 1024


def largely_cyrillic(text: str) -> bool:
    """True if the text has Cyrillic letters and they are at least 30% of its letters."""
    sample = text[:_SAMPLE_CHARS]
    cyrillic = len(_CYRILLIC.findall(sample))
    latin = len(_LATIN.findall(sample))
    return bool(cyrillic) and cyrillic >= 0.3 * (cyrillic + latin)


def guess_language(text: str) -> str | None:
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
