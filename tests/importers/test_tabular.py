"""Monitors' tables → import records: default columns, mapped columns, ids and sources."""

from datetime import date

import pytest

from dashboard.importers.records import RowError, validate_record
from dashboard.importers.tabular import TabularMapper, _items, precision_from_width
from dashboard.models import (
    CasualtyCount,
    CasualtyKind,
    DatePrecision,
    EventType,
    LocationPrecision,
)


def record(values: dict, prefix: str = "csv"):
    mapper = TabularMapper(prefix)
    assert mapper.missing_columns(set(values) | {"lat", "lon"}) == []
    return validate_record(mapper.to_fields(values), {})


BASE = {
    "date": "2024-03-01",
    "event_type": "battles",
    "lat": "40.2046",
    "lon": "45.9463",
    "summary": "Test row: invented.",
    "source": "synthetic",
}


def test_defaults_for_a_one_day_point() -> None:
    found = record(BASE)
    assert (found.date_start, found.date_end) == (date(2024, 3, 1), date(2024, 3, 1))
    assert found.date_precision is DatePrecision.DAY
    assert found.event_type is EventType.BATTLES
    assert found.location_precision is LocationPrecision.NEAR_PLACE
    assert found.dataset == "csv"
    assert [s.title for s in found.sources] == ["synthetic"]


def test_id_is_a_stable_content_hash_without_an_id_column() -> None:
    first, again = record(BASE), record(dict(BASE))
    assert first.id == again.id
    assert first.id.startswith("csv:")
    assert record({**BASE, "fatalities": "1"}).id != first.id


@pytest.mark.parametrize(
    ("given", "expected"),
    [("17", "csv:17"), ("acled:ARM1", "acled:ARM1"), ("synthetic:0:5", "synthetic:0:5")],
)
def test_given_ids_keep_their_namespace(given: str, expected: str) -> None:
    assert record({**BASE, "id": given}).id == expected


@pytest.mark.parametrize(
    ("days", "precision"),
    [(1, "day"), (3, "days"), (7, "week"), (10, "month"), (31, "month"), (90, "year")],
)
def test_precision_from_the_window_width(days: int, precision: str) -> None:
    start = date(2024, 1, 1)
    end = date.fromordinal(start.toordinal() + days - 1)
    assert precision_from_width(start, end) == DatePrecision(precision)


def test_precisions_given_by_name_or_ucdp_code() -> None:
    found = record(
        {
            **BASE,
            "date_start": "2024-03-01",
            "date_end": "2024-03-31",
            "date_precision": "4",
            "location_precision": "Border_Segment",
        }
    )
    assert found.date_precision is DatePrecision.MONTH
    assert found.location_precision is LocationPrecision.BORDER_SEGMENT
    assert record({**BASE, "location_precision": "6"}).location_precision is (
        LocationPrecision.COUNTRY
    )


def test_export_columns_are_read_back() -> None:
    found = record(
        {
            **BASE,
            "id": "acled:TST1",
            "actors": "Test Actor A;Test Actor B",
            "file_dataset": "acled",
            "file_country": "Armenia",
            "file_admin1": "Gegharkunik",
            "source_ids": "acled:source:1;src-2",
            "source_titles": "synthetic;Test report",
            "source_publishers": "synthetic;synthetic",
            "source_urls": ";https://example.test/2",
            "source_published": ";2024-03-02",
            "source_claims": ";Test claimant",
        }
    )
    assert found.actors == ("Test Actor A", "Test Actor B")
    assert (found.dataset, found.country, found.admin1) == ("acled", "Armenia", "Gegharkunik")
    assert [(s.id, s.title, s.url, s.published, s.claim) for s in found.sources] == [
        ("acled:source:1", "synthetic", None, None, None),
        ("src-2", "Test report", "https://example.test/2", date(2024, 3, 2), "Test claimant"),
    ]


def test_casualties_are_read_from_the_csv_cell_and_from_geojson_objects() -> None:
    expected = (
        CasualtyCount(CasualtyKind.KILLED, "AM", 4),
        CasualtyCount(CasualtyKind.KILLED, "AZ", 3),
        CasualtyCount(CasualtyKind.WOUNDED, None, 1),
    )
    found = record({**BASE, "casualties": " killed:AM=4; Killed:AZ=3;wounded:?=1 "})
    assert found.casualties == expected
    objects = [
        {"kind": "killed", "side": "AM", "count": 4},
        {"kind": "killed", "side": "AZ", "count": 3},
        {"kind": "wounded", "side": None, "count": 1},
    ]
    assert record({**BASE, "casualties": objects}).casualties == expected
    assert record(BASE).casualties == ()
    assert record({**BASE, "casualties": []}).casualties == ()


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("killed:AM=four", "is not kind:SIDE=count"),
        ("killed=4", "is not kind:SIDE=count"),
        ("hurt:AM=1", "'hurt' is not a casualty kind"),
        ("killed:AM=1;killed:AM=2", "killed:AM is given twice"),
        ([{"kind": "killed", "count": -1}], "not a whole number"),
        ([{"kind": "killed", "side": 7, "count": 1}], "not a country code"),
        (["killed:AM=1"], "not an object"),
    ],
)
def test_bad_casualties_are_rejected_naming_the_column(value: object, reason: str) -> None:
    with pytest.raises(RowError, match=f"casualties: .*{reason}"):
        record({**BASE, "casualties": value})


def test_uneven_parallel_source_lists_are_rejected() -> None:
    with pytest.raises(RowError, match="source_titles has 1 entries but source_ids has 2"):
        record({**BASE, "source_ids": "a:1;a:2", "source_titles": "only one"})


def test_geojson_values_may_be_lists_and_numbers() -> None:
    found = record(
        {
            "date": "2024-04-02",
            "event_type": "Battles",
            "lat": 40.2046,
            "lon": 45.9463,
            "fatalities": 1,
            "actors": ["Test Actor A", "Test Actor B"],
            "sources": [{"id": "src-1", "title": "Test report", "kind": "report", "excerpts": []}],
        },
        prefix="geojson",
    )
    assert found.fatalities == 1
    assert found.actors == ("Test Actor A", "Test Actor B")
    assert [(s.id, s.title) for s in found.sources] == [("src-1", "Test report")]
    assert found.id.startswith("geojson:")


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"date": None}, "no date"),
        ({"event_type": "skirmish"}, "event_type: 'skirmish' is not an ACLED event type"),
        ({"location_precision": "street"}, "location_precision: 'street' is not one of"),
        ({"date_start": "2024-03-05", "date_end": "2024-03-01"}, "is before date_start"),
    ],
)
def test_bad_rows_are_rejected(values: dict, reason: str) -> None:
    with pytest.raises(RowError, match=reason):
        record({**BASE, **values})


def test_required_columns_accept_their_defaults() -> None:
    mapper = TabularMapper("csv")
    assert mapper.missing_columns({"event_date", "event_type", "latitude", "longitude"}) == []
    assert mapper.column_of("lat") == "latitude"
    assert mapper.missing_columns({"when", "event_type"}) == [
        "date|date_start",
        "lat (or a place name column: place_name, admin2, admin1, country)",
        "lon (or a place name column: place_name, admin2, admin1, country)",
    ]
    assert mapper.missing_columns({"date", "event_type", "admin1"}) == []


@pytest.mark.parametrize(
    ("text", "items"),
    [
        ("a;b", ["a", "b"]),
        ("a;;c", ["a", "", "c"]),
        ("semi\\;colon;x", ["semi;colon", "x"]),
        ("back\\\\slash;y", ["back\\slash", "y"]),
        ("C:\\path", ["C:\\path"]),
    ],
)
def test_export_lists_split_with_their_escapes(text: str, items: list[str]) -> None:
    assert _items(text) == items
