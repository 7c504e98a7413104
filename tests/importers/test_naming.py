"""Rows without coordinates, placed by their own place names (ACLED, UCDP GED, a monitor's CSV).

Fixtures (tests/fixtures/imports/*_no_coordinates.csv, monitor_place_names.csv)
use each shape's real column layout with invented rows marked synthetic; the
villages and provinces they name are real entries of the am-az gazetteer.
"""

import shutil
from datetime import date
from pathlib import Path

import pytest

from dashboard import query
from dashboard.gazetteer import load_gazetteer
from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border
from dashboard.importers import import_file
from dashboard.importers.naming import NamePlacer
from dashboard.importers.records import ImportRecord, RowError
from dashboard.models import LocationPrecision
from dashboard.store import Store

FIXTURES = Path(__file__).parents[1] / "fixtures" / "imports"
LP = LocationPrecision


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder(load_border("am-az"))


@pytest.fixture(scope="module")
def namer() -> NamePlacer:
    return NamePlacer(lambda: load_gazetteer("am-az"))


def _import(name: str, fmt: str, store: Store, geocoder: Geocoder, tmp_path: Path):
    path = Path(shutil.copy(FIXTURES / name, tmp_path / name))
    return import_file(path, fmt, store, geocoder=geocoder, workers=1)


def _where(store: Store, incident_id: str):
    incident = store.get_incident(incident_id)
    assert incident is not None, incident_id
    codes = [p.code for p in incident.provinces]
    return incident.location_precision, incident.lat, incident.lon, codes


def _sotk(namer: NamePlacer) -> tuple[float, float]:
    place = namer.gazetteer.named("Sotk")[0]
    return place.lat, place.lon


def _anchor(namer: NamePlacer, code: str) -> tuple[float, float]:
    place = namer.gazetteer.place(f"province:{code}")
    return place.lat, place.lon


def test_acled_rows_are_placed_at_the_precision_their_names_support(
    store: Store, geocoder, namer, tmp_path: Path
) -> None:
    report = _import("acled_no_coordinates.csv", "acled", store, geocoder, tmp_path)
    assert (report.imported, report.rejected, report.placed_by_name) == (3, 2, 3)
    precision, lat, lon, codes = _where(store, "acled:TSTN1")  # location Sotk
    assert (precision, (lat, lon)) == (LP.POINT, _sotk(namer))
    assert codes[0] == "AM-GR"
    # An unknown village in a known province: the province's anchor, that province.
    assert _where(store, "acled:TSTN2") == (LP.PROVINCE, *_anchor(namer, "AM-TV"), ["AM-TV"])
    # Only the country is known: no point, no province.
    assert _where(store, "acled:TSTN3") == (LP.COUNTRY, None, None, [])
    assert store.get_imported_place("acled:TSTN3").country == "Azerbaijan"
    assert sorted(p.split(": ", 1)[1] for p in report.problems) == [
        "line 5: no coordinates, and none of its place names is known to the gazetteer "
        "(place 'Test hamlet (invented)', admin1 'Test region (invented)', "
        "country 'Testland (invented)')",
        "line 6: latitude and longitude must both be given, or both be blank",
    ]
    assert "  3 without coordinates: placed by their own place names" in report.summary()


def test_a_country_only_row_shows_under_its_country_filter(
    store: Store, geocoder, tmp_path: Path
) -> None:
    _import("acled_no_coordinates.csv", "acled", store, geocoder, tmp_path)
    table = query.load_incident_table(store)
    ids = table.incidents["id"].to_numpy()

    def shown(**filters) -> set[str]:
        mask = query.filter_mask(table, query.IncidentFilter(include_synthetic=True, **filters))
        return set(ids[mask])

    assert "acled:TSTN3" in shown(countries=("AZ",))
    assert "acled:TSTN3" not in shown(countries=("AM",))
    assert shown(countries=("AM",)) == {"acled:TSTN1", "acled:TSTN2"}
    # A border's view keeps it even when incidents placed on no province are left out.
    everything = query.IncidentFilter(include_synthetic=True)
    scoped = query.scoped(everything, ("AM", "AZ"), unplaced=False)
    assert "acled:TSTN3" in set(ids[query.filter_mask(table, scoped)])


def test_ucdp_rows_are_placed_by_where_description_and_adm_1(
    store: Store, geocoder, namer, tmp_path: Path
) -> None:
    report = _import("ucdp_no_coordinates.csv", "ucdp", store, geocoder, tmp_path)
    assert (report.imported, report.rejected) == (3, 0), report.problems
    precision, lat, lon, _ = _where(store, "ucdp:930001")  # "near the village of Sotk"
    assert (precision, (lat, lon)) == (LP.POINT, _sotk(namer))
    assert _where(store, "ucdp:930002") == (LP.PROVINCE, *_anchor(namer, "AM-SU"), ["AM-SU"])
    assert _where(store, "ucdp:930003") == (LP.COUNTRY, None, None, [])


def test_a_monitors_table_of_names_needs_no_coordinate_columns(
    store: Store, geocoder, namer, tmp_path: Path
) -> None:
    report = _import("monitor_place_names.csv", "csv", store, geocoder, tmp_path)
    assert (report.imported, report.rejected) == (3, 1)
    assert "line 5: no coordinates, and none of its place names" in report.problems[0]
    precisions = sorted(store.get_incident(i).location_precision for i in _ids(store))
    # The village keeps the table's default precision (the coordinates of a named place).
    assert precisions == sorted([LP.NEAR_PLACE, LP.PROVINCE, LP.COUNTRY])


def _ids(store: Store) -> list[str]:
    table = query.load_incident_table(store)
    return table.incidents["id"].tolist()


def record(**values) -> ImportRecord:
    fields = {
        "id": "acled:TEST",
        "dataset": "acled",
        "date_start": date(2020, 5, 8),
        "date_end": date(2020, 5, 8),
        "date_precision": "day",
        "event_type": "Battles",
        "location_precision": "point",
    }
    return ImportRecord(**{**fields, **values})


def test_a_coarser_row_precision_wins(namer: NamePlacer) -> None:
    # ACLED geo_precision 3: coded to the region's capital, which is named.
    found = namer.place(
        record(place_name="Sotk", admin1="Gegharkunik", location_precision="province")
    )
    assert (found.precision, (found.lat, found.lon)) == (LP.PROVINCE, _sotk(namer))
    found = namer.place(record(place_name="Sotk", location_precision="country"))
    assert (found.precision, found.lat, found.country) == (LP.COUNTRY, None, "AM")


def test_admin2_naming_a_town_gives_near_place(namer: NamePlacer) -> None:
    found = namer.place(record(admin2="Vardenis", admin1="Gegharkunik", country="Armenia"))
    assert found.precision is LP.NEAR_PLACE and found.by == "Vardenis"


def test_a_settlement_known_only_by_its_province_places_the_row_on_it(namer) -> None:
    found = namer.place(record(place_name="Alibayli", admin1="Tovuz", country="Azerbaijan"))
    assert (found.precision, [p.code for p in found.provinces]) == (LP.PROVINCE, ["AZ-TOV"])


def test_a_place_of_another_country_is_not_taken(namer: NamePlacer) -> None:
    # Sotk is in Armenia; a row that says Azerbaijan is placed on its country only.
    found = namer.place(record(place_name="Sotk", country="Azerbaijan"))
    assert (found.precision, found.country) == (LP.COUNTRY, "AZ")


def test_a_row_with_no_names_says_so(namer: NamePlacer) -> None:
    with pytest.raises(RowError, match="no coordinates and no place name"):
        namer.place(record())
