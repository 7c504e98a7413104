"""Source text with its matches marked, as HTML that is safe to show.

Source text is untrusted: every character of it is escaped by
:mod:`dashboard.markup`, and the only markup in the result is this module's
own ``<mark>`` and ``<span>`` tags. The result is :class:`~dashboard.markup.Html`,
so the source panel puts it inside its own HTML without escaping it twice.
Offsets are the store's: spans and excerpts index the source's full text,
so an excerpt is rendered with its ``start`` as the base offset.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from dashboard.markup import Html, escape
from dashboard.models import Excerpt, Span, SpanKind

_KIND_WORDS = {
    SpanKind.PLACE: "place",
    SpanKind.CUE: "event word",
    SpanKind.DATE: "date",
    SpanKind.FATALITIES: "fatalities",
}

_MARK = Html('<mark class="bw-{}" title="{}">{}</mark>')
_REGION = Html('<span class="bw-excerpt">{}</span>')


def span_title(span: Span) -> str:
    """What a mark's tooltip says: the kind, the alias that matched, its label."""
    words = _KIND_WORDS.get(span.kind, str(span.kind))
    if span.kind == SpanKind.PLACE:
        return f"{words}: matched alias “{span.matched}” → {span.label}"
    return f"{words}: “{span.matched}” ({span.label})"


def mark_text(
    text: str,
    spans: Sequence[Span] = (),
    *,
    offset: int = 0,
    regions: Iterable[tuple[int, int]] = (),
) -> Html:
    """``text`` as escaped HTML with ``spans`` marked and ``regions`` set off.

    Parameters
    ----------
    text
        The text to show (an excerpt, or a source's full text).
    spans
        Matches to mark, in the coordinates of the full source text; each
        becomes ``<mark class="bw-KIND" title="...">``. Where spans overlap,
        the one starting first (then the longer) wins; parts outside ``text``
        are clipped.
    offset
        Where ``text`` starts in the full source text (an excerpt's ``start``).
    regions
        Ranges (same coordinates) to wrap in ``<span class="bw-excerpt">``,
        used to show excerpts inside the full text.

    Returns
    -------
    Html
        HTML whose only tags are ``mark`` and ``span``; no attribute or text
        comes unescaped from the input.
    """
    end = offset + len(text)
    chosen = _non_overlapping(spans, offset, end)
    clipped_regions = sorted(
        (max(a, offset), min(b, end)) for a, b in regions if min(b, end) > max(a, offset)
    )
    cuts = {offset, end}
    for span in chosen:
        cuts.update((span.start, span.end))
    for a, b in clipped_regions:
        cuts.update((a, b))
    points = sorted(cuts)
    pieces: list[Html] = []
    for a, b in itertools.pairwise(points):
        piece = escape(text[a - offset : b - offset])
        span = next((s for s in chosen if s.start <= a and b <= s.end), None)
        if span is not None:
            piece = _MARK.format(str(span.kind), span_title(span), piece)
        if any(ra <= a and b <= rb for ra, rb in clipped_regions):
            piece = _REGION.format(piece)
        pieces.append(piece)
    return Html().join(pieces)


def _non_overlapping(spans: Sequence[Span], start: int, end: int) -> list[Span]:
    """Spans clipped to ``[start, end)``, dropping any that overlap an earlier one."""
    chosen: list[Span] = []
    reached = start
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        a, b = max(span.start, start), min(span.end, end)
        if b <= a or a < reached:
            continue
        chosen.append(Span(a, b, span.kind, span.label, span.matched))
        reached = b
    return chosen


def highlight_excerpt(excerpt: Excerpt) -> Html:
    """An excerpt with its matched place names, event words and dates marked."""
    return mark_text(excerpt.text, excerpt.spans, offset=excerpt.start)


def highlight_in_context(text: str, excerpts: Sequence[Excerpt]) -> Html:
    """A source's full text with its excerpts set off and their matches marked."""
    spans = [span for excerpt in excerpts for span in excerpt.spans]
    regions = [(excerpt.start, excerpt.end) for excerpt in excerpts]
    return mark_text(text, spans, regions=regions)


def matched_aliases(excerpts: Sequence[Excerpt]) -> list[tuple[str, str]]:
    """``(alias as written, place id)`` for every place match, first occurrence order."""
    seen: dict[tuple[str, str], None] = {}
    for excerpt in excerpts:
        for span in excerpt.spans:
            if span.kind == SpanKind.PLACE:
                seen.setdefault((span.matched, span.label), None)
    return list(seen)
