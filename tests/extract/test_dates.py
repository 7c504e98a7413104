"""Date mentions resolved against the publication date (2021-07-03 unless stated)."""

from datetime import date

import pytest

from dashboard.extract.dates import find_dates, find_yearless_days, latest_named_year
from dashboard.models import DatePrecision as P

PUB = date(2021, 7, 3)  # a Saturday


@pytest.mark.parametrize(
    ("text", "matched", "first", "last", "precision"),
    [
        ("on 12 May 2021", "12 May 2021", date(2021, 5, 12), date(2021, 5, 12), P.DAY),
        ("on May 12, 2021", "May 12, 2021", date(2021, 5, 12), date(2021, 5, 12), P.DAY),
        ("2021-05-12", "2021-05-12", date(2021, 5, 12), date(2021, 5, 12), P.DAY),
        ("12.05.2021", "12.05.2021", date(2021, 5, 12), date(2021, 5, 12), P.DAY),
        ("on 12 May", "12 May", date(2021, 5, 12), date(2021, 5, 12), P.DAY),
        # A day after publication is last year's.
        ("on 12 August", "12 August", date(2020, 8, 12), date(2020, 8, 12), P.DAY),
        ("12-14 May 2021", "12-14 May 2021", date(2021, 5, 12), date(2021, 5, 14), P.DAYS),
        ("from 12 to 14 May", "from 12 to 14 May", date(2021, 5, 12), date(2021, 5, 14), P.DAYS),
        ("May 12–14", "May 12–14", date(2021, 5, 12), date(2021, 5, 14), P.DAYS),
        ("after the May appeal", "May", date(2021, 5, 1), date(2021, 5, 31), P.MONTH),
        ("in September", "September", date(2020, 9, 1), date(2020, 9, 30), P.MONTH),
        ("in May 2021", "May 2021", date(2021, 5, 1), date(2021, 5, 31), P.MONTH),
        ("yesterday", "yesterday", date(2021, 7, 2), date(2021, 7, 2), P.DAY),
        ("fired overnight", "overnight", date(2021, 7, 2), date(2021, 7, 2), P.DAY),
        ("on Tuesday", "on Tuesday", date(2021, 6, 29), date(2021, 6, 29), P.DAY),
        ("on Saturday", "on Saturday", date(2021, 7, 3), date(2021, 7, 3), P.DAY),
        ("in 2020", "in 2020", date(2020, 1, 1), date(2020, 12, 31), P.YEAR),
        ("12 мая 2021 года", "12 мая 2021", date(2021, 5, 12), date(2021, 5, 12), P.DAY),
        ("с 12 по 14 мая", "с 12 по 14 мая", date(2021, 5, 12), date(2021, 5, 14), P.DAYS),
        ("после майского обращения", "майского", date(2021, 5, 1), date(2021, 5, 31), P.MONTH),
        ("вчера вечером", "вчера", date(2021, 7, 2), date(2021, 7, 2), P.DAY),
        ("во вторник", "во вторник", date(2021, 6, 29), date(2021, 6, 29), P.DAY),
    ],
)
def test_date_mentions(text, matched, first, last, precision):
    mentions, skipped = find_dates(text, PUB)
    assert skipped == 0
    assert [(m.text, m.first, m.last, m.precision) for m in mentions] == [
        (matched, first, last, precision)
    ]
    assert text[mentions[0].start : mentions[0].end] == matched


@pytest.mark.parametrize("text", ["You may go.", "a long march", "31.02.2021", "in 1850"])
def test_not_dates(text):
    assert find_dates(text, PUB) == ([], 0)


def test_relative_dates_need_a_publication_date():
    mentions, skipped = find_dates("Yesterday, on 12 May 2021, and on Monday.", None)
    assert [m.text for m in mentions] == ["12 May 2021"]
    assert skipped == 2


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        ("In early May troops crossed.", date(2022, 5, 1), date(2022, 5, 10), P.DAYS),
        ("Clashes in mid-March 2021.", date(2021, 3, 11), date(2021, 3, 20), P.DAYS),
        ("Shelling in late August.", date(2022, 8, 21), date(2022, 8, 31), P.DAYS),
        ("Обстрелы в конце августа.", date(2022, 8, 21), date(2022, 8, 31), P.DAYS),
        ("Shots were fired last week.", date(2022, 9, 5), date(2022, 9, 11), P.WEEK),
        ("Стрельба на прошлой неделе.", date(2022, 9, 5), date(2022, 9, 11), P.WEEK),
        ("In the early hours of Tuesday.", date(2022, 9, 13), date(2022, 9, 13), P.DAY),
        ("Бои в ночь на вторник.", date(2022, 9, 13), date(2022, 9, 13), P.DAY),
    ],
)
def test_parts_of_months_weeks_and_nights(text, first, last, precision):
    (mention,) = find_dates(text, date(2022, 9, 14))[0]
    assert (mention.first, mention.last, mention.precision) == (first, last, precision)


def test_a_war_or_a_decade_named_by_its_years_is_history_not_news():
    mentions, _ = find_dates("Since the 2020 war, and the early 1990s before it.", None)
    assert [(m.first.year, m.last.year) for m in mentions] == [(2020, 2020), (1990, 1999)]


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("fighting from 12 to 16 July", [(7, 12, 16)]),
        ("on May 20 a soldier was killed", [(5, 20, 20)]),
        ("вышедшие 12 мая к озеру", [(5, 12, 12)]),
        ("on 29 February", [(2, 29, 29)]),
        ("on 12 July 2020", []),
        ("on Thursday", []),
    ],
)
def test_yearless_days(text, days):
    found = find_yearless_days(text)
    assert [(d.month, d.first_day, d.last_day) for d in found] == days


def test_a_yearless_day_in_a_year_without_it():
    (leap_day,) = find_yearless_days("on 29 February")
    assert leap_day.in_year(2021) is None
    assert leap_day.in_year(2024) == (date(2024, 2, 29), date(2024, 2, 29))


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("since the April 2016 fighting; on May 20 a soldier died", 2016),
        ("после войны 2020 года и боев в ноябре 2021", 2021),
        ("on May 20 a soldier died", None),
    ],
)
def test_latest_named_year(text, year):
    assert latest_named_year(text) == year


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("trade artillery fire for third day", date(2021, 7, 1)),
        ("on Saturday, the third straight day of fighting", date(2021, 7, 1)),
        ("for the second day in a row", date(2021, 7, 2)),
        ("бои шли третий день подряд", date(2021, 7, 1)),
    ],
)
def test_the_nth_day_of_fighting_spans_back_to_its_first(text, first):
    spans = [m for m in find_dates(text, PUB)[0] if m.kind == "nth_day"]
    assert [(m.first, m.last, m.precision) for m in spans] == [(first, PUB, P.DAYS)]


def test_a_second_day_of_waiting_is_no_date():
    assert find_dates("родственники второй день ждут у здания", PUB)[0] == []
