"""Incident cues and casualty statements (short test sentences written for these tests)."""

import pytest

from dashboard.extract.cues import find_cues
from dashboard.models import EventType


@pytest.mark.parametrize(
    ("sentence", "category", "negated"),
    [
        ("Troops crossed into the neighbouring province.", "incursion", False),
        ("They tried to carry out engineering work.", "engineering", False),
        ("Soldiers opened fire at the positions.", "shooting", False),
        ("The village came under shelling.", "shelling", False),
        ("There is no shooting there.", "shooting", True),
        ("We cannot speak about any escalation.", "escalation", True),
        ("Военные открыли огонь по позициям.", "shooting", False),
        ("Позиции подверглись обстрелу.", "shelling", False),
        ("Войска вторглись на территорию.", "incursion", False),
        ("Forces launched attacks on the villages.", "shooting", False),
        ("Противник атаковал позиции.", "shooting", False),
        # A denied withdrawal keeps the incursion: the troops are still there.
        ("Военные так и не покинули занятые позиции.", "incursion", False),
        ("The troops have not withdrawn and still occupy positions.", "incursion", False),
        ("Troops did not occupy positions there.", "incursion", True),
        ("Armenian units carried out acts of sabotage.", "shooting", False),
        ("Армянские подразделения совершили диверсии.", "shooting", False),
        ("Задержанные пытались заминировать дороги.", "engineering", False),
        ("They tried to seize advantageous heights.", "incursion", False),
        ("Военные пытались захватить выгодные высоты.", "incursion", False),
        ("Baku blamed Yerevan for the flare-up.", "escalation", False),
    ],
)
def test_cue_categories_and_negation(sentence, category, negated):
    cues = find_cues(sentence)
    assert [(c.category, c.negated) for c in cues] == [(category, negated)]
    assert sentence[cues[0].start : cues[0].end] == cues[0].matched


def test_cue_event_types():
    cues = {c.category: c.event_type for c in find_cues("shelling, opened fire, crossed into")}
    assert cues == {
        "shelling": EventType.EXPLOSIONS,
        "shooting": EventType.BATTLES,
        "incursion": EventType.STRATEGIC_DEVELOPMENTS,
    }


def test_words_inside_other_words_are_not_cues():
    assert find_cues("The killedbeast and unshelled nuts.") == []
