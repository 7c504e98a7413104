"""A report's incident sentences → its main incident, and any other incident it dates itself.

Measured on real reports, reading each incident sentence as an incident made
3.2 incidents of one report on average (up to 9): a recap, a background
paragraph, a country named in passing each became a dot. A report is news
about one main incident (its headline, lede and first dated incident
sentence) and sometimes another it reports in its own right, so:

* sentences dated only to history (:func:`~dashboard.extract.timeline.is_background`)
  or to the future are not incidents at all;
* the first dated incident sentence dates the main incident; every sentence
  whose date overlaps that window, or that gives no date, is the main
  incident's evidence;
* a sentence with a date of its own outside that window is another incident
  only if it is precise (a day, a few days, a week) and names a province or
  a place in one: a country name alone never makes an incident;
* a main incident placed only on a country takes the places that the
  report's opening sentences give, where the report says where it is about.
"""

from __future__ import annotations

from datetime import timedelta

from dashboard.extract.dates import DateMention
from dashboard.extract.evidence import (
    Doc,
    Evidence,
    casualties_in,
    event_dates,
    incident_places,
    province_codes,
)
from dashboard.extract.sentences import Sentence
from dashboard.extract.timeline import (
    Window,
    fallback_window,
    is_background,
    is_future,
    overlaps,
    window_of,
)
from dashboard.models import DatePrecision

# The headline, the dateline and the lede: where a report says what it is about.
OPENING_SENTENCES = 4
_OWN_INCIDENT_PRECISIONS = frozenset({DatePrecision.DAY, DatePrecision.DAYS, DatePrecision.WEEK})


def group_incidents(
    doc: Doc, evidence: list[Evidence], warnings: list[str]
) -> list[list[Evidence]]:
    """The main incident's evidence first, then each other incident's, in text order."""
    current = _current(doc, evidence)
    if not current:
        return []
    main_window = next((item.window for item in current if item.window), None)
    if main_window is None:
        main_window = _undated_main_window(doc, current[0], warnings)
    if main_window is None:
        return []
    main: list[Evidence] = []
    others: list[Evidence] = []
    main_provinces = province_codes(
        doc, (m for i in current if _joins(i, main_window) for m in i.places)
    )
    for item in current:
        if _joins(item, main_window) or _follows(doc, item, main_window, main_provinces):
            item.window = main_window
            main.append(item)
        elif _is_own_incident(doc, item):
            others.append(item)
    if not province_codes(doc, (m for item in main for m in item.places)):
        main.extend(_opening_places(doc, main))
    groups = [main, *_by_window_and_province(doc, others)]
    _gather_main_toll(doc, groups)
    return groups


def _joins(item: Evidence, main_window: Window) -> bool:
    return item.window is None or overlaps(item.window, main_window)


def _follows(doc: Doc, item: Evidence, main_window: Window, main_provinces: set[str]) -> bool:
    """The night before or the day after, in a province of the main incident: the same clash.

    Reports date one clash by its start, its end or the day of the statement
    ("fire opened late on Monday … on Tuesday the ministry said"); the store
    merges reports of one province a day apart for the same reason.
    """
    if item.window is None or not province_codes(doc, item.places) & main_provinces:
        return False
    gap = max((item.window[0] - main_window[1]).days, (main_window[0] - item.window[1]).days)
    return gap <= 1


def _current(doc: Doc, evidence: list[Evidence]) -> list[Evidence]:
    """Evidence that is news: neither history nor a plan.

    A report whose every incident sentence is history is a look back: when
    its opening sentences tell of that past incident, that is its news.
    """
    current, past = [], []
    for item in evidence:
        # "since 2020" beside "on Tuesday": the sentence's news is Tuesday.
        news = [d for d in item.dates if not _is_history(doc, d)]
        item.dates = news or item.dates
        item.window = window_of(item.dates)
        if item.window and is_future(item.window, doc.anchor):
            continue
        if item.window and is_background(item.window, doc.anchor):
            past.append(item)
        else:
            current.append(item)
    if current or not past or past[0].sentences[0].index >= OPENING_SENTENCES:
        return current
    first = past[0].window
    return [item for item in past if item.window and overlaps(item.window, first)]


def _undated_main_window(doc: Doc, first: Evidence, warnings: list[str]) -> Window | None:
    """No incident sentence gives a date: the report's own current date, else its anchor's.

    "After the May appeal…": a date elsewhere in the report that is neither
    history nor a dateline dates the incident, and its sentence is shown as
    evidence too, with a warning that says where the date came from.
    """
    where = f"sentence {first.sentences[0].index + 1}"
    # As incident sentences read them: no dateline, a statement's day standing for two.
    read = [
        next((e for e in event_dates(doc, _sentence_of(doc, d.start)) if e.start == d.start), None)
        for d in doc.dates
    ]
    usable = [
        d
        for d in read
        if d is not None
        and not is_background((d.first, d.last, d.precision), doc.anchor)
        and not is_future((d.first, d.last, d.precision), doc.anchor)
    ]
    if usable:
        mention = usable[0]  # the nearest the top: the lede dates the news
        warnings.append(
            f"{where}: no date in the sentence; took {mention.text!r} from the document"
        )
        first.dates.append(mention)
        sentence = _sentence_of(doc, mention.start)
        if sentence not in first.sentences:
            first.sentences.append(sentence)
        return mention.first, mention.last, mention.precision
    if doc.anchor is None:
        warnings.append(f"{where}: undatable: no date in the text and no publication date")
        return None
    window, note = fallback_window(doc.anchor)
    warnings.append(f"{where}: {note}")
    return window


def _sentence_of(doc: Doc, offset: int) -> Sentence:
    return next(s for s in doc.sentences if s.start <= offset < s.end)


def _gather_main_toll(doc: Doc, groups: list[list[Evidence]]) -> None:
    """The main incident's toll is stated anywhere in the report that is not history.

    Headlines and ledes give tolls in sentences that name no place ("Four
    servicemen killed…"), and updates come paragraphs later; only sentences
    dated to history or the future, and those of the report's other
    incidents, are left out. Sentences that add a figure become evidence, so
    the panel shows the words the toll came from.
    """
    first = groups[0][0]
    elsewhere = {s.index for group in groups[1:] for item in group for s in item.sentences}
    known = {c.start for item in groups[0] for c in item.casualties}
    for sentence in doc.sentences:
        if sentence.index in elsewhere or _dated_away(doc, sentence):
            continue
        found = [c for c in casualties_in(doc.text, sentence) if c.start not in known]
        if not found:
            continue
        first.casualties.extend(found)
        if any(c.count and not c.is_total for c in found) and sentence not in first.sentences:
            first.sentences.append(sentence)


def _is_history(doc: Doc, mention: DateMention) -> bool:
    window = (mention.first, mention.last, mention.precision)
    return is_background(window, doc.anchor) or is_future(window, doc.anchor)


def _dated_away(doc: Doc, sentence: Sentence) -> bool:
    windows = [(d.first, d.last, d.precision) for d in event_dates(doc, sentence)]
    return any(is_background(w, doc.anchor) or is_future(w, doc.anchor) for w in windows)


# Another incident a report mentions is its news only if it is this recent; older ones
# ("on March 5, five people were killed…") are told as background to the main one.
ASIDE_NEWS_DAYS = 7


def _is_own_incident(doc: Doc, item: Evidence) -> bool:
    """Dated precisely, recently, and placed on a province: an incident of its own."""
    window = item.window
    if window is None or window[2] not in _OWN_INCIDENT_PRECISIONS:
        return False
    recent = doc.anchor is None or window[1] >= doc.anchor.day - timedelta(days=ASIDE_NEWS_DAYS)
    return recent and bool(province_codes(doc, item.places))


def _opening_places(doc: Doc, main: list[Evidence]) -> list[Evidence]:
    """Evidence from the opening sentences that name a province or a place in one."""
    taken = {s.index for item in main for s in item.sentences}
    found = []
    for sentence in doc.sentences[:OPENING_SENTENCES]:
        if sentence.index in taken:
            continue
        places = [m for m in incident_places(doc, sentence) if province_codes(doc, [m])]
        if places:
            found.append(Evidence([sentence], places, [], [], [], window=main[0].window))
    return found


def _by_window_and_province(doc: Doc, items: list[Evidence]) -> list[list[Evidence]]:
    """Other incidents: the same window and overlapping provinces are one incident."""
    groups: list[list[Evidence]] = []
    for item in items:
        provinces = province_codes(doc, item.places)
        for group in groups:
            same_window = group[0].window == item.window
            if same_window and provinces & province_codes(doc, _places(group)):
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


def _places(group: list[Evidence]) -> list:
    return [m for item in group for m in item.places]
