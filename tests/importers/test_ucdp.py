"""UCDP GED rows → import records: precision codes, where_prec 7, sources and claims."""

from datetime import date

import pytest

from dashboard.importers.records import RowError, validate_record
from dashboard.importers.ucdp import UCDP_COLUMNS, UcdpMapper
from dashboard.models import DatePrecision, EventType, LocationPrecision


def row(**values: str) -> dict[str, str]:
    base = dict.fromkeys(UCDP_COLUMNS, "")
    base.update(
        id="900001",
        type_of_violence="1",
        dyad_name="Test Side A - Test Side B",
        side_a="Test Side A",
        side_b="Test Side B",
        source_office="synthetic",
        source_date="2021-05-13",
        source_headline="Test row: invented headline",
        source_original="Test claimant",
        where_prec="1",
        where_coordinates="Test point",
        where_description="Test row: invented place",
        adm_1="Gegharkunik province",
        latitude="40.2046",
        longitude="45.9463",
        country="Armenia",
        date_prec="1",
        date_start="2021-05-12",
        date_end="2021-05-12",
        best="2",
        low="2",
        high="3",
    )
    base.update(values)
    return base


def record(**values: str):
    return validate_record(UcdpMapper().to_fields(row(**values)), {})


@pytest.mark.parametrize("code", ["1", "2", "3", "4", "5"])
def test_date_prec_maps_directly(code: str) -> None:
    assert record(date_prec=code).date_precision.ucdp_code == int(code)


@pytest.mark.parametrize(
    ("code", "precision"),
    [
        ("1", LocationPrecision.POINT),
        ("2", LocationPrecision.NEAR_PLACE),
        ("3", LocationPrecision.DISTRICT),
        ("4", LocationPrecision.PROVINCE),
        ("5", LocationPrecision.BORDER_SEGMENT),
        ("6", LocationPrecision.COUNTRY),
    ],
)
def test_where_prec_maps_to_location_precision(code: str, precision: LocationPrecision) -> None:
    assert record(where_prec=code).location_precision is precision


def test_where_prec_7_is_rejected() -> None:
    with pytest.raises(RowError, match=r"where_prec: 7 .* cannot be placed on a land border"):
        record(where_prec="7")


@pytest.mark.parametrize(
    ("code", "event_type"),
    [
        ("1", EventType.BATTLES),
        ("2", EventType.BATTLES),
        ("3", EventType.VIOLENCE_AGAINST_CIVILIANS),
    ],
)
def test_type_of_violence_maps_to_event_type(code: str, event_type: EventType) -> None:
    assert record(type_of_violence=code).event_type is event_type


def test_window_best_actors_summary_and_places() -> None:
    found = record(
        date_prec="4",
        date_start="2022-09-01 00:00:00.000",
        date_end="2022-09-30 00:00:00.000",
    )
    assert (found.date_start, found.date_end) == (date(2022, 9, 1), date(2022, 9, 30))
    assert found.date_precision is DatePrecision.MONTH
    assert found.id == "ucdp:900001"
    assert found.fatalities == 2
    assert found.actors == ("Test Side A", "Test Side B")
    assert found.summary == (
        "UCDP GED: Test Side A - Test Side B; Test row: invented place; "
        "deaths: best 2, low 2, high 3"
    )
    assert (found.place_name, found.admin1) == ("Test point", "Gegharkunik province")


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        ({"date_prec": "6"}, "date_prec: '6' is not one of 1, 2, 3, 4, 5"),
        ({"type_of_violence": "4"}, "type_of_violence: '4' is not one of 1, 2, 3"),
        ({"date_end": "2021-05-11"}, "date_end 2021-05-11 is before date_start 2021-05-12"),
        ({"date_start": "soon"}, "date_start: 'soon' is not a date"),
        ({"best": "-3"}, "fatalities: Input should be greater than or equal to 0"),
    ],
)
def test_bad_values_are_rejected(values: dict, reason: str) -> None:
    with pytest.raises(RowError, match=reason):
        record(**values)


def test_parallel_source_lists_become_one_source_each_with_its_claim() -> None:
    found = record(
        source_office="synthetic;synthetic",
        source_date="2022-09-02;2022-09-03",
        source_headline="Test row: A;Test row: B",
        source_original="Test claimant A;Test claimant B",
    )
    assert [(s.title, s.published, s.claim) for s in found.sources] == [
        ("Test row: A", date(2022, 9, 2), "Test claimant A"),
        ("Test row: B", date(2022, 9, 3), "Test claimant B"),
    ]
    assert all(s.to_source().synthetic for s in found.sources)


def test_uneven_source_lists_become_one_joined_source() -> None:
    found = record(
        source_office="synthetic",
        source_date="2022-09-02;2022-09-03",
        source_headline="Test row: A;Test row: B",
    )
    (source,) = found.sources
    assert (source.title, source.publisher, source.published) == (
        "Test row: A; Test row: B",
        "synthetic",
        None,  # two dates: not one publication date
    )


def test_same_article_in_two_events_is_one_source() -> None:
    assert record().sources == record(id="900002").sources


def test_every_codebook_column_but_the_point_is_kept() -> None:
    values = {
        "relid": "TEST-1", "conflict_new_id": "101", "conflict_name": "Test conflict",
        "dyad_new_id": "202", "side_a_new_id": "1", "side_b_new_id": "2",
        "event_clarity": "1", "adm_2": "Vardenis", "deaths_a": "1", "deaths_b": "0",
        "deaths_civilians": "1", "deaths_unknown": "0", "source_article": "Test article",
        "geom_wkt": "POINT (45.9463 40.2046)", "priogrid_gid": "180000",
    }  # fmt: skip
    record = validate_record(UcdpMapper().to_fields(row(**values)), {})
    kept = record.attributes
    for column, value in values.items():
        if column != "geom_wkt":
            assert kept[column] == value, column
    for column in ("where_prec", "where_description", "adm_1", "date_prec", "best", "high",
                   "low", "dyad_name", "side_a", "side_b", "source_office", "source_date",
                   "source_headline", "source_original"):  # fmt: skip
        assert column in kept, column
    assert not {"latitude", "longitude", "geom_wkt"} & kept.keys()
    assert "gwnoa" not in kept  # blank cells are left out
