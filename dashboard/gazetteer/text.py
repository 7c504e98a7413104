"""Words of a report as the gazetteer sees them: tokens, folded spellings, inflected forms.

Place names reach us in English, Russian, Armenian and Azerbaijani, spelt
with or without diacritics, apostrophes and primes (Syunik, Syunik',
Syunikʼ; Kəlbəcər, Kelbecer), and inflected (Сюникской, Լոռու, Laçında).
Rather than one clever regular expression per name, every word is reduced
once to a *folded* form and the gazetteer looks folded word sequences up in
a dictionary, so one rule here serves every name.

* :func:`tokens` splits text into words whose offsets point into the
  original text, however folding changes their length (NFD input, ligatures).
* :func:`fold` maps a word to its folded form: case, diacritics, ə/ı, ё,
  apostrophes and Armenian in-word marks are folded away.
* :func:`inflected_forms` lists the forms a listed alias takes in running
  text (Russian noun and adjective endings, Armenian and Azerbaijani case
  suffixes). The lists are deliberately short: they cover the endings place
  names take, not the whole grammar, so they cannot turn a name into a
  common word.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import product

# Combining marks (NFD diacritics), and Armenian emphasis/question marks that sit inside words.
_MARKS = "\u0300-\u036f\u0483-\u0489\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_ARMENIAN_IN_WORD = "\u055a-\u055f"
# Apostrophes and primes that transliterations put inside words (Zarrit'ap', Gegharkunik').
_APOSTROPHES = "'\u2019\u2018\u02bc\u02bb\u02b9\u2032\u0060\u00b4"
_WORD = re.compile(
    # Letters and digits, then runs of marks or an apostrophe between letters, then letters.
    rf"[^\W_{_APOSTROPHES}][^\W_{_MARKS}{_ARMENIAN_IN_WORD}{_APOSTROPHES}]*"
    rf"(?:(?:[{_MARKS}{_ARMENIAN_IN_WORD}]+"
    # An apostrophe joins letters, except in an English possessive ('s at a word's end).
    rf"|[{_APOSTROPHES}](?![sS](?![^\W_]))(?=[^\W_]))[^\W_{_APOSTROPHES}]*)*"
)
# What may stand between the words of one multi-word name: spaces and hyphens or dashes.
_JOINER = re.compile(r"\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]?\s*")

_FOLD = str.maketrans(
    {
        "ə": "e",
        "ǝ": "e",
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "æ": "ae",
        **dict.fromkeys(_APOSTROPHES + "\u055a\u055b\u055c\u055d\u055e\u055f\u00ad\u200c\u200d"),
    }
)
_COMBINING = re.compile(f"[{_MARKS}]")


@dataclass(frozen=True, slots=True)
class Token:
    """One word: ``text[start:end]`` in the original text, and its folded form."""

    start: int
    end: int
    folded: str


def fold(word: str) -> str:
    """The folded form of a word or phrase: lower case, no diacritics, ə→e, ı→i, ё→е.

    ``й`` folds to ``и`` (NFKD splits off its breve); that is harmless
    because aliases and text are folded by the same function.
    """
    folded = unicodedata.normalize("NFKD", word.casefold().translate(_FOLD))
    return _COMBINING.sub("", folded)


def words(text: str) -> list[str]:
    """The folded words of a phrase (an alias), as the index stores them."""
    return [fold(m.group()) for m in _WORD.finditer(text)]


class Tokenizer:
    """Splits text into :class:`Token` s; remembers folded words, which repeat across documents."""

    def __init__(self, cache_size: int = 200_000) -> None:
        self._cache: dict[str, str] = {}
        self._cache_size = cache_size

    def tokens(self, text: str) -> tuple[list[int], list[int], list[str]]:
        """Starts, ends and folded forms of the words of ``text`` (three parallel lists)."""
        cache = self._cache
        if len(cache) > self._cache_size:
            cache.clear()
        starts, ends, folded = [], [], []
        for match in _WORD.finditer(text):
            word = match.group()
            form = cache.get(word)
            if form is None:
                form = cache[word] = fold(word)
            starts.append(match.start())
            ends.append(match.end())
            folded.append(form)
        return starts, ends, folded


def tokens(text: str) -> Iterator[Token]:
    """The words of ``text`` with their offsets in the original text."""
    starts, ends, folded = Tokenizer().tokens(text)
    for start, end, form in zip(starts, ends, folded, strict=True):
        yield Token(start, end, form)


def joinable(text: str, end: int, next_start: int) -> bool:
    """Whether the text between two words lets them form one name (space, hyphen or dash)."""
    return _JOINER.fullmatch(text, end, next_start) is not None


def script(word: str) -> str:
    """The script of a word's first letter: ``Latn``, ``Cyrl``, ``Armn`` or ``Zyyy``."""
    for char in word:
        if char.isalpha():
            name = unicodedata.name(char, "")
            if name.startswith("LATIN"):
                return "Latn"
            if name.startswith("CYRILLIC"):
                return "Cyrl"
            if name.startswith("ARMENIAN"):
                return "Armn"
            return "Zyyy"
    return "Zyyy"


# --- Inflection -----------------------------------------------------------------------------

# Russian noun endings by the lemma's ending (lemma ending → endings replacing it).
_RU_NOUN = (
    ("ия", ("ия", "ии", "ию", "ией")),
    ("ь", ("ь", "и", "ью", "я", "ю", "ем", "е")),
    ("а", ("а", "ы", "и", "е", "у", "ой", "ою")),
    ("я", ("я", "и", "е", "ю", "ей", "ею")),
    ("й", ("й", "я", "ю", "ем", "е")),
)
_RU_INDECLINABLE = tuple("оеиуыэю")
_RU_ADJECTIVE = (
    ("ский", ("ий", "ого", "ому", "им", "ом", "ая", "ой", "ую", "ою", "ое", "ие", "их", "ими")),
    ("цкий", ("ий", "ого", "ому", "им", "ом", "ая", "ой", "ую", "ою", "ое", "ие", "их", "ими")),
    ("ый", ("ый", "ого", "ому", "ым", "ом", "ая", "ой", "ую", "ою", "ое", "ые", "ых", "ыми")),
    ("ий", ("ий", "его", "ему", "им", "ем", "яя", "ей", "юю", "ее", "ие", "их", "ими")),
)
# Armenian case endings and articles: after a consonant, and after a final -ի or -ա.
_HY_AFTER_CONSONANT = ("", "ի", "ին", "ում", "ից", "ով", "ը", "ն")
_HY_AFTER_I = ("ի", "ին", "ու", "ում", "ուց", "իով", "իից")
_HY_AFTER_A = ("ա", "ան", "այի", "ային", "այում", "այից", "այով")
# Azerbaijani case suffixes, folded (ı→i, ə→e), so vowel harmony collapses to a few forms.
_AZ_SUFFIXES = (
    *("da", "de", "ta", "te", "dan", "den", "tan", "ten", "nda", "nde", "ndan", "nden"),
    *("in", "un", "nin", "nun", "a", "e", "ya", "ye", "na", "ne", "i", "u", "ni", "nu"),
)
# Endings that themselves say "in / from a place": a name so inflected needs no other context.
LOCATIVE_ENDINGS = {
    "hy": ("ում", "ից", "ուց"),
    "az": ("da", "de", "ta", "te", "dan", "den", "tan", "ten", "nda", "nde", "ndan", "nden"),
}
_MAX_FORMS = 400


def _ru_noun(word: str) -> tuple[str, ...]:
    if word.endswith(_RU_INDECLINABLE) or not word[-1:].isalpha():
        return (word,)
    for ending, endings in _RU_NOUN:
        if word.endswith(ending):
            stem = word[: -len(ending)]
            return tuple(stem + e for e in endings)
    return (word, *(word + e for e in ("а", "у", "ом", "ем", "е")))


def _ru_adjective(word: str) -> tuple[str, ...]:
    for ending, endings in _RU_ADJECTIVE:
        if word.endswith(ending):
            stem = word[: -len(ending)] + ending[:-2]
            return tuple(stem + e for e in endings)
    return _ru_noun(word)


def _hy(word: str) -> tuple[str, ...]:
    if word.endswith("ի"):
        return tuple(word[:-1] + e for e in _HY_AFTER_I)
    if word.endswith("ա"):
        return tuple(word[:-1] + e for e in _HY_AFTER_A)
    return tuple(word + e for e in _HY_AFTER_CONSONANT)


def _az(word: str) -> tuple[str, ...]:
    if len(word) < 4:
        return (word,)
    return (word, *(word + e for e in _AZ_SUFFIXES))


def inflected_forms(alias: str, lang: str, flags: frozenset[str]) -> list[tuple[str, ...]]:
    """Folded word sequences an alias may take in text, the listed form first.

    ``lang`` chooses the rules: ``ru`` (Russian: noun endings on the last
    word; adjective endings on every word when ``flags`` has ``adj``),
    ``hy`` (Armenian case endings on the last word), ``az`` (Azerbaijani case
    suffixes on the last word). Other languages, and aliases flagged
    ``fixed``, keep the listed form. Endings are applied to the lower-cased
    spelling (where ``й`` is still ``й``) and the results folded.
    """
    raw = [m.group().casefold() for m in _WORD.finditer(alias)]
    listed = tuple(fold(w) for w in raw)
    if not raw or "fixed" in flags or lang not in {"ru", "hy", "az"}:
        return [listed]
    if lang == "ru" and "adj" in flags:
        choices = [_ru_adjective(w) for w in raw]
    else:
        last = {"ru": _ru_noun, "hy": _hy, "az": _az}[lang](raw[-1])
        choices = [(w,) for w in raw[:-1]] + [last]
    forms = [listed]
    seen = {listed}
    for combo in product(*choices):
        form = tuple(fold(w) for w in combo)
        if form not in seen:
            seen.add(form)
            forms.append(form)
        if len(forms) >= _MAX_FORMS:
            break
    return forms


def is_locative(form_last_word: str, alias_last_word: str, lang: str) -> bool:
    """Whether an inflected last word carries a locative/ablative ending (itself context)."""
    if form_last_word == alias_last_word:
        return False
    return form_last_word.endswith(LOCATIVE_ENDINGS.get(lang, ()))
