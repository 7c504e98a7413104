"""Words that signal an incident, and the casualty counts reports give, in English and Russian.

A cue is a phrase such as "opened fire", "crossed into", "обстреляли" with a
category (what kind of event it signals). Each category maps onto an ACLED
event type. A cue under negation ("there is no shooting there", "no
escalation") is reported as negated: it does not make a sentence an incident
sentence.

Casualty counts are :mod:`dashboard.extract.casualties`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.models import EventType

# category -> (event type, phrases). Phrases are regular expressions matched
# case-insensitively on word boundaries; Russian stems take any ending.
CUE_CATEGORIES: dict[str, tuple[EventType, tuple[str, ...]]] = {
    "incursion": (
        EventType.STRATEGIC_DEVELOPMENTS,
        (
            r"crossed\s+(?:into|the\s+border)",
            r"cross(?:ed|ing)?\s+the\s+(?:state\s+)?border",
            r"incursions?",
            r"intrusions?",
            r"infring\w*",
            r"invad\w*",
            r"invasion",
            r"advanced\s+(?:into|\d+)",
            r"encroach\w*",
            r"entered\s+(?:the\s+)?(?:sovereign\s+)?territory",
            r"occup(?:y|ied|ying)",
            r"violat\w+\s+(?:the\s+)?(?:state\s+)?border",
            r"вторгл\w*",
            r"вторжени\w*",
            r"пересекл\w*\s+границ\w*",
            r"(?:перейт|переш|пересеч)\w*\s+(?:государственн\w+\s+)?границ\w*",
            r"продвинул\w*",
            r"нарушил\w*\s+(?:государственн\w+\s+)?границ\w*",
            r"заня\w*\s+позици\w*",
            r"проник\w*",
            r"зашл\w*\s+на\s+территори\w*",
            # "tried to seize advantageous heights", «пытались захватить высоты»
            r"(?:seiz\w+|captur\w+|took\s+control\s+of|take\s+control\s+of)\s+"
            r"(?:\w+\s+){0,2}(?:heights?|hills?|positions?|territory)",
            r"захват\w*\s+(?:\w+\s+){0,2}(?:высот\w*|позици\w*|территори\w*)",
        ),
    ),
    "engineering": (
        EventType.STRATEGIC_DEVELOPMENTS,
        (
            r"engineering\s+works?",
            r"fortification\w*",
            r"dug\s+(?:in|trenches)",
            r"digging\s+trenches",
            r"инженерн\w+\s+работ\w*",
            r"фортификац\w*",
            # Mining roads and paths near the line (the Kalbajar captures of May 2021).
            r"(?:plant|lay|laid|laying|planting)\s+(?:land\s*)?mines",
            r"mining\s+(?:the\s+)?(?:roads?|paths?)",
            r"заминир\w*",
        ),
    ),
    "shooting": (
        EventType.BATTLES,
        (
            r"opened\s+fire",
            r"fired\s+(?:on|at|upon)",
            r"came\s+under\s+(?:\w+\s+)?fire",
            r"under\s+(?:\w+\s+)?fire",
            r"fire[ds]?\s+from",
            r"snipers?",
            r"shot\s+(?:dead|and\s+killed)",
            r"снайпер\w*",
            r"огонь\s+(?:с|со|из|по)\b",
            r"shooting",
            r"shootout",
            r"gunfire",
            r"exchange\s+of\s+fire",
            r"attack(?:s|ed|ing)?",
            r"assaults?",
            r"offensive",
            r"атак\w*",
            r"напал\w*",
            r"нападени\w*",
            r"skirmish\w*",
            r"clash(?:es|ed)?",
            r"firefight",
            r"ceasefire\s+violations?",
            r"violated\s+the\s+ceasefire",
            r"small\s+arms",
            r"открыл\w*\s+огонь",
            r"открыт\w*\s+огонь",
            r"вел\w*\s+огонь",
            r"exchanged\s+fire",
            r"перестрелк\w*",
            r"стрельб\w*",
            r"столкновени\w*",
            r"нарушени\w+\s+режима\s+прекращения\s+огня",
            r"бо(?:й|и|я|ев)\b",
            # "large-scale sabotage in the direction of ... districts": the Azerbaijani
            # defence ministry's word for an armed attack across the line.
            # (Not "sabotage group", «диверсионная группа»: a unit, not an attack.)
            r"sabotage\s+(?:acts?|attempts?|operations?)",
            r"acts?\s+of\s+sabotage",
            r"диверси(?:я|и|ю|й|ями)",
        ),
    ),
    "shelling": (
        EventType.EXPLOSIONS,
        (
            r"shell(?:ing|ed)",
            r"mortars?",
            r"artillery",
            r"bombard\w*",
            r"rockets?",
            r"missiles?",
            r"drones?",
            r"UAVs?",
            r"air\s*strikes?",
            r"обстрел\w*",
            r"миномет\w*",
            r"минамёт\w*",
            r"артиллери\w*",
            r"беспилотник\w*",
            r"БПЛА",
            r"дрон\w*",
            r"ракет\w*",
        ),
    ),
    "casualties": (
        EventType.BATTLES,
        (
            r"killed",
            r"wounded",
            r"injured",
            r"died",
            r"dead",
            r"casualt(?:y|ies)",
            r"captured",
            r"taken\s+(?:prisoner|captive)",
            r"погиб\w*",
            r"убит\w*",
            r"ранен\w*",
            r"пострадал\w*",
            r"взят\w*\s+в\s+плен",
            r"в\s+плен\w*",
            r"taken\s+captive",
            r"пленен\w*",
        ),
    ),
    "escalation": (
        EventType.STRATEGIC_DEVELOPMENTS,
        (
            r"escalat\w+",
            r"provocation\w*",
            r"flare-?ups?",
            r"обострени\w*",
            r"эскалаци\w*",
            r"провокаци\w*",
        ),
    ),
}

# Categories that on their own do not make an incident (context words).
WEAK_CATEGORIES = frozenset({"escalation", "casualties"})

_NEGATION = re.compile(
    r"(?:\b(?:no|not|never|without|nor|neither|cannot|nobody|нет|не|без|ни|никто)\b|n't\b|"
    r"n’t\b)[^.;:!?]{0,40}$",
    re.IGNORECASE,
)
# "never left the positions they took", «так и не покинули занятые позиции»: the
# negation denies the withdrawal, so the incursion it names still stands.
_DENIED_WITHDRAWAL = re.compile(
    r"(?:\b(?:not|never|не)\b|n't\b|n’t\b)\s+(?:\w+\s+)?"
    r"(?:left|leave|withdr\w*|pull\w*\s+(?:back|out)|vacat\w*|покин\w*|ушл\w*|уш[её]л\w*|"
    r"отве\w*|отош\w*|вывел\w*|вывод\w*|освобод\w*)",
    re.IGNORECASE,
)


def _negated(before: str) -> bool:
    """Whether the words just before a cue negate it (and not a withdrawal before it)."""
    return bool(_NEGATION.search(before)) and not _DENIED_WITHDRAWAL.search(before)


@dataclass(frozen=True, slots=True)
class Cue:
    """An incident cue at ``text[start:end]``."""

    start: int
    end: int
    matched: str
    category: str
    negated: bool

    @property
    def event_type(self) -> EventType:
        return CUE_CATEGORIES[self.category][0]


def _compile() -> list[tuple[str, re.Pattern[str]]]:
    compiled = []
    for category, (_event, phrases) in CUE_CATEGORIES.items():
        alternation = "|".join(phrases)
        compiled.append((category, re.compile(rf"(?<!\w)(?:{alternation})(?!\w)", re.IGNORECASE)))
    return compiled


_CUE_PATTERNS = _compile()


def find_cues(text: str) -> list[Cue]:
    """Cues in ``text`` in order; overlapping matches keep the first category listed."""
    found: list[Cue] = []
    for category, pattern in _CUE_PATTERNS:
        for match in pattern.finditer(text):
            if any(match.start() < c.end and c.start < match.end() for c in found):
                continue
            negated = _negated(text[max(0, match.start() - 60) : match.start()])
            found.append(Cue(match.start(), match.end(), match.group(0), category, negated))
    return sorted(found, key=lambda c: c.start)
