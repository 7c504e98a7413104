"""Which side a word names (dashboard.extract.sides)."""

from __future__ import annotations

import pytest

from dashboard.extract.sides import capital_side, side_of_word, side_within


@pytest.mark.parametrize(
    ("word", "side"),
    [
        ("Armenian", "AM"),
        ("азербайджанских", "AZ"),
        ("Shehids", "AZ"),
        ("Kyrgyz", "KG"),
        ("Russian", None),
    ],
)
def test_side_words(word, side):
    assert side_of_word(word) == side


@pytest.mark.parametrize(
    ("word", "side"), [("Baku", "AZ"), ("Еревана", "AM"), ("BAKU", "AZ"), ("Moscow", None)]
)
def test_capitals_speak_for_their_side(word, side):
    assert capital_side(word) == side


def test_a_phrase_naming_both_sides_names_neither():
    assert side_within("three Azerbaijani soldiers") == "AZ"
    assert side_within("Armenian and Azerbaijani soldiers") is None
