"""ACLED rows → import records: dates, precision codes, event types, actors, sources.

Fixture rows (tests/fixtures/imports/acled_*.csv) use ACLED's real column
layouts with invented test values; every one is marked "Test row" and cites
the ``synthetic`` publisher.
"""

from datetime import date

import pytest

from dashboard.importers.acled import ACLED_COLUMNS, AcledMapper, date_window
from dashboard.importers.records import RowError, validate_record
from dashboard.models import DatePrecision, EventType, LocationPrecision


def row(**values: str) -> dict[str, str]:
    """A complete test row in the current layout, with ``values`` replacing the defaults."""
    base = dict.fromkeys(ACLED_COLUMNS, "")
    base.update(
        event_id_cnty="TST1",
        event_date="2021-05-12",
        year="2021",
        time_precision="1",
        event_type="Battles",
        actor1="Test Actor A",
        actor2="Test Actor B",
        country="Armenia",
        admin1="Gegharkunik",
        location="Test point",
        latitude="40.2046",
        longitude="45.9463",
        geo_precision="1",
        source="synthetic",
        notes="Test row: invented.",
        fatalities="2",
    )
    base.update(values)
    return base


def record(**values: str):
    mapper = AcledMapper()
    return validate_record(mapper.to_fields(row(**values)), {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-05-12", date(2021, 5, 12)),
        ("12 May 2021", date(2021, 5, 12)),
        ("1 September 2019", date(2019, 9, 1)),
        ("3 Sep 2019", date(2019, 9, 3)),
        ("03-Sep-2019", date(2019, 9, 3)),
    ],
)
def test_both_acled_date_forms_are_read(text: str, expected: date) -> None:
    assert record(event_date=text, year=str(expected.year)).date_start == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2021-02-30", "event_date: '2021-02-30' is not a real date"),
        ("12/05/2021", "event_date: '12/05/2021' could be day/month or month/day and the file"),
        ("2021/13/01", "event_date: '2021/13/01' is not a real date"),
        ("12 Mai 2021", "is not a date like"),
        ("", "is not a date like"),
    ],
)
def test_bad_dates_are_rejected_with_the_column(text: str, reason: str) -> None:
    with pytest.raises(RowError, match=reason):
        record(event_date=text)


@pytest.mark.parametrize(
    ("code", "precision", "start", "end"),
    [
        ("1", DatePrecision.DAY, date(2022, 9, 14), date(2022, 9, 14)),
        ("2", DatePrecision.WEEK, date(2022, 9, 11), date(2022, 9, 17)),
        ("3", DatePrecision.MONTH, date(2022, 9, 1), date(2022, 9, 30)),
        ("3.0", DatePrecision.MONTH, date(2022, 9, 1), date(2022, 9, 30)),
    ],
)
def test_time_precision_sets_the_window(
    code: str, precision: DatePrecision, start: date, end: date
) -> None:
    found = record(event_date="2022-09-14", year="2022", time_precision=code)
    assert (found.date_precision, found.date_start, found.date_end) == (precision, start, end)


def test_month_window_handles_february_of_a_leap_year() -> None:
    assert date_window(date(2024, 2, 10), DatePrecision.MONTH) == (
        date(2024, 2, 1),
        date(2024, 2, 29),
    )


@pytest.mark.parametrize(
    ("code", "precision"),
    [
        ("1", LocationPrecision.POINT),
        ("2", LocationPrecision.NEAR_PLACE),
        ("3", LocationPrecision.PROVINCE),
    ],
)
def test_geo_precision_maps_to_location_precision(code: str, precision: LocationPrecision) -> None:
    assert record(geo_precision=code).location_precision is precision


def test_older_layout_spells_geo_precision_geo_precis() -> None:
    values = row()
    del values["geo_precision"]
    values["geo_precis"] = "2"
    found = AcledMapper().to_fields(values)
    assert found["location_precision"] is LocationPrecision.NEAR_PLACE


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"time_precision": "4"}, "time_precision: '4' is not one of 1, 2, 3"),
        ({"geo_precision": ""}, "geo_precision: '' is not one of 1, 2, 3"),
        ({"event_type": "Skirmish"}, "event_type: 'Skirmish' is not an ACLED event type"),
        ({"year": "2020"}, "year 2020 does not match event_date 2021-05-12"),
        ({"event_id_cnty": " "}, "event_id_cnty is empty"),
        ({"latitude": "91"}, "latitude: Input should be less than or equal to 90"),
        ({"longitude": "east"}, "longitude: Input should be a valid number"),
        ({"fatalities": "-1"}, "fatalities: Input should be greater than or equal to 0"),
        ({"fatalities": "many"}, "fatalities: Input should be a valid integer"),
    ],
)
def test_bad_values_are_rejected_naming_the_acled_column(values: dict, reason: str) -> None:
    mapper = AcledMapper()
    columns = {f: mapper.column_of(f) for f in ("lat", "lon", "fatalities")}
    with pytest.raises(RowError, match=reason):
        validate_record(mapper.to_fields(row(**values)), columns)


def test_event_types_match_in_any_capitalisation() -> None:
    assert record(event_type="Strategic Developments").event_type is (
        EventType.STRATEGIC_DEVELOPMENTS
    )
    assert record(event_type="explosions/remote violence").event_type is EventType.EXPLOSIONS


def test_fields_id_summary_actors_and_places() -> None:
    found = record(
        assoc_actor_1="Test Unit C; Test Actor B",
        notes="  Test row: the coder's summary.  ",
        admin2="Vardenis",
        fatalities="",
    )
    assert found.id == "acled:TST1"
    assert found.summary == "Test row: the coder's summary."
    assert found.actors == ("Test Actor A", "Test Unit C", "Test Actor B")
    assert (found.place_name, found.country, found.admin1, found.admin2) == (
        "Test point",
        "Armenia",
        "Gegharkunik",
        "Vardenis",
    )
    assert found.fatalities is None  # blank: not reported


def test_source_names_become_shared_dataset_sources() -> None:
    one = record(source="synthetic; Test Wire")
    other = record(event_id_cnty="TST2", source="Test Wire")
    assert [s.title for s in one.sources] == ["synthetic", "Test Wire"]
    assert one.sources[1] == other.sources[0]
    assert one.sources[1].id.startswith("acled:source:")
    source = one.sources[0].to_source()
    assert source.synthetic and source.text is None
    assert not one.sources[1].to_source().synthetic


def test_missing_required_columns_are_listed() -> None:
    present = set(ACLED_COLUMNS) - {"latitude", "geo_precision"}
    assert AcledMapper().missing_columns(present) == ["latitude", "geo_precision|geo_precis"]
    assert AcledMapper().missing_columns(present | {"latitude", "geo_precis"}) == []


def test_every_acled_column_is_kept_as_a_dataset_field() -> None:
    extra = {
        "disorder_type": "Political violence", "sub_event_type": "Armed clash",
        "assoc_actor_1": "Test Unit E", "inter1": "1",
        "assoc_actor_2": "Test Militia C; Test Unit D", "inter2": "2", "interaction": "12",
        "civilian_targeting": "Civilian targeting",
        "tags": "crowd size=no report", "source_scale": "National", "admin3": "Test community",
        "iso": "51", "region": "Caucasus and Central Asia", "timestamp": "1700000000",
    }  # fmt: skip
    found = record(**extra)
    for column, value in extra.items():
        assert found.attributes[column] == value, column
    assert (found.attributes["geo_precision"], found.attributes["time_precision"]) == ("1", "1")
    assert (found.attributes["actor1"], found.attributes["actor2"]) == (
        "Test Actor A",
        "Test Actor B",
    )
    assert found.attributes["source"] == "synthetic"
    assert found.dataset_timestamp == 1_700_000_000
    # Held by the incident's own fields, as written: not repeated.
    assert not {"notes", "latitude", "event_date"} & found.attributes.keys()
    assert found.summary == "Test row: invented."


def test_a_bad_timestamp_is_a_row_error() -> None:
    with pytest.raises(RowError, match="timestamp: 'yesterday' is not epoch seconds"):
        record(timestamp="yesterday")
