"""Who speaks in a sentence: attributed speakers ("Armenia's defence ministry said").

Reports are chains of attributed statements: a ministry bulletin relayed by a
wire ("…, Armenia's defence ministry said"), a rebuttal ("Baku denied…"),
residents quoted, «по данным Минобороны Азербайджана», «Об этом заявил
премьер-министр». A speaker is a *role* (a ministry, an office, residents)
that stands in a speaking frame: a speech verb after it ("X said", «в
Минобороны X заявили»), an attribution before it ("according to X", «по
словам X», «сообщило X»), or a headline's "X: …" / "… – X". A role named
outside such a frame (the ministry's building was shelled) is not a speaker.

Each speaker gets the side its own words name ("Armenia's", «Армении», "in
Baku"), or none: the caller resolves a bare "the ministry" from context.
Named people are never kept, only their office ("the prime minister").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from dashboard.extract.sentences import Sentence
from dashboard.extract.sides import capital_side, side_within

SIDE_ADJECTIVES = {"AM": "Armenian", "AZ": "Azerbaijani"}

# (pattern, role label, whether the label needs a side to mean anything).
# "ministry" is a bare back-reference ("the ministry said", «ведомство»): it
# takes its role from the ministry named before it.
_ROLES: tuple[tuple[str, str, bool], ...] = (
    (r"defen[cs]e\s+ministry|ministry\s+of\s+defen[cs]e|MoD|минобороны|министерств\w*\s+обороны|"
     r"МО\s+РА|военн\w+\s+ведомств\w*|оборонн\w+\s+ведомств\w*", "defence ministry", True),
    (r"foreign\s+ministry|ministry\s+of\s+foreign\s+affairs|МИД\w*|"
     r"министерств\w*\s+иностранных\s+дел", "foreign ministry", True),
    (r"(?:state\s+)?border\s+service|SBS|ГПС|госпогранслужб\w*|"
     r"(?:государственн\w+\s+)?пограничн\w+\s+служб\w*", "State Border Service", True),
    (r"prime\s+minister|premier|премьер(?:-министр)?\w*|глав\w+\s+правительства",
     "prime minister", True),
    (r"president|президент\w*", "president", True),
    (r"defen[cs]e\s+minister|министр\w*\s+обороны", "defence minister", True),
    (r"foreign\s+minister|министр\w*\s+иностранных\s+дел", "foreign minister", True),
    (r"health\s+minister|министр\w*\s+здравоохранения", "health minister", True),
    (r"human\s+rights\s+defender|ombudsman|омбудсмен\w*|защитник\w*\s+прав\s+человека",
     "human rights defender", True),
    (r"government|правительств\w*", "government", True),
    (r"(?:village|community)\s+head|head\s+of\s+the\s+(?:village|community)|mayor|"
     r"глав\w+\s+(?:общины|села|сельской\s+общины)|старост\w+", "village head", False),
    (r"residents?|villagers?|locals|local\s+people|farmers?|shepherds?|"
     r"жител\w+|сельчан\w*", "residents", False),
    (r"ministry|ведомств\w*|министерств\w*", "ministry", True),
)  # fmt: skip
_ROLE = re.compile(
    "|".join(f"(?P<r{i}>\\b(?:{pattern})(?![\\w-]))" for i, (pattern, _, _) in enumerate(_ROLES)),
    re.IGNORECASE,
)
# A country or a capital speaking for its government: only right before a
# speech verb or after "according to", never as a verb's object ("said Baku had…").
_STATE = re.compile(
    r"\b(?:Armenia|Azerbaijan|Yerevan|Baku|Армения|Азербайджан|Ереван|Баку)(?![\w'’-])"
)

_SPEECH = (
    r"(?:say|said|says|report|reported|reports|stated|states|told|tell|claim|claimed|claims|"
    r"accuse|accused|accuses|deny|denied|denies|announced|confirm|confirmed|added|insisted|"
    r"rejected|dismissed|blamed|warned|"
    r"wrote|noted|described|condemned|recall(?:ed|s)?|reminds|gave\s+a\s+different\s+account|"
    r"сообщил\w*|сообща\w*|заявил\w*|заявля\w*|передает|передаёт|подтвердил\w*|уточнил\w*|"
    r"отметил\w*|обвинил\w*|опроверг\w*|отверг\w*|назвал\w*|рассказ\w*|говор\w*)"
)
# Role → verb: "X said", "X of the Republic of Armenia said", "X (MoD) reported",
# "Residents of Verishen, a village near Goris, say", «Минобороны Армении в среду заявило».
_SPEAKS_AFTER = re.compile(
    r"(?:\s*\([^()]{1,20}\))?"
    r"(?:\s+(?:of|in)\s+(?:the\s+)?(?:Republic\s+of\s+)?[\w'’-]+)?"
    r"(?:,[^,.;:!?\"“”«»]{1,60},)?"
    rf"(?:\s+[\w'’-]+){{0,2}}?\s+{_SPEECH}\b",
    re.IGNORECASE,
)
# Verb/attribution → role: "according to the ministry", «по данным ведомства»,
# «сообщило в среду Минобороны Азербайджана», «как сообщили Report в пресс-центре ГПС».
_ACCORDING = r"(?:according\s+to|по\s+словам|по\s+данным|по\s+информации|как\s+сообщ\w+)"
_SPEAKS_BEFORE = re.compile(
    rf"(?:{_ACCORDING}|\b(?:said|reported|stated|announced|сообщил\w*|сообщает|заявил\w*|"
    r"передает|передаёт|подтвердил\w*|уточнил\w*))"
    r"(?:\s+(?!(?:that|что|чтобы|о|об|about|on|in|at|the\s+attack)\b)[\w'’.-]+){0,3}?"
    r"\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_JOINT_STATES = re.compile(_STATE.pattern + r"\s+(?:and|и)\s+$")
_STATE_BEFORE = re.compile(rf"\b{_ACCORDING}\s+$", re.IGNORECASE)
_STATE_AFTER = re.compile(
    r"(?:,\s*(?:in\s+turn|в\s+свою\s+очередь),)?"
    r"(?:\s+(?:has|have|had|also|later|officially|then|on\s+\w+|в\s+\w+|же|тоже|также))*\s+"
    rf"{_SPEECH}\b",
    re.IGNORECASE,
)
# A headline's "Prime minister: …", «МО РА: …» or "… – Ministry of Defense".
_HEADLINE_PREFIX = re.compile(r"(?:\s+[\w-]+){0,2}\s*:\s")
_HEADLINE_SUFFIX = re.compile(r"\s[–—-]\s+(?:the\s+)?$", re.IGNORECASE)
# Words just before a role that may carry its side: "Armenia's", "the Azerbaijani".
_BEFORE_WORDS = re.compile(r"(?:[\w'’-]+\s+){0,2}$")
# Words just after: "(MoD) of the Republic of Armenia", "in Yerevan", «Армении».
_AFTER_SIDE = re.compile(
    r"(?:\s*\([^()]{1,20}\))?\s+"
    r"(?:(?:of|in)\s+(?:the\s+)?(?:Republic\s+of\s+)?([\w-]+)|(?:Республики\s+)?([А-ЯЁа-яё][\w-]*))",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Speaker:
    """A role in a speaking frame; ``start``/``end`` index the whole text."""

    start: int
    end: int
    role: str
    side: str | None
    needs_side: bool


def speakers_in(text: str, sentence: Sentence) -> list[Speaker]:
    """The attributed speakers of ``sentence``, in text order."""
    found = [s for s in _roles(text, sentence) if _speaks(text, sentence, s)]
    for match in _STATE.finditer(text, sentence.start, sentence.end):
        if any(s.start <= match.start() < s.end + 40 for s in found):
            continue  # "Armenia's defence ministry": the ministry speaks, not the country
        before = text[sentence.start : match.start()]
        if _JOINT_STATES.search(before) or _JOINT.match(text, match.end(), sentence.end):
            continue  # "Armenia and Azerbaijan said": both sides, nobody's claim alone
        if _STATE_BEFORE.search(before) or _STATE_AFTER.match(text, match.end(), sentence.end):
            side = _word_side(match.group(0))
            found.append(Speaker(match.start(), match.end(), "government", side, True))
    return sorted(found, key=lambda s: s.start)


def label(role: str, side: str | None) -> str | None:
    """The readable label: "Armenian defence ministry", "residents"; None if unsided."""
    if side is None:
        return None if role in _SIDED else role
    if side not in SIDE_ADJECTIVES:
        return None
    return f"{SIDE_ADJECTIVES[side]} {role}"


_SIDED = {role for _, role, sided in _ROLES if sided}


def role_mentions(text: str, start: int, end: int) -> list[Speaker]:
    """Every role named in ``text[start:end]``, spoken or not (antecedents, headers)."""
    return _roles(text, Sentence(-1, start, end, text[start:end]))


def _roles(text: str, sentence: Sentence) -> list[Speaker]:
    return list(_roles_in(text, sentence.start, sentence.end))


@lru_cache(maxsize=4096)
def _roles_in(text: str, start: int, end: int) -> tuple[Speaker, ...]:
    """Each incident asks the same sentences for their roles: found once per span."""
    sentence = Sentence(-1, start, end, text[start:end])
    roles = []
    for match in _ROLE.finditer(text, start, end):
        index = int(next(k for k, v in match.groupdict().items() if v)[1:])
        _, role, needs_side = _ROLES[index]
        side = _phrase_side(text, sentence, match.start(), match.end())
        roles.append(Speaker(match.start(), match.end(), role, side, needs_side))
    return tuple(roles)


def _speaks(text: str, sentence: Sentence, role: Speaker) -> bool:
    """Whether the role stands in a speaking frame in its sentence."""
    before = text[sentence.start : role.start]
    after_end = sentence.end
    if _SPEAKS_AFTER.match(text, role.end, after_end):
        return True
    if _SPEAKS_BEFORE.search(before) and not before.rstrip().endswith(","):
        return True
    if not before.strip() and _HEADLINE_PREFIX.match(text, role.end, after_end):
        return True
    tail = text[role.end : sentence.end].strip(" .")
    return bool(_HEADLINE_SUFFIX.search(before)) and len(tail) <= 20


def _phrase_side(text: str, sentence: Sentence, start: int, end: int) -> str | None:
    """The side the role's own words name: two words before it, or "of X"/«X» after it.

    Both sides at once («Минобороны Армении и Азербайджана») or a third
    country ("the Russian defence ministry") is :data:`OTHER`: not one side's claim.
    """
    if re.fullmatch(r"МО\s+РА", text[start:end], re.IGNORECASE):
        return "AM"
    words = _BEFORE_WORDS.search(text[max(sentence.start, start - 40) : start])
    phrase = words.group(0) if words else ""
    after = _AFTER_SIDE.match(text, end, sentence.end)
    if after:
        phrase += " " + (after.group(1) or after.group(2))
        joint = _JOINT.match(text, after.end(), sentence.end)
        if joint and _sides_of(joint.group(1)):
            return OTHER
    if _THIRD_PARTY.search(phrase):
        return OTHER
    sides = _sides_of(phrase)
    return sides.pop() if len(sides) == 1 else None


OTHER = "other"
_JOINT = re.compile(r"\s+(?:и|and)\s+([\w-]+)", re.IGNORECASE)
_THIRD_PARTY = re.compile(
    r"\b(?:russia|росси|turk|турц|турец|iran|иран|georgia|грузи|kyrgyz|кыргыз|киргиз|tajik|"
    r"таджик|french|франц|america|америк|u\.s\.|european|европ|osce|обсе|eu|un|оон)",
    re.IGNORECASE,
)


def _sides_of(phrase: str) -> set[str]:
    sides = set()
    for word in re.findall(r"[\w-]+", phrase):
        side = _word_side(word)
        if side:
            sides.add(side)
    return sides


def _word_side(word: str) -> str | None:
    lowered = word.casefold()
    capital = capital_side(lowered)
    if capital:
        return capital
    side = side_within(lowered)
    return side if side in SIDE_ADJECTIVES else None
