"""Marking matches in source text: offsets, overlaps, and escaping of untrusted text."""

import re

import pytest

from dashboard.extract.highlight import (
    highlight_excerpt,
    highlight_in_context,
    mark_text,
    matched_aliases,
    span_title,
)
from dashboard.models import Excerpt, Span, SpanKind

TEXT = "Shelling near Sotk in Gegharkunik on 13 September killed 2 soldiers."
SOTK = Span(14, 18, SpanKind.PLACE, "AM-GR:sotk", "Sotk")
GEGH = Span(22, 33, SpanKind.PLACE, "AM-GR", "Gegharkunik")
SHELLING = Span(0, 8, SpanKind.CUE, "shelling", "shelling")


def _tags(markup: str) -> list[str]:
    return re.findall(r"</?([a-z]+)", markup)


@pytest.mark.parametrize(
    ("text", "spans", "offset", "expected"),
    [
        ("no matches", [], 0, "no matches"),
        ("Sotk", [Span(0, 4, SpanKind.PLACE, "p", "Sotk")], 0, '<mark class="bw-place"'),
        # offsets are in source coordinates: an excerpt starting at 100
        ("in Sotk", [Span(103, 107, SpanKind.PLACE, "p", "Sotk")], 100, ">Sotk</mark>"),
        # a span reaching past the excerpt is clipped to it
        ("in Sot", [Span(103, 107, SpanKind.PLACE, "p", "Sotk")], 100, ">Sot</mark>"),
        ("a & b", [], 0, "a &amp; b"),
    ],
)
def test_mark_text_table(text, spans, offset, expected):
    assert expected in mark_text(text, spans, offset=offset)


def test_marks_every_span_in_order_and_keeps_the_text():
    markup = mark_text(TEXT, [GEGH, SHELLING, SOTK])
    assert re.sub(r"<[^>]+>", "", markup) == TEXT
    assert markup.startswith('<mark class="bw-cue"')
    assert markup.count("<mark") == 3
    assert ">Gegharkunik</mark>" in markup


def test_overlapping_spans_keep_the_first_and_longer():
    inner = Span(22, 26, SpanKind.PLACE, "x", "Gegh")
    markup = mark_text(TEXT, [inner, GEGH])
    assert markup.count("<mark") == 1
    assert ">Gegharkunik</mark>" in markup


def test_title_names_the_alias_that_matched():
    assert "matched alias “Sotk” → AM-GR:sotk" in span_title(SOTK)
    assert 'title="place: matched alias' in mark_text(TEXT, [SOTK])


def test_excerpt_uses_its_start_as_offset():
    excerpt = Excerpt(14, 33, TEXT[14:33], (SOTK, GEGH))
    markup = highlight_excerpt(excerpt)
    assert ">Sotk</mark>" in markup and ">Gegharkunik</mark>" in markup


def test_full_text_sets_off_the_excerpt_and_marks_inside_it():
    excerpt = Excerpt(14, 33, TEXT[14:33], (SOTK,))
    markup = highlight_in_context(TEXT, [excerpt])
    assert markup.startswith("Shelling near ")
    assert '<span class="bw-excerpt"><mark class="bw-place"' in markup
    assert re.sub(r"<[^>]+>", "", markup) == TEXT


@pytest.mark.parametrize(
    "payload",
    [
        "<script>alert(1)</script>",
        '<img src=x onerror="alert(1)">',
        '"><svg onload=alert(1)>',
        "</mark><script>x</script>",
    ],
)
def test_untrusted_text_and_labels_are_escaped(payload):
    text = f"Near {payload} in Sotk"
    start = text.index("Sotk")
    span = Span(start, start + 4, SpanKind.PLACE, payload, payload)
    for markup in (
        mark_text(text, [span]),
        highlight_in_context(text, [Excerpt(0, len(text), text, (span,))]),
    ):
        assert set(_tags(markup)) <= {"mark", "span"}
        assert "<script" not in markup and "<img" not in markup and "<svg" not in markup
        # attribute values cannot be closed early by a quote in the data
        for title in re.findall(r'title="([^"]*)"', markup):
            assert "<" not in title and '"' not in title


def test_matched_aliases_lists_places_once():
    excerpts = [Excerpt(14, 33, TEXT[14:33], (SOTK, GEGH)), Excerpt(14, 18, "Sotk", (SOTK,))]
    assert matched_aliases(excerpts) == [("Sotk", "AM-GR:sotk"), ("Gegharkunik", "AM-GR")]
