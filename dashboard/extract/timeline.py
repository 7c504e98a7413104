"""When a report's incidents happened: the day it is read against, and what is background.

A report is news about one day or a few; everything older it mentions is
background ("the two fought a war in 2020", "since 1988", last year's clash
with its own toll). Measured on real reports, background years became
incident dates and background paragraphs became incidents, so a date more
than :data:`BACKGROUND_DAYS` before the report's own day is history: it
never dates or makes an incident.

The report's own day (its *anchor*) is the publication date; a page without
one is anchored on the latest full date its text gives, else on the day it
was ingested, with a wide window and a warning, so that a page is never
dropped only for lacking a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from dashboard.extract.dates import DateMention, find_dates
from dashboard.models import DatePrecision

BACKGROUND_DAYS = 45
# An undated page dated only by its ingest day: any day this long before it.
RECEIVED_WINDOW_DAYS = 30

Window = tuple[date, date, DatePrecision]


class AnchorBasis(StrEnum):
    """What the report's own day was taken from, most to least trustworthy."""

    PUBLISHED = "published"
    TEXT = "text"
    STORE = "store"
    RECEIVED = "received"


@dataclass(frozen=True)
class Anchor:
    """The day a report speaks from, and where that day came from."""

    day: date
    basis: AnchorBasis

    @property
    def resolves_relative_dates(self) -> bool:
        """ "On Tuesday" means something against a publication or text date, not an ingest day."""
        return self.basis is not AnchorBasis.RECEIVED


def find_anchor(
    published: date | None, text: str, received: date | None, store_day: date | None = None
) -> Anchor | None:
    """The report's own day: published, else the latest full date in the text, else the
    day the store dated one of its year-less days to (``store_day``), else received."""
    if published is not None:
        return Anchor(published, AnchorBasis.PUBLISHED)
    explicit, _skipped = find_dates(text, None)
    days = [d.last for d in explicit if d.precision is DatePrecision.DAY]
    if days:
        return Anchor(max(days), AnchorBasis.TEXT)
    if store_day is not None:
        return Anchor(store_day, AnchorBasis.STORE)
    if received is not None:
        return Anchor(received, AnchorBasis.RECEIVED)
    return None


def report_dates(text: str, anchor: Anchor | None) -> tuple[list[DateMention], int]:
    """Date mentions resolved against the anchor where it can resolve them."""
    reference = anchor.day if anchor and anchor.resolves_relative_dates else None
    return find_dates(text, reference)


def is_background(window: Window, anchor: Anchor | None) -> bool:
    """A window that ended well before the report's own day: history, not this news."""
    return anchor is not None and window[1] < anchor.day - timedelta(days=BACKGROUND_DAYS)


def is_future(window: Window, anchor: Anchor | None) -> bool:
    """A window after the report's own day: a plan or a deadline, not an incident."""
    return anchor is not None and window[0] > anchor.day + timedelta(days=1)


def fallback_window(anchor: Anchor) -> tuple[Window, str]:
    """The window of an incident whose sentences give no date, and the warning that says so."""
    day = anchor.day
    if anchor.basis is AnchorBasis.RECEIVED:
        first = day - timedelta(days=RECEIVED_WINDOW_DAYS)
        return (first, day, DatePrecision.DAYS), (
            "no publication date and no full date in the text: dated by the day it was "
            f"ingested, any day from {first.isoformat()} to {day.isoformat()}"
        )
    what = {
        AnchorBasis.PUBLISHED: "publication",
        AnchorBasis.TEXT: "the latest date in the text",
        AnchorBasis.STORE: "the day the store dated the report to",
    }[anchor.basis]
    return (day - timedelta(days=6), day, DatePrecision.WEEK), (
        f"no date in the incident's sentences: assumed the week before {what}"
    )


def window_of(dates: list[DateMention]) -> Window | None:
    """One window covering the mentions, as precise as the coarsest of them."""
    if not dates:
        return None
    if len(dates) == 1:
        return dates[0].first, dates[0].last, dates[0].precision
    first = min(d.first for d in dates)
    last = max(d.last for d in dates)
    coarse = max((d.precision for d in dates), key=lambda p: p.ucdp_code)
    precision = DatePrecision.DAYS if coarse in (DatePrecision.DAY, DatePrecision.DAYS) else coarse
    return first, last, precision if first != last else DatePrecision.DAY


def overlaps(a: Window, b: Window) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]
