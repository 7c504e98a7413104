"""Sentence boundaries with offsets into the original text."""

import pytest

from dashboard.extract.sentences import split_sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("One. Two! Three?", ["One.", "Two!", "Three?"]),
        ("Gen. Smith spoke. Then he left.", ["Gen. Smith spoke.", "Then he left."]),
        ("J. R. Doe said so. Next.", ["J. R. Doe said so.", "Next."]),
        ("“Quoted.” Then more.", ["“Quoted.”", "Then more."]),
        ("Обстрел начался в 5 ч. утра. Жертв нет.", ["Обстрел начался в 5 ч. утра.", "Жертв нет."]),
        (
            "A cut-off paragraph\n\nNext paragraph, unfinished",
            ["A cut-off paragraph", "Next paragraph, unfinished"],
        ),
        ("  padded.  ", ["padded."]),
        ("", []),
    ],
)
def test_split(text, expected):
    assert [s.text for s in split_sentences(text)] == expected


def test_offsets_index_the_original_text():
    text = "First one.  Second one, with “quotes.” Third\n\nFourth"
    for sentence in split_sentences(text):
        assert text[sentence.start : sentence.end] == sentence.text
    assert [s.index for s in split_sentences(text)] == [0, 1, 2, 3]
