"""Export to CSV, GeoJSON and GeoPackage with the dashboard's filters, and round trips.

The store is filled by importing the test fixtures (every row synthetic), so
filters here always include synthetic incidents unless a test says otherwise.
"""

import csv
import io
import json
import shutil
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pyogrio
import pytest

from dashboard.export import (
    CSV_COLUMNS,
    GEOPACKAGE_LAYERS,
    export_frame,
    export_incidents,
    format_for,
    incidents_to_csv,
    incidents_to_geojson,
    incidents_to_geopackage,
    load_details,
    select_incidents,
    write_geopackage,
)
from dashboard.geo.geocode import Geocoder
from dashboard.geo.layers import load_border
from dashboard.importers import import_file
from dashboard.importers.placing import Placer
from dashboard.models import (
    SYNTHETIC_PUBLISHER,
    CasualtyCount,
    CasualtyKind,
    Citation,
    DatePrecision,
    EventType,
    Excerpt,
    Incident,
    LocationPrecision,
    ReviewStatus,
    Source,
    Span,
    SpanKind,
    content_hash,
)
from dashboard.query import IncidentFilter, filter_mask, load_incident_table
from dashboard.store import Correction, Store, open_store

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
ALL = IncidentFilter(include_synthetic=True)
REPORT_TEXT = "Synthetic test report: shelling near Sotk; one killed."
NEAR = LocationPrecision.NEAR_PLACE


@pytest.fixture(scope="module")
def geocoder() -> Geocoder:
    return Geocoder(load_border("am-az"))


@pytest.fixture
def filled(store: Store, geocoder: Geocoder, tmp_path: Path) -> Store:
    """The store with the ACLED and UCDP fixtures and one report with an excerpt."""
    for name, fmt in (("acled_sample.csv", "acled"), ("ucdp_ged_sample.csv", "ucdp")):
        path = Path(shutil.copy(FIXTURES / name, tmp_path / name))
        import_file(path, fmt, store, geocoder=geocoder)
    report = Source(
        id="src-synthetic-1",
        title="Synthetic report; with a semicolon",
        content_hash=content_hash(REPORT_TEXT),
        url="https://example.test/synthetic-1",
        publisher=SYNTHETIC_PUBLISHER,
        published=date(2024, 5, 13),
        text=REPORT_TEXT,
    )
    span = Span(36, 40, SpanKind.PLACE, "AM-GR", "Sotk")
    # Placed by the import rule, so that re-importing an export places it the same way.
    placed = Placer(geocoder).place(np.array([40.2046]), np.array([45.9463]), [NEAR])
    store.save_document(
        report,
        [
            Incident(
                id="report:1",
                date_start=date(2024, 5, 12),
                date_end=date(2024, 5, 12),
                date_precision=DatePrecision.DAY,
                event_type=EventType.EXPLOSIONS,
                location_precision=NEAR,
                lat=40.2046,
                lon=45.9463,
                summary="Synthetic: shelling near Sotk.",
                fatalities=1,
                casualties=(
                    CasualtyCount(CasualtyKind.KILLED, "AM", 1),
                    CasualtyCount(CasualtyKind.WOUNDED, None, 2),
                ),
                actors=("Test Actor A",),
                place_name="Sotk",
                provinces=placed.provinces[0],
                segments=placed.segments[0],
                distance_km=placed.distance_km[0],
                citations=(
                    Citation(
                        "src-synthetic-1",
                        claim="Test ministry",
                        excerpts=(Excerpt(23, 54, REPORT_TEXT[23:54], (span,)),),
                    ),
                ),
            )
        ],
    )
    return store


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def export(store: Store, filt: IncidentFilter = ALL) -> tuple:
    table, mask = select_incidents(store, filt)
    return table, mask, load_details(store, table, mask)


def test_csv_has_every_column_and_joins_lists(filled: Store) -> None:
    rows = {r["id"]: r for r in csv_rows(incidents_to_csv(*export(filled)))}
    assert list(next(iter(rows.values()))) == list(CSV_COLUMNS)
    assert len(rows) == 9
    sotk = rows["acled:TST1"]
    assert (sotk["provinces"], sotk["province_names"], sotk["countries"]) == (
        "AM-GR;AZ-KAL",
        "Gegharkunik;Kalbajar",
        "AM;AZ",
    )
    assert (sotk["segments"], sotk["segment_names"]) == ("AM-GR_AZ-KAL", "Gegharkunik – Kalbajar")
    assert sotk["actors"] == "Test Actor A;Test Actor B;Test Militia C;Test Unit D"
    assert (sotk["date_precision"], sotk["date_precision_code"]) == ("day", "1")
    assert (sotk["location_precision"], sotk["location_precision_code"]) == ("point", "1")
    assert (sotk["file_dataset"], sotk["file_admin1"], sotk["synthetic"]) == (
        "acled",
        "Gegharkunik",
        "True",
    )
    assert sotk["source_titles"] == "synthetic"
    assert rows["acled:TST4"]["fatalities"] == ""  # not reported
    two = rows["ucdp:900002"]
    assert two["source_claims"] == "Test claimant A;Test claimant B"
    assert two["source_published"] == "2022-09-02;2022-09-03"
    report = rows["report:1"]
    assert report["source_titles"] == "Synthetic report\\; with a semicolon"
    assert report["source_urls"] == "https://example.test/synthetic-1"
    assert report["file_dataset"] == ""
    assert report["casualties"] == "killed:AM=1;wounded:?=2"
    assert sotk["casualties"] == ""  # ACLED gives only fatalities


def test_export_uses_the_dashboards_filters(filled: Store) -> None:
    filters = [
        IncidentFilter(),  # synthetic hidden by default, as on the dashboard
        IncidentFilter(include_synthetic=True, countries=("AZ",)),
        IncidentFilter(include_synthetic=True, provinces=("AM-SU",)),
        IncidentFilter(include_synthetic=True, segments=("AM-GR_AZ-KAL",)),
        IncidentFilter(include_synthetic=True, event_types=("Battles",)),
        IncidentFilter(
            include_synthetic=True, date_from=date(2021, 1, 1), date_to=date(2021, 12, 31)
        ),
        IncidentFilter(include_synthetic=True, text="semicolon"),
    ]
    table = load_incident_table(filled)
    for filt in filters:
        _, mask, details = export(filled, filt)
        expected = filter_mask(
            table, filt, {"report:1"} if filt.text else None
        )  # the search finds the report's title
        rows = csv_rows(incidents_to_csv(table, mask, details))
        assert sorted(r["id"] for r in rows) == sorted(table.incidents["id"][expected]), filt
    assert export(filled, IncidentFilter())[1].sum() == 0


def test_exports_carry_the_review_status_and_leave_out_rejected_unless_asked(
    filled: Store,
) -> None:
    filled.review_incident(
        "acled:TST4",
        Correction(status=ReviewStatus.REJECTED),
        by="alice",
        reason="not on this border",
        expected_version=0,
    )
    filled.review_incident(
        "report:1",
        Correction(status=ReviewStatus.CONFIRMED),
        by="alice",
        reason="MoD confirms",
        expected_version=0,
    )

    rows = {r["id"]: r for r in csv_rows(incidents_to_csv(*export(filled)))}
    assert "acled:TST4" not in rows
    assert (rows["report:1"]["review_status"], rows["acled:TST1"]["review_status"]) == (
        "confirmed",
        "unreviewed",
    )
    only_rejected = IncidentFilter(include_synthetic=True, review=("rejected",))
    rejected = incidents_to_geojson(*export(filled, only_rejected))
    (feature,) = rejected["features"]
    assert (feature["properties"]["id"], feature["properties"]["review_status"]) == (
        "acled:TST4",
        "rejected",
    )


def test_geojson_carries_sources_with_excerpts(filled: Store) -> None:
    collection = incidents_to_geojson(*export(filled))
    json.dumps(collection)  # plain JSON values only
    features = {f["properties"]["id"]: f for f in collection["features"]}
    report = features["report:1"]
    assert report["geometry"] == {"type": "Point", "coordinates": [45.9463, 40.2046]}
    properties = report["properties"]
    assert properties["provinces"][1] == {"code": "AZ-KAL", "name": "Kalbajar", "country": "AZ"}
    assert properties["actors"] == ["Test Actor A"]
    (source,) = properties["sources"]
    assert source["title"] == "Synthetic report; with a semicolon"
    assert source["published"] == "2024-05-13"
    assert source["claim"] == "Test ministry"
    assert source["excerpts"] == [{"start": 23, "end": 54, "text": REPORT_TEXT[23:54]}]
    assert properties["date_precision_code"] == 1
    assert features["acled:TST4"]["properties"]["fatalities"] is None
    assert properties["casualties"] == [
        {"kind": "killed", "side": "AM", "count": 1},
        {"kind": "wounded", "side": None, "count": 2},
    ]
    assert features["acled:TST4"]["properties"]["casualties"] == []


def snapshot(store: Store) -> dict:
    """Everything an incident is, keyed by id, for comparing two stores."""
    table, mask = select_incidents(store, ALL)
    details = load_details(store, table, mask)
    # Which write last changed an incident is each store's own count, not the incident.
    frame = table.incidents.drop(columns=["distance_km", "changed_seq"])
    frame = frame.set_index("id").sort_index()
    ids = table.incidents["id"].to_numpy()
    distances = table.incidents["distance_km"].round(6).astype(object)

    def by_id(links: pd.DataFrame, columns: list[str]) -> dict:
        return {
            key: [tuple(r) for r in group[columns].itertuples(index=False)]
            for key, group in links.assign(id=ids[links["row"].to_numpy()]).groupby("id")
        }

    return {
        "incidents": frame,
        "distance": dict(zip(ids, distances.where(distances.notna(), None), strict=True)),
        "provinces": by_id(table.provinces, ["code", "name", "country"]),
        "segments": by_id(table.segments, ["segment_id", "name"]),
        "sources": by_id(
            details.sources, ["source_id", "title", "publisher", "url", "published", "claim"]
        ),
        "places": by_id(
            details.places.assign(attributes=details.places["attributes"].map(_frozen)),
            ["dataset", "country", "admin1", "admin2", "attributes"],
        ),
        "actors": {ids[row]: actors for row, actors in details.actors.items()},
        "casualties": {ids[row]: counts for row, counts in details.casualties.items()},
    }


def _frozen(attributes: dict | None) -> tuple | None:
    return tuple(sorted(attributes.items())) if attributes else None


def assert_same(first: dict, second: dict) -> None:
    pd.testing.assert_frame_equal(first["incidents"], second["incidents"])
    for key in ("distance", "provinces", "segments", "sources", "places", "actors", "casualties"):
        assert first[key] == second[key], key


@pytest.mark.parametrize("fmt", ["csv", "geojson"])
def test_export_then_import_gives_the_same_incidents(
    filled: Store, geocoder: Geocoder, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"export.{fmt}"
    assert export_incidents(filled, ALL, fmt, out) == 9
    with open_store(f"sqlite:///{tmp_path / 'copy.sqlite'}", upgrade=True) as copy:
        report = import_file(out, fmt, copy, geocoder=geocoder)
        assert (report.imported, report.rejected) == (9, 0), report.problems
        assert_same(snapshot(filled), snapshot(copy))
        # Into the store it came from, it changes nothing.
        again = import_file(out, fmt, filled, geocoder=geocoder)
        assert (again.imported, again.unchanged) == (0, 9)


def test_geopackage_reads_back_with_pyogrio(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "export.gpkg"
    out.write_text("an old file to replace")
    layers = load_border("am-az")
    table, mask, details = export(filled, IncidentFilter(include_synthetic=True, countries=("AM",)))
    write_geopackage(out, table, mask, details, layers)
    listed = dict(pyogrio.list_layers(out))
    assert listed == {
        "incidents": "Point",
        "provinces": "MultiPolygon",
        "border_segments": "MultiLineString",
    } or set(listed) == set(GEOPACKAGE_LAYERS)
    incidents = pyogrio.read_dataframe(out, layer="incidents")
    assert sorted(incidents["id"]) == sorted(table.incidents["id"][mask])
    assert incidents.crs.to_epsg() == 4326
    assert set(CSV_COLUMNS) <= set(incidents.columns)
    sotk = incidents.set_index("id").loc["acled:TST1"]
    assert (sotk.geometry.x, sotk.geometry.y) == (45.9463, 40.2046)
    assert str(sotk["date_start"])[:10] == "2021-05-12"
    assert pyogrio.read_info(out, layer="provinces")["features"] == len(layers.provinces)
    segments = pyogrio.read_dataframe(out, layer="border_segments")
    assert len(segments) == 22
    assert {"id", "name", "first_unit", "second_unit", "length_km"} <= set(segments.columns)


def test_geopackage_as_bytes_for_a_download_button(filled: Store, tmp_path: Path) -> None:
    data = incidents_to_geopackage(*export(filled), load_border("am-az"))
    assert data.startswith(b"SQLite format 3")
    (tmp_path / "download.gpkg").write_bytes(data)
    assert pyogrio.read_info(tmp_path / "download.gpkg", layer="incidents")["features"] == 9


def test_empty_selection_still_writes_every_layer(filled: Store, tmp_path: Path) -> None:
    out = tmp_path / "empty.gpkg"
    assert export_incidents(filled, IncidentFilter(), "gpkg", out, load_border("am-az")) == 0
    assert {name for name, _ in pyogrio.list_layers(out)} == set(GEOPACKAGE_LAYERS)
    assert pyogrio.read_info(out, layer="incidents")["features"] == 0
    assert csv_rows(incidents_to_csv(*export(filled, IncidentFilter()))) == []


@pytest.mark.parametrize(
    ("name", "given", "expected"),
    [("a.csv", None, "csv"), ("a.GeoJSON", None, "geojson"), ("a.json", None, "geojson"),
     ("a.gpkg", None, "gpkg"), ("a.txt", "csv", "csv")],
)  # fmt: skip
def test_format_from_the_file_name(name: str, given: str | None, expected: str) -> None:
    assert format_for(Path(name), given) == expected


def test_unknown_suffix_needs_a_format() -> None:
    with pytest.raises(ValueError, match="give --format"):
        format_for(Path("a.txt"))


def test_dataset_fields_are_exported(filled: Store) -> None:
    frame = export_frame(*export(filled)).set_index("id")
    acled = json.loads(frame.loc["acled:TST1", "file_attributes"])
    assert acled["sub_event_type"] == "Armed clash"
    assert acled["assoc_actor_2"] == "Test Militia C; Test Unit D"
    assert (acled["inter1"], acled["source_scale"], acled["timestamp"]) == (
        "8",
        "Other",
        "1700000000",
    )
    ucdp = json.loads(frame.loc["ucdp:900001", "file_attributes"])
    assert (ucdp["dyad_name"], ucdp["deaths_a"], ucdp["high"]) == (
        "Test Side A - Test Side B", "1", "3",
    )  # fmt: skip
    assert frame.loc["report:1", "file_attributes"] == ""
    features = {f["properties"]["id"]: f for f in incidents_to_geojson(*export(filled))["features"]}
    assert features["acled:TST1"]["properties"]["file_attributes"]["disorder_type"] == (
        "Political violence"
    )
    assert features["report:1"]["properties"]["file_attributes"] is None
