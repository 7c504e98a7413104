"""Death tolls: counts, sides, running totals, and the toll that stands (sentences written here)."""

from __future__ import annotations

import pytest

from dashboard.extract.casualties import (
    CasualtyMention,
    find_casualties,
    incident_casualties,
    incident_toll,
)
from dashboard.models import CasualtyCount, CasualtyKind


@pytest.mark.parametrize(
    ("sentence", "count", "is_total"),
    [
        ("Two servicemen were killed and three wounded.", 2, False),
        ("A soldier was killed.", 1, False),
        ("The attack killed 3 people.", 3, False),
        ("Thank God, there are no casualties.", 0, False),
        ("Погибли двое военнослужащих.", 2, False),
        ("Жертв нет.", 0, False),
        ("In total, 12 soldiers have been killed since 2020.", 12, True),
    ],
)
def test_casualties(sentence, count, is_total):
    found = [c for c in find_casualties(sentence) if c.kind is CasualtyKind.KILLED]
    assert [(c.count, c.is_total) for c in found] == [(count, is_total)]


def test_wounded_is_not_killed():
    found = find_casualties("Three soldiers were wounded.")
    assert [(c.kind, c.count) for c in found] == [(CasualtyKind.WOUNDED, 3)]
    assert incident_toll(found) is None


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("A serviceman received a fatal gunshot wound.", 1),
        ("A contract serviceman (born 1991) was killed in the fighting.", 1),
        ("Ведомство сообщило об одном погибшем военнослужащем.", 1),
        ("Serviceman killed near the village.", 1),
        ("На участке границы погиб военнослужащий.", 1),
        ("Seven servicemen of the Azerbaijan Army became Shehids.", 7),
        ("The number of servicemen who became martyrs has risen to 71.", 71),
        ("Azerbaijani fire kills four Armenian soldiers.", 4),
        ("Не менее 49 военнослужащих Армении погибли.", 49),
    ],
)
def test_tolls_without_the_usual_words(sentence, count):
    assert [c.count for c in find_casualties(sentence)] == [count]


def test_war_scale_figures_and_years_are_not_an_incidents_toll():
    assert find_casualties("The war in the early 1990s killed about 30,000 people.") == []
    assert find_casualties("The 44-day fighting killed more than 6,500 people.") == []


@pytest.mark.parametrize(
    ("sentence", "side"),
    [
        ("Three Azerbaijani soldiers were killed.", "AZ"),
        ("Four servicemen of the Armed Forces of Armenia were killed.", "AM"),
        ("Семь азербайджанских военнослужащих погибли.", "AZ"),
        # The side word is the attacker's, outside the phrase: no side.
        ("Four servicemen killed as Azerbaijani units opened fire.", None),
    ],
)
def test_the_side_is_the_one_the_phrase_names(sentence, side):
    (found,) = find_casualties(sentence)
    assert found.side == side


def _toll(count: int, side: str | None, start: int, is_total: bool = False) -> CasualtyMention:
    return CasualtyMention(start, start + 1, "", count, is_total, side)


def test_each_sides_latest_figure_stands_and_the_sides_add_up():
    mentions = [_toll(1, "AM", 0), _toll(7, "AZ", 10), _toll(6, "AM", 20)]
    assert incident_toll(mentions) == 13


def test_a_larger_overall_figure_without_a_side_stands():
    assert incident_toll([_toll(2, "AM", 0), _toll(3, "AZ", 5), _toll(16, None, 9)]) == 16


def test_running_totals_never_count():
    assert incident_toll([_toll(11, None, 0, is_total=True)]) is None
    assert incident_toll([]) is None


@pytest.mark.parametrize(
    ("sentence", "counts"),
    [
        (
            # "and 24 are missing" is joined to the Armenian count: the same side.
            "13 Armenian soldiers were captured and 24 are missing.",
            [("captured", "AM", 13), ("missing", "AM", 24)],
        ),
        (
            "Armenian troops returned fire, killing at least three Azerbaijani soldiers.",
            [("killed", "AZ", 3)],
        ),
        ("Two servicemen were wounded.", [("wounded", None, 2)]),
        ("Шестеро армянских военнослужащих были взяты в плен.", [("captured", "AM", 6)]),
        ("Семь азербайджанских военнослужащих погибли.", [("killed", "AZ", 7)]),
    ],
)
def test_counts_by_kind_and_side(sentence, counts):
    found = incident_casualties(find_casualties(sentence))
    assert [(c.kind.value, c.side, c.count) for c in found] == counts


def test_an_overall_figure_stays_beside_the_sides_only_when_it_says_more():
    mentions = [
        CasualtyMention(0, 1, "", 4, False, "AM"),
        CasualtyMention(5, 6, "", 3, False, None),
        CasualtyMention(9, 10, "", 20, False, None, CasualtyKind.WOUNDED),
    ]
    assert incident_casualties(mentions) == (
        CasualtyCount(CasualtyKind.KILLED, "AM", 4),
        CasualtyCount(CasualtyKind.WOUNDED, None, 20),
    )


@pytest.mark.parametrize(
    ("sentence", "side", "count"),
    [
        ("Baku said seven of its servicemen were killed.", "AZ", 7),
        ("Armenia said on Wednesday that four of its soldiers were killed.", "AM", 4),
        ("Азербайджанское Минобороны сообщило о гибели трех своих военных.", "AZ", 3),
        ("Число погибших армянских военнослужащих достигло 105.", "AM", 105),
        # Two sides speak before the count: whose it is stays unknown.
        ("Armenia said Azerbaijani fire killed two soldiers.", None, 2),
    ],
)
def test_a_side_that_speaks_before_a_count_gives_its_own_losses(sentence, side, count):
    killed = [c for c in find_casualties(sentence) if c.kind is CasualtyKind.KILLED]
    assert [(c.side, c.count) for c in killed] == [(side, count)]


def test_no_losses_among_the_personnel_is_zero():
    (found,) = find_casualties("Потерь среди личного состава нет.")
    assert found.count == 0


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Near Tegh the Armenian side has 4 killed and 6 wounded.",
            [("killed", "AM", 4), ("wounded", "AM", 6)],
        ),
        (
            "Four servicemen of the Armed Forces of Armenia were killed and one was wounded.",
            [("killed", "AM", 4), ("wounded", "AM", 1)],
        ),
        (
            "Погибли четверо военнослужащих ВС Армении, еще шестеро получили ранения.",
            [("killed", "AM", 4), ("wounded", "AM", 6)],
        ),
        (
            "Two Armenian soldiers were killed and three Azerbaijani soldiers wounded.",
            [("killed", "AM", 2), ("wounded", "AZ", 3)],
        ),
        (
            "After the Azerbaijani shelling, the number of killed servicemen has risen to four.",
            [("killed", None, 4)],
        ),
    ],
)
def test_a_count_takes_the_side_its_clause_gives(sentence, expected):
    found = [(m.kind.value, m.side, m.count) for m in find_casualties(sentence)]
    assert found == expected


def test_an_earlier_figure_gives_way_to_the_revised_one():
    earlier = find_casualties("Earlier the ministry reported two Armenian soldiers killed.")
    later = find_casualties("Four Armenian soldiers were killed, the ministry said.")
    assert [m.superseded for m in earlier] == [True]
    assert incident_toll([*later, *earlier]) == 4
    assert incident_toll(earlier) == 2


@pytest.mark.parametrize(
    ("sentences", "toll"),
    [
        (
            [
                "Six Armenian soldiers were killed, the ministry said, raising its earlier "
                "figure of one dead."
            ],
            6,
        ),
        (
            [
                "Armenia said six of its soldiers were killed.",
                "At the time it reported one Armenian soldier killed and 13 captured.",
            ],
            6,
        ),
        (["Azerbaijan's defence ministry said 50 of its troops had died."], 50),
    ],
)
def test_a_figure_the_report_revised_gives_way(sentences, toll):
    mentions = [m for sentence in sentences for m in find_casualties(sentence)]
    assert incident_toll(mentions) == toll
