"""Date mentions in report text, resolved to date windows with a precision.

Reports rarely give a full date: they say "yesterday", "on Tuesday", "12-14
May" or "after the May appeal". Each mention becomes a window
(``start``..``end``) and a :class:`~dashboard.models.DatePrecision`, resolved
against the publication date:

* a day without a year, a weekday or a bare month takes the latest such day
  or month on or before publication (so "in May" in a July article is May of
  that year, in a March article May of the year before);
* relative words ("yesterday", "вчера") count back from publication;
* without a publication date, mentions that need one are skipped and the
  caller is told (see :func:`find_dates`).
English month names must be capitalised, so the verb "may" and a "march" are
not dates.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from dashboard.models import DatePrecision

_EN_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_EN_MONTHS["Sept"] = 9
# Russian month stems: genitive ("мая"), prepositional ("мае"), nominative
# ("май") and the adjective ("майского обращения") all start with these.
_RU_MONTHS = {
    "январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6,
    "июл": 7, "август": 8, "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12,
}  # fmt: skip
_RU_MONTH_FORMS = {
    5: r"ма(?:я|е|й|йск\w*)",
}
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
    "saturday": 5, "sunday": 6,
    "понедельник": 0, "вторник": 1, "среду": 2, "среда": 2, "четверг": 3,
    "пятницу": 4, "пятница": 4, "субботу": 5, "суббота": 5, "воскресенье": 6,
}  # fmt: skip
_RELATIVE_DAYS = {
    "today": 0, "this morning": 0, "tonight": 0, "yesterday": 1, "last night": 1,
    "overnight": 1,
    "the day before yesterday": 2,
    "сегодня": 0, "вчера": 1, "накануне": 1, "прошлой ночью": 1, "позавчера": 2,
}  # fmt: skip


def _ru_month_pattern() -> str:
    forms = [_RU_MONTH_FORMS.get(number, stem + r"\w*") for stem, number in _RU_MONTHS.items()]
    return "|".join(sorted(forms, key=len, reverse=True))


_EN_MONTH = "|".join(sorted(_EN_MONTHS, key=len, reverse=True))
_RU_MONTH = _ru_month_pattern()
_DAY = r"(?:[12]\d|3[01]|0?[1-9])"
_YEAR = r"(?:19|20)\d\d"
_DASH = r"\s*[-–—]\s*"

# Ordered: longer, more specific patterns first; a span is taken once.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(rf"\b(?P<y>{_YEAR})-(?P<m>0[1-9]|1[0-2])-(?P<d>[0-3]\d)\b")),
    ("dotted", re.compile(rf"\b(?P<d>{_DAY})\.(?P<m>0?[1-9]|1[0-2])\.(?P<y>{_YEAR})\b")),
    (
        "day_range",
        re.compile(
            rf"\b(?:from\s+|с\s+)?(?P<d1>{_DAY})(?:{_DASH}|\s+(?:to|and|по|и)\s+)(?P<d2>{_DAY})"
            rf"\s+(?P<mon>{_EN_MONTH}|{_RU_MONTH})\b(?:,?\s+(?P<y>{_YEAR}))?",
            re.IGNORECASE,
        ),
    ),
    (
        "range_month_first",
        re.compile(
            rf"\b(?P<mon>{_EN_MONTH})\s+(?P<d1>{_DAY}){_DASH}(?P<d2>{_DAY})\b(?:,?\s+(?P<y>{_YEAR}))?"
        ),
    ),
    # "early May", "mid-March 2021", «в начале мая», «в конце сентября»: a third of a month.
    (
        "month_part",
        re.compile(
            rf"\b(?P<part>early|mid|late)[\s-]+(?P<mon>{_EN_MONTH})\b(?:\s+(?P<y>{_YEAR}))?"
            rf"|\b(?:в\s+)?(?P<rupart>начале|середине|конце)\s+(?P<rumon>{_RU_MONTH})"
            rf"(?:\s+(?P<ruy>{_YEAR}))?",
            re.IGNORECASE,
        ),
    ),
    (
        "day_month",
        re.compile(
            rf"\b(?P<d>{_DAY})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_EN_MONTH}|{_RU_MONTH})\b"
            rf"(?:,?\s+(?P<y>{_YEAR}))?",
            re.IGNORECASE,
        ),
    ),
    (
        "month_day",
        re.compile(
            rf"\b(?P<mon>{_EN_MONTH})\.?\s+(?P<d>{_DAY})(?:st|nd|rd|th)?\b(?:,?\s+(?P<y>{_YEAR}))?"
        ),
    ),
    ("month_year", re.compile(rf"\b(?P<mon>{_EN_MONTH})\s+(?:of\s+)?(?P<y>{_YEAR})\b")),
    ("ru_month_year", re.compile(rf"\b(?P<mon>{_RU_MONTH})\s+(?P<y>{_YEAR})\b", re.IGNORECASE)),
    (
        "relative",
        re.compile(
            r"\b(?P<rel>"
            + "|".join(sorted(map(re.escape, _RELATIVE_DAYS), key=len, reverse=True))
            + r")\b",
            re.IGNORECASE,
        ),
    ),
    (
        "weekday",
        re.compile(
            r"\b(?:on|last|of|late|early|в|во|ночь\s+на|утром\s+в)\s+(?P<wd>"
            + "|".join(sorted(_WEEKDAYS, key=len, reverse=True))
            + r")\b",
            re.IGNORECASE,
        ),
    ),
    # "last week", «на прошлой неделе»: the calendar week before publication.
    ("last_week", re.compile(r"\b(?:last\s+week|на\s+прошлой\s+неделе)\b", re.IGNORECASE)),
    # "for a third day", "the third straight day of fighting", «третий день подряд»: the
    # fighting began that many days before the report's own day and lasts to it.
    (
        "nth_day",
        re.compile(
            r"\b(?P<nth>second|third|fourth|fifth|sixth)\s+"
            r"(?:straight\s+|consecutive\s+|successive\s+)?day"
            r"(?=\s+(?:of\s+(?:fighting|clashes|shelling|hostilities|skirmishes)|in\s+a\s+row)\b"
            r"|;|,|\.|$)"
            r"|\b(?P<runth>втор|трет|четверт|четвёрт|пят|шест)\w*\s+(?:день|сутки)(?=\s+"
            r"(?:подряд|боев|боёв|столкновений|обстрелов))",
            re.IGNORECASE,
        ),
    ),
    ("month", re.compile(rf"\b(?P<mon>{_EN_MONTH})\b(?!\s+\d)")),
    ("ru_month", re.compile(rf"\b(?P<mon>{_RU_MONTH})\b", re.IGNORECASE)),
    ("year", re.compile(rf"\b(?:in|of|since|в|с)\s+(?P<y>{_YEAR})\b", re.IGNORECASE)),
    # "in the early 1990s", «в 1990-х»: a decade, read as its ten years.
    (
        "decade",
        re.compile(r"\b(?P<dec>(?:19|20)\d0)(?:s|-х|-е)(?!\w)", re.IGNORECASE),
    ),
    # "the 2020 war", "the 2016 clashes", «войны 2020 года»: an event named by its year.
    (
        "year",
        re.compile(
            rf"\b(?P<y>{_YEAR})\s+(?:war|conflict|clash\w*|fighting|escalation|hostilities|"
            rf"offensive)\b|\b(?:войн\w*|конфликт\w*|эскалаци\w*)\s+(?P<y2>{_YEAR})\s+год\w*",
            re.IGNORECASE,
        ),
    ),
]


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression at ``text[start:end]`` meaning the window ``first``..``last``."""

    start: int
    end: int
    text: str
    first: date
    last: date
    precision: DatePrecision
    needs_publication: bool = False
    kind: str = ""


_RUSSIAN_ONLY = frozenset({"ru_month_year", "ru_month"})
# Words without one of which a pattern cannot match: most reports lack most of them, and
# a substring test is far cheaper than running the pattern over the whole text.
_NEEDS: dict[str, tuple[str, ...]] = {
    "weekday": tuple(_WEEKDAYS),
    "relative": tuple(_RELATIVE_DAYS),
    "last_week": ("week", "недел"),
    "nth_day": ("day", "день", "сутки"),
    "month_part": ("early", "mid", "late", "начале", "середине", "конце"),
    "decade": ("0s", "0-"),
}
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)


def find_dates(text: str, published: date | None) -> tuple[list[DateMention], int]:
    """Date mentions in order, and how many were skipped for want of a publication date."""
    taken: list[tuple[int, int]] = []
    mentions: list[DateMention] = []
    skipped = 0
    cyrillic = bool(_CYRILLIC.search(text))
    lowered = text.lower()
    for kind, pattern in _PATTERNS:
        if kind in _RUSSIAN_ONLY and not cyrillic:
            continue
        if kind in _NEEDS and not any(word in lowered for word in _NEEDS[kind]):
            continue
        for match in pattern.finditer(text):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            resolved = _resolve(kind, match, published)
            if resolved is _UNRESOLVABLE:
                skipped += 1
                taken.append(match.span())
                continue
            if resolved is None:
                continue
            first, last, precision, relative = resolved
            taken.append(match.span())
            mentions.append(
                DateMention(
                    match.start(),
                    match.end(),
                    match.group(0),
                    first,
                    last,
                    precision,
                    relative,
                    kind,
                )
            )
    mentions.sort(key=lambda m: m.start)
    return mentions, skipped


_UNRESOLVABLE = object()
_Window = tuple[date, date, DatePrecision, bool]


def _resolve(kind: str, m: re.Match[str], published: date | None) -> _Window | object | None:
    """(first, last, precision, needed publication), None (not a date) or _UNRESOLVABLE."""
    groups = m.groupdict()
    try:
        return _RESOLVERS[kind](groups, published)
    except ValueError:  # 31 February and the like: not a date
        return None


def _exact(g: dict, _published: date | None) -> _Window:
    day = date(int(g["y"]), int(g["m"]), int(g["d"]))
    return day, day, DatePrecision.DAY, False


def _day_range(g: dict, published: date | None) -> _Window | object | None:
    month, d1, d2 = _month_number(g["mon"]), int(g["d1"]), int(g["d2"])
    year = int(g["y"]) if g.get("y") else _year_for(month, d1, published)
    if year is None:
        return _UNRESOLVABLE
    first, last = date(year, month, d1), date(year, month, d2)
    return (first, last, DatePrecision.DAYS, not g.get("y")) if first <= last else None


def _day(g: dict, published: date | None) -> _Window | object:
    month, number = _month_number(g["mon"]), int(g["d"])
    year = int(g["y"]) if g.get("y") else _year_for(month, number, published)
    if year is None:
        return _UNRESOLVABLE
    day = date(year, month, number)
    return day, day, DatePrecision.DAY, not g.get("y")


def _month_with_year(g: dict, _published: date | None) -> _Window:
    return (*_month_window(int(g["y"]), _month_number(g["mon"])), DatePrecision.MONTH, False)


def _bare_month(g: dict, published: date | None) -> _Window | object:
    month = _month_number(g["mon"])
    year = _year_for(month, 1, published)
    if year is None:
        return _UNRESOLVABLE
    return (*_month_window(year, month), DatePrecision.MONTH, True)


def _year(g: dict, _published: date | None) -> _Window:
    year = int(g.get("y") or g["y2"])
    return date(year, 1, 1), date(year, 12, 31), DatePrecision.YEAR, False


def _decade(g: dict, _published: date | None) -> _Window:
    start = int(g["dec"])
    return date(start, 1, 1), date(start + 9, 12, 31), DatePrecision.YEAR, False


_PARTS = {"early": (1, 10), "начале": (1, 10), "mid": (11, 20), "середине": (11, 20)}


def _month_part(g: dict, published: date | None) -> _Window | object:
    """Early (1–10), mid (11–20) or late (21–end) in a month."""
    part = (g["part"] or g["rupart"]).lower()
    month = _month_number(g["mon"] or g["rumon"])
    given = g["y"] or g["ruy"]
    year = int(given) if given else _year_for(month, 1, published)
    if year is None:
        return _UNRESOLVABLE
    first_day, last_day = _PARTS.get(part, (21, calendar.monthrange(year, month)[1]))
    return date(year, month, first_day), date(year, month, last_day), DatePrecision.DAYS, not given


def _last_week(_g: dict, published: date | None) -> _Window | object:
    if published is None:
        return _UNRESOLVABLE
    monday = published - timedelta(days=published.weekday() + 7)
    return monday, monday + timedelta(days=6), DatePrecision.WEEK, True


_NTH = {
    "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "втор": 2, "трет": 3, "четверт": 4, "четвёрт": 4, "пят": 5, "шест": 6,
}  # fmt: skip


def _nth_day(g: dict, published: date | None) -> _Window | object:
    if published is None:
        return _UNRESOLVABLE
    days = _NTH[(g["nth"] or g["runth"]).lower()]
    return published - timedelta(days=days - 1), published, DatePrecision.DAYS, True


def _relative(g: dict, published: date | None) -> _Window | object:
    if published is None:
        return _UNRESOLVABLE
    day = published - timedelta(days=_RELATIVE_DAYS[g["rel"].lower()])
    return day, day, DatePrecision.DAY, True


def _weekday(g: dict, published: date | None) -> _Window | object:
    if published is None:
        return _UNRESOLVABLE
    day = published - timedelta(days=(published.weekday() - _WEEKDAYS[g["wd"].lower()]) % 7)
    return day, day, DatePrecision.DAY, True


_RESOLVERS = {
    "iso": _exact,
    "dotted": _exact,
    "day_range": _day_range,
    "range_month_first": _day_range,
    "day_month": _day,
    "month_day": _day,
    "month_year": _month_with_year,
    "ru_month_year": _month_with_year,
    "month": _bare_month,
    "ru_month": _bare_month,
    "year": _year,
    "decade": _decade,
    "relative": _relative,
    "weekday": _weekday,
    "month_part": _month_part,
    "last_week": _last_week,
    "nth_day": _nth_day,
}


def _month_number(name: str) -> int:
    if name in _EN_MONTHS:
        return _EN_MONTHS[name]
    title = name.title()
    if title in _EN_MONTHS:
        return _EN_MONTHS[title]
    lower = name.lower()
    for number, form in _RU_MONTH_FORMS.items():
        if re.fullmatch(form, lower):
            return number
    for stem, number in sorted(_RU_MONTHS.items(), key=lambda kv: -len(kv[0])):
        if lower.startswith(stem) and stem != "ма":
            return number
    raise ValueError(f"not a month: {name}")


def _year_for(month: int, day: int, published: date | None) -> int | None:
    """The year that puts ``month``/``day`` on or before publication."""
    if published is None:
        return None
    try:
        candidate = date(published.year, month, day)
    except ValueError:
        return published.year - 1
    return published.year if candidate <= published else published.year - 1


def _month_window(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


# ------------------------------------------------------------ days without a year

# Any leap year's last day: read against it, every "12 July" or "29 February"
# without a year resolves into that year, and only month and day are kept.
_PROBE = date(2000, 12, 31)
_DAY_KINDS = frozenset({"day_range", "range_month_first", "day_month", "month_day"})


@dataclass(frozen=True, slots=True)
class YearlessDays:
    """ "12 July", "12–16 July" without a year: a month and a run of days in it."""

    text: str
    month: int
    first_day: int
    last_day: int

    def in_year(self, year: int) -> tuple[date, date] | None:
        """The days in ``year`` (None when the year has no such day, 29 February)."""
        try:
            return date(year, self.month, self.first_day), date(year, self.month, self.last_day)
        except ValueError:
            return None


def find_yearless_days(text: str) -> list[YearlessDays]:
    """The day-and-month mentions that give no year, in text order.

    An undated page that says "from 12 to 16 July" names its days but not
    their year; these are what :mod:`dashboard.undated` looks up in the store.
    """
    mentions, _skipped = find_dates(text, _PROBE)
    return [
        YearlessDays(m.text, m.first.month, m.first.day, m.last.day)
        for m in mentions
        if m.kind in _DAY_KINDS and m.needs_publication and m.first.month == m.last.month
    ]


def latest_named_year(text: str) -> int | None:
    """The latest year the text names outright ("April 2016", "the 2020 war"), if any.

    A page is written no earlier than the history it recounts, so its
    year-less days fall in this year or later.
    """
    mentions, _skipped = find_dates(text, None)
    years = [m.last.year for m in mentions if not m.needs_publication]
    return max(years) if years else None


def find_weekdays(text: str) -> list[int]:
    """The weekdays the text names as days ("on Thursday", «в среду»), Monday = 0."""
    mentions, _skipped = find_dates(text, _PROBE)
    return sorted({m.first.weekday() for m in mentions if m.kind == "weekday"})
