"""Tests for dashboard.api.params: query values into the dashboard's filter, or a reason."""

from datetime import date

import pytest

from dashboard.api.params import bbox_values, date_range, incident_filter


def test_queryables_are_the_dashboards_link_parameters() -> None:
    filt = incident_filter(
        [
            ("province", "AM-GR, AZ-KAL"),
            ("segment", "AM-GR_AZ-KAL"),
            ("country", "AM"),
            ("type", "Battles,Explosions/Remote violence"),
            ("minfat", "2"),
            ("review", "confirmed"),
            ("synthetic", "true"),
        ],
        "shelling",
    )
    assert filt.provinces == ("AM-GR", "AZ-KAL")
    assert filt.segments == ("AM-GR_AZ-KAL",)
    assert filt.countries == ("AM",)
    assert filt.event_types == ("Battles", "Explosions/Remote violence")
    assert filt.min_fatalities == 2
    assert filt.review == ("confirmed",)
    assert filt.include_synthetic is True
    assert filt.text == "shelling"


def test_nothing_asked_is_the_dashboards_default() -> None:
    filt = incident_filter([], None)
    assert not filt.include_synthetic
    assert filt.review == ()


@pytest.mark.parametrize(
    ("properties", "q", "words"),
    [
        ([("minfat", "-1")], None, "minfat"),
        ([("minfat", "two")], None, "minfat"),
        ([("synthetic", "perhaps")], None, "synthetic"),
        ([("review", "maybe")], None, "review"),
        ([("province", ",".join(["AM-GR"] * 51))], None, "at most 50"),
        ([], "x" * 201, "q: at most 200"),
    ],
)
def test_bad_values_are_refused_with_their_name(properties, q, words) -> None:
    with pytest.raises(ValueError, match=words):
        incident_filter(properties, q)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, (None, None)),
        ("2022-09-13", (date(2022, 9, 13), date(2022, 9, 13))),
        ("2022-09-13T23:30:00+04:00", (date(2022, 9, 13), date(2022, 9, 13))),
        ("2022-09-01/2022-09-30", (date(2022, 9, 1), date(2022, 9, 30))),
        ("../2022-09-30", (None, date(2022, 9, 30))),
        ("2022-09-01/", (date(2022, 9, 1), None)),
    ],
)
def test_datetime_values(value, expected) -> None:
    assert date_range(value) == expected


@pytest.mark.parametrize(
    "value", ["yesterday", "2022-13-01", "2022-09-01/2022-08-01", "a/b/c", "..", "2022-9-1"]
)
def test_bad_datetime_values_are_refused(value) -> None:
    with pytest.raises(ValueError, match="datetime"):
        date_range(value)


def test_bbox_values() -> None:
    assert bbox_values([]) is None
    assert bbox_values([45, 39, 46, 40]) == (45, 39, 46, 40)
    assert bbox_values([45, 39, 0, 46, 40, 100]) == (45, 39, 46, 40)
    with pytest.raises(ValueError, match="southern"):
        bbox_values([45, 41, 46, 40])
