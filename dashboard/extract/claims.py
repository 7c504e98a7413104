"""Whose claim an incident is: the speaker its report attributes the incident to.

Two sides' accounts of one clash are one incident with two claims side by
side, so each report's citation must say who speaks: "Armenian defence
ministry", "Azerbaijani State Border Service", "residents", not the outlet
that carried it. The speaker (:mod:`.speakers`) is read, in order, from:

1. the incident's first evidence sentence (its lede); a headline hands over
   to the lede under it, and a sentence that opens by pointing back ("Об этом
   заявил…", "According to the ministry, …") speaks for the one before;
2. a ministry bulletin written in the first person ("our positions",
   «наши позиции»): the ministry of the side the text says it speaks for;
3. a dateline's agency ("YEREVAN, Sept 14 (Reuters) –"): the outlet's own report;
4. else the publisher, as before.

Conservative by design: a wrong speaker is worse than the publisher, so a
bare "the ministry" takes a side only from the ministry named before it or
from the report's own side (its first person, its dateline's capital), and
is dropped otherwise. One claim per report and incident: a wire relaying
both sides keeps the first speaker of its lede.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from dashboard.extract.context import dateline_end
from dashboard.extract.sentences import Sentence
from dashboard.extract.sides import CAPITAL_WORDS, capital_side
from dashboard.extract.speakers import Speaker, label, role_mentions, speakers_in
from dashboard.models import Source

# Headline, byline, date line, dateline: where the lede is found under a headline.
_LEDE_WINDOW = 5
_LEDE_MIN_CHARS = 60
_BACK_REFERENCE = re.compile(
    r"(?:Об\s+этом|Это\b|Информацию\s+подтвердил|This\s+was|That\s+was|According\s+to|"
    r"По\s+данным|По\s+словам|По\s+информации|Как\s+сообщ)",
    re.IGNORECASE,
)
_CAPTION = re.compile(r"\s*[\[(]|\s*(?:photo|фото)\b", re.IGNORECASE)
_MINISTRIES = frozenset({"defence ministry", "foreign ministry", "ministry"})
_FIRST_PERSON = re.compile(
    r"\b(?:our\s+(?:units?|positions?|border\s+posts?|servicem[ae]n|troops|territory|side|army)|"
    r"наш\w*\s+(?:позици\w*|подразделени\w*|территори\w*|сторон\w*|военнослужащ\w*|"
    r"пограничн\w*|застав\w*))\b",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"“[^”]*”|\"[^\"\n]*\"|«[^«»]*(?:«[^«»]*»[^«»]*)*»")
# A bulletin names its own country first: "Azerbaijani-Armenian state border",
# «армяно-азербайджанской границы»; the Azerbaijani army calls itself "the Azerbaijan Army".
_OWN_FIRST = {
    "AZ": re.compile(r"\bazerbaijani-armenian|азербайджано-армянск|azerbaijan\s+army|"
                     r"азербайджанск\w+\s+арми", re.IGNORECASE),
    "AM": re.compile(r"\barmenian-azerbaijani|армяно-азербайджанск", re.IGNORECASE),
}  # fmt: skip
_AGENCY = re.compile(r"\(([^()\n]{2,40})\)|/([^/\n]{2,25})/")


def incident_claim(
    source: Source, sentences: Sequence[Sentence], evidence: Sequence[Sentence]
) -> str | None:
    """Who makes the incident's claim in ``source``: a speaker's label, else the publisher.

    ``evidence`` is the incident's evidence, its lede first.
    """
    text = source.text or ""
    if evidence:
        for sentence in _attribution_sentences(source, sentences, evidence[0]):
            claim = _sentence_claim(text, sentences, sentence)
            if claim:
                return claim
    return _document_claim(text, tuple(sentences)) or source.publisher


@lru_cache(maxsize=256)
def _document_claim(text: str, sentences: tuple[Sentence, ...]) -> str | None:
    """The claim a whole report makes (its issuer or agency): read once, asked per incident."""
    return _bulletin_claim(text, sentences) or _agency_claim(text, sentences)


def _attribution_sentences(
    source: Source, sentences: Sequence[Sentence], first: Sentence
) -> list[Sentence]:
    """Where the speaker is read, in order: the lede and a sentence that points back to it.

    A headline ("Armenia says…") names its speaker more loosely than the lede
    under it ("Armenia's defence ministry said"), so under a headline the lede
    is read first and the headline last.
    """
    lede = _lede(sentences, first) if _is_headline(source, first) else first
    if lede is None:
        return [first]
    found = [lede]
    following = sentences[lede.index + 1 : lede.index + 2]
    if following and _BACK_REFERENCE.match(following[0].text):
        found.append(following[0])
    return [*found, first] if lede is not first else found


def _is_headline(source: Source, sentence: Sentence) -> bool:
    """The page's title, or an opening line with no full stop."""
    text = sentence.text.strip()
    return text == source.title.strip() or (sentence.index == 0 and text[-1:] not in '.!?…»"”')


def _lede(sentences: Sequence[Sentence], headline: Sentence) -> Sentence | None:
    """The first full sentence under a headline (not a byline, date line or photo caption)."""
    for sentence in sentences[headline.index + 1 : headline.index + 1 + _LEDE_WINDOW]:
        text = sentence.text
        if len(text) >= _LEDE_MIN_CHARS and not _CAPTION.match(text):
            return sentence
    return None


def _sentence_claim(text: str, sentences: Sequence[Sentence], sentence: Sentence) -> str | None:
    """The first speaker in ``sentence`` whose label can be told (a side where one is needed)."""
    for speaker in speakers_in(text, sentence):
        role, side = speaker.role, speaker.side
        if role == "ministry":
            antecedent = _antecedent(text, speaker, _MINISTRIES - {"ministry"})
            if antecedent is None:
                continue
            role = antecedent.role
        if side is None and speaker.needs_side:
            side = _known_side(text, speaker.start, role) or report_side(text, sentences)
        claim = label(role, side)
        if claim:
            return claim
    return None


def _antecedent(text: str, speaker: Speaker, roles: frozenset[str]) -> Speaker | None:
    """The nearest role among ``roles`` named before the speaker ("the ministry" → which one)."""
    earlier = [m for m in role_mentions(text, 0, speaker.start) if m.role in roles]
    return earlier[-1] if earlier else None


def _known_side(text: str, before: int, role: str) -> str | None:
    """The side of the nearest earlier mention of ``role`` that names one."""
    sided = [m for m in role_mentions(text, 0, before) if m.role == role and m.side]
    return sided[-1].side if sided else None


def report_side(text: str, sentences: Sequence[Sentence]) -> str | None:
    """The side a report speaks for: its first person's, else its dateline capital's."""
    return _report_side(text, tuple(sentences))


@lru_cache(maxsize=256)
def _report_side(text: str, sentences: tuple[Sentence, ...]) -> str | None:
    return _first_person_side(text, sentences) or _dateline_side(text, sentences)


def _first_person_side(text: str, sentences: Sequence[Sentence]) -> str | None:
    """A bulletin's side: "our positions" outside quotes, and one side it calls its own."""
    narration = _QUOTED.sub(" ", text)
    if not _FIRST_PERSON.search(narration):
        return None
    header = _header(text, sentences)
    sides = {m.side for m in role_mentions(text, header[0], header[1]) if m.side}
    if not sides:
        sides = {side for side, pattern in _OWN_FIRST.items() if pattern.search(narration)}
    return sides.pop() if len(sides) == 1 else None


def _dateline_side(text: str, sentences: Sequence[Sentence]) -> str | None:
    """The side of the capital a report is filed from ("YEREVAN, May 27", «Баку. Report.»)."""
    dateline = _dateline(text, sentences)
    if dateline is None:
        return None
    place = re.split(r"[,.—–(]| [-/]", dateline, maxsplit=1)[0]
    sides = {capital_side(word) for word in re.findall(r"\w+", place)}
    sides.discard(None)
    return sides.pop() if len(sides) == 1 else None


_CAPITAL_OPENING = re.compile(rf"\s*(?:{CAPITAL_WORDS})\b\s*[,./]", re.IGNORECASE)


def _dateline(text: str, sentences: Sequence[Sentence]) -> str | None:
    """The report's dateline: an upper-case one (:mod:`.context`) or a capital opening a line."""
    for sentence in sentences[:_LEDE_WINDOW]:
        end = dateline_end(text, sentence)
        if end is not None:
            return text[sentence.start : end]
        if _CAPITAL_OPENING.match(sentence.text):
            return re.split(r"\s[—–-]\s", sentence.text[:45], maxsplit=1)[0]
    return None


def _header(text: str, sentences: Sequence[Sentence]) -> tuple[int, int]:
    """The headline and the lines under it, where a bulletin names its issuer."""
    opening = sentences[:_LEDE_WINDOW]
    return (opening[0].start, opening[-1].end) if opening else (0, 0)


def _bulletin_claim(text: str, sentences: Sequence[Sentence]) -> str | None:
    """A bulletin: the issuer its header line names («Министерство обороны Республики
    Армения»), else, written in the first person, its side's issuer or defence ministry."""
    issuer = _issuer_line(text, sentences)
    if issuer is not None:
        return label(issuer.role, issuer.side)
    side = _first_person_side(text, sentences)
    if side is None:
        return None
    start, end = _header(text, sentences)
    roles = [m.role for m in role_mentions(text, start, end) if m.role in _ISSUERS]
    return label(roles[0] if roles else "defence ministry", side)


def _issuer_line(text: str, sentences: Sequence[Sentence]) -> Speaker | None:
    """A short opening line that is nothing but a sided institution: the page's issuer."""
    for sentence in sentences[:2]:
        if len(sentence.text) > _ISSUER_LINE_CHARS or ":" in sentence.text:
            continue
        mentions = role_mentions(text, sentence.start, sentence.end)
        first = mentions[0] if mentions else None
        if first and first.start == sentence.start and first.role in _ISSUERS and first.side:
            return first
    return None


_ISSUER_LINE_CHARS = 60
_ISSUERS = frozenset({"defence ministry", "State Border Service", "foreign ministry"})


def _agency_claim(text: str, sentences: Sequence[Sentence]) -> str | None:
    """A dateline naming its agency ("YEREVAN, May 27 (Reuters) –"): the outlet's own report."""
    dateline = _dateline(text, sentences)
    match = _AGENCY.search(dateline) if dateline else None
    return f"the outlet ({(match.group(1) or match.group(2)).strip()})" if match else None
