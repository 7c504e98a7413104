"""Undated pages dated by the incidents the store already holds at their places.

Real pages often lose their date on the way in (an explainer, a saved copy,
a page whose date is in a script), and many name their days without a year:
"the fighting that lasted from 12 to 16 July", "on May 20". Extraction alone
can only date such a page by the day it was ingested, a month wide, so it
becomes a second dot beside the event the dated reports made. Here the
page's year-less days are looked up among the stored day-precise incidents
that share a province with it: when exactly one year holds one of those
days there, the page is read in that year (with a warning that says so);
when none or several do, it keeps its ingest window. Years before the
latest year the page names outright are ruled out ("April 2016" in the
text: the page is from 2016 or later). A page that names only a weekday
("before dawn on Thursday") and places is dated the same way when exactly
one stored incident at one of those places has that weekday in its window.

Order of ingest does not matter: after every ingest, :func:`stale_undated`
names the stored undated pages that a new incident at their places can now
date, and the pipeline re-extracts them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta

from dashboard.extract.dates import (
    YearlessDays,
    find_weekdays,
    find_yearless_days,
    latest_named_year,
)
from dashboard.extract.evidence import GazetteerLike
from dashboard.extract.incidents import Extraction, extract_incidents
from dashboard.extract.timeline import AnchorBasis
from dashboard.models import Source
from dashboard.store import Store

# Only windows this narrow can date a page: a day, a clash of a few days.
MAX_WINDOW_DAYS = 7


def extract_with_store(
    source: Source, gazetteer: GazetteerLike, store: Store, received: date | None
) -> Extraction:
    """Extract ``source``; an undated page is read in the year the store gives its days."""
    extraction = extract_incidents(source, gazetteer, received)
    if extraction.anchor is None or extraction.anchor.basis is not AnchorBasis.RECEIVED:
        return extraction
    provinces = _provinces(extraction)
    span = store_span(source, provinces, store, received) or weekday_span(
        source, provinces, _place_names(extraction, gazetteer), store, received
    )
    if span is None:
        return extraction
    dated = extract_incidents(source, gazetteer, received, store_day=span[1])
    return dated if _about(dated, span) else extraction


def _about(extraction: Extraction, span: tuple[date, date]) -> bool:
    """Whether the page's main incident, read in the store's year, is on the matched days.

    A page that mentions the store's day only as background ("since troops
    crossed on May 12") and whose own incident falls elsewhere is not dated
    by it: it keeps its honest ingest window rather than a precise wrong one.
    """
    if not extraction.incidents:
        return False
    main = extraction.incidents[0].incident
    return main.date_start <= span[1] and span[0] <= main.date_end


def store_span(
    source: Source, provinces: Collection[str], store: Store, received: date | None
) -> tuple[date, date] | None:
    """The page's year-less days that fall on stored incidents, in the one year they do.

    ``None`` when the page names no such day, when no stored incident at
    ``provinces`` falls on one, or when several years do (ambiguous).
    """
    days = find_yearless_days(source.text or "")
    if not days or not provinces:
        return None
    windows = store.day_windows(provinces, synthetic=source.synthetic, max_days=MAX_WINDOW_DAYS)
    floor = latest_named_year(source.text or "")
    ceiling = received.year if received else date.today().year
    found = {
        span
        for mention in days
        for window in windows
        for span in _spans_in(mention, window, floor, ceiling)
    }
    if len({first.year for first, _last in found}) != 1:
        return None
    return min(first for first, _last in found), max(last for _first, last in found)


def stale_undated(store: Store, gazetteer: GazetteerLike, provinces: Collection[str]) -> list[str]:
    """Stored reports at ``provinces`` still dated by ingest that the store can now date.

    The caller re-extracts them (:func:`dashboard.reextract.reextract_sources`).
    """
    stale = []
    for source_id in store.undated_report_ids(provinces, wider_than=MAX_WINDOW_DAYS):
        stored = store.stored_report(source_id)
        if stored is None:
            continue
        fresh = extract_with_store(stored.source, gazetteer, store, stored.received)
        if fresh.anchor is not None and fresh.anchor.basis is AnchorBasis.STORE:
            stale.append(source_id)
    return stale


def weekday_span(
    source: Source,
    provinces: Collection[str],
    place_names: Collection[str],
    store: Store,
    received: date | None,
) -> tuple[date, date] | None:
    """The day of the one stored incident at the page's own places that its weekday fits.

    "Before dawn on Thursday … near Movses and Aygepar": a page that names a
    weekday and places is dated when exactly one stored day-precise incident
    at those places (its main place one of them, a province shared) has that
    weekday in its window; none or several leave it undated.
    """
    weekdays = find_weekdays(source.text or "")
    if not weekdays or not place_names:
        return None
    floor = latest_named_year(source.text or "")
    ceiling = received.year if received else date.today().year
    windows = store.place_windows(
        provinces, place_names, synthetic=source.synthetic, max_days=MAX_WINDOW_DAYS
    )
    found = {
        (incident_id, day)
        for incident_id, start, end in windows
        for day in _days(start, end)
        if day.weekday() in weekdays
        and (floor is None or day.year >= floor)
        and day.year <= ceiling
    }
    if len({incident_id for incident_id, _day in found}) != 1:
        return None
    day = max(day for _id, day in found)
    return day, day


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


def _place_names(extraction: Extraction, gazetteer: GazetteerLike) -> set[str]:
    """Names of the settlements and landmarks the page's incidents are placed by."""
    return {
        gazetteer.place(match.place_id).name
        for found in extraction.incidents
        for match in found.places
        if gazetteer.place(match.place_id).kind in ("settlement", "landmark")
    }


def _spans_in(
    mention: YearlessDays, window: tuple[date, date], floor: int | None, ceiling: int
) -> list[tuple[date, date]]:
    """The mention's days in each year of ``window`` where they overlap it."""
    spans = []
    for year in range(window[0].year, window[1].year + 1):
        if (floor is not None and year < floor) or year > ceiling:
            continue
        span = mention.in_year(year)
        if span is not None and span[0] <= window[1] and window[0] <= span[1]:
            spans.append(span)
    return spans


def _provinces(extraction: Extraction) -> set[str]:
    return {p.code for found in extraction.incidents for p in found.incident.provinces}
