"""The map without a browser: offline assets, GeoJSON builders, and the rendered HTML."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from fixture_store import SOTK_ID, XSS_ID, XSS_TEXT, seed_fixture_store

from dashboard.app import assets, maps
from dashboard.geo.layers import load_border
from dashboard.models import ReviewStatus
from dashboard.query import IncidentFilter, counts_by, filter_mask, load_incident_table
from dashboard.store import Correction

# ------------------------------------------------------------------ assets


def test_assets_are_copied_from_the_installed_package(tmp_path: Path):
    written = assets.install_static_assets(tmp_path)
    leaflet_js = tmp_path / "vendor" / "leaflet" / "leaflet.js"
    assert leaflet_js in written
    assert b"Leaflet 1.9" in leaflet_js.read_bytes()[:400]
    assert (tmp_path / "vendor" / "leaflet" / "images" / "layers.png").is_file()
    # a second run finds everything up to date
    assert assets.install_static_assets(tmp_path) == []


def test_asset_urls_are_local_and_honour_the_base_path():
    js, css = assets.asset_urls()
    assert js == [("leaflet_js", "/app/static/vendor/leaflet/leaflet.js")]
    assert css == [("leaflet_css", "/app/static/vendor/leaflet/leaflet.css")]
    js, _ = assets.asset_urls("/monitor/")
    assert js[0][1] == "/monitor/app/static/vendor/leaflet/leaflet.js"


def test_a_missing_package_is_a_clear_error():
    with pytest.raises(assets.AssetError, match="pip install XStatic-Nothing"):
        assets.package_data_dir("nothing_here", "XStatic-Nothing")


# ------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def display():
    border = load_border()
    provinces = border.display_layer("provinces")
    segments = border.display_layer("segments")
    return {
        "provinces": provinces,
        "segments": segments,
        "province_anchors": maps.layer_anchors(provinces, "code"),
        "segment_anchors": maps.layer_anchors(segments, "id"),
    }


@pytest.fixture
def table(store):
    seed_fixture_store(store)
    return load_incident_table(store)


def _base() -> maps.folium.Map:
    js, css = assets.asset_urls()
    return maps.build_base_map([[38.8, 44.7], [41.3, 46.7]], js=js, css=css)


# -------------------------------------------------------------- builders


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [(0, []), (1, [1]), (3, [1, 2, 3]), (100, [3, 6, 16, 40, 100])],
)
def test_count_classes_are_log_spaced(maximum, expected):
    assert maps.count_classes(maximum) == expected


def test_province_features_carry_counts_and_shading(display):
    counts = pd.DataFrame(
        {
            "code": ["AM-GR", "AZ-KAL"],
            "incidents": [4, 1],
            "fatalities": [2, 0],
            "in_province": [1, 0],
        }
    )
    fills = load_border("am-az").country_fill
    layer = maps.province_features(display["provinces"], counts, fills)
    by_code = {f["id"]: f["properties"] for f in layer["features"]}
    assert by_code["AM-GR"] == {
        "k": "p",
        "id": "AM-GR",
        "name": "Gegharkunik",
        "n": 4,
        "f": 2,
        "a": 1,  # one of the four known only to the province
        "c": maps.CLASS_FILLS[-1],
    }
    assert (
        by_code["AM-SU"]["n"] == 0 and by_code["AM-SU"]["c"] == "#f4f1ec"
    )  # Armenia's grey (build.toml)
    assert {p["c"] for p in by_code.values() if p["n"] == 0} == {"#f4f1ec", "#eceff2"}
    # geometry is shared with the cached display layer, not copied
    assert layer["features"][0]["geometry"] is display["provinces"]["features"][0]["geometry"]


def test_segment_weight_grows_with_incidents(display):
    counts = pd.DataFrame(
        {"segment_id": ["AM-GR_AZ-KAL", "AM-TV_AZ-QAZ"], "incidents": [9, 1], "fatalities": [0, 3]}
    )
    by_id = {
        f["id"]: f["properties"]
        for f in maps.segment_features(display["segments"], counts)["features"]
    }
    assert by_id["AM-GR_AZ-KAL"]["w"] == 8.0
    assert 2 < by_id["AM-TV_AZ-QAZ"]["w"] < 8
    assert by_id["AM-SU_AZ-LAC"]["w"] == 2.0 and by_id["AM-SU_AZ-LAC"]["c"] == maps.SEGMENT_IDLE


def test_vague_incidents_are_placed_on_their_segment_or_province(table, display):
    lat, lon = maps.placed_coordinates(
        table, display["segment_anchors"], display["province_anchors"]
    )
    ids = table.incidents["id"].tolist()
    segment_row = ids.index("fx-segment-2021-05")
    assert (lat[segment_row], lon[segment_row]) == display["segment_anchors"]["AM-GR_AZ-KAL"]
    province_row = ids.index("fx-syunik-week-2021-07")
    assert (lat[province_row], lon[province_row]) == display["province_anchors"]["AM-SU"]
    assert np.isnan(lat[ids.index("fx-country-2023-04")])  # a country is not drawn
    sotk = ids.index(SOTK_ID)
    assert (lat[sotk], lon[sotk]) == (40.214, 45.935)  # its own point is kept


def test_incident_features_are_compact_and_rounded(table, display):
    lat, lon = maps.placed_coordinates(
        table, display["segment_anchors"], display["province_anchors"]
    )
    mask = filter_mask(table, IncidentFilter(include_synthetic=True)) & ~np.isnan(lat)
    rows = np.flatnonzero(mask)
    layer = maps.incident_features(table, rows, lat + 1e-9, lon, {SOTK_ID: "x " * 100})
    by_id = {f["id"]: f for f in layer["features"]}
    sotk = by_id[SOTK_ID]
    assert sotk["geometry"]["coordinates"] == [45.935, 40.214]
    assert sotk["properties"]["d"] == "2022-09-13"
    assert sotk["properties"]["f"] == 2
    assert len(sotk["properties"]["x"]) <= maps.EXCERPT_HEAD_CHARS + 1
    month = by_id["fx-segment-2021-05"]["properties"]
    assert month["d"] == "May 2021" and month["lp"] == "border_segment"
    assert by_id["fx-yeraskh-2023-03-01"]["properties"]["f"] is None  # not reported
    assert {f["properties"]["r"] for f in layer["features"]} == {"unreviewed"}


def test_reviewed_incidents_lose_the_unreviewed_mark_and_the_legend_keys_both(store, display):
    seed_fixture_store(store)
    store.review_incident(
        SOTK_ID, Correction(status=ReviewStatus.CONFIRMED), by="a", reason="r", expected_version=0
    )
    table = load_incident_table(store)
    lat, lon = maps.placed_coordinates(
        table, display["segment_anchors"], display["province_anchors"]
    )
    rows = np.flatnonzero(~np.isnan(lat))
    layer = maps.incident_features(table, rows, lat, lon)
    review = {f["id"]: f["properties"]["r"] for f in layer["features"]}
    assert review[SOTK_ID] == "confirmed" and review[XSS_ID] == "unreviewed"
    spec = maps.legend_spec([1], "incidents", None, 0)
    rows_ = {s["title"]: s["rows"] for s in spec["sections"]}["Review"]
    assert [r["reviewed"] for r in rows_] == [False, True]
    assert "Review" not in {s["title"] for s in maps.legend_spec([1], "cells", 0.1, 0)["sections"]}
    assert "unreviewed_ring" in maps.MapScripts().settings_json


def test_vague_incidents_are_drawn_first_so_points_stay_clickable(table, display):
    lat, lon = maps.placed_coordinates(
        table, display["segment_anchors"], display["province_anchors"]
    )
    rows = np.flatnonzero(~np.isnan(lat))
    order = [
        f["properties"]["lp"] for f in maps.incident_features(table, rows, lat, lon)["features"]
    ]
    assert order == sorted(order, key=list(maps.PRECISION_STYLES)[::-1].index)
    assert order[0] == "province" and order[-1] == "point"


def test_cells_bound_the_feature_count_whatever_the_points():
    rng = np.random.default_rng(1)
    lat = rng.uniform(38.8, 41.3, 200_000)
    lon = rng.uniform(44.7, 46.7, 200_000)
    fatalities = np.where(rng.random(200_000) < 0.1, 1.0, np.nan)
    cells = maps.incident_cells(lat, lon, fatalities, max_cells=500)
    assert len(cells["features"]) <= 500
    assert sum(f["properties"]["n"] for f in cells["features"]) == 200_000
    assert sum(f["properties"]["f"] for f in cells["features"]) == np.nansum(fatalities)
    assert cells["cell_degrees"] > 0.02


def test_selection_shows_the_extent_of_a_vague_incident(display):
    segment = next(
        f for f in display["segments"]["features"] if f["properties"]["id"] == "AM-GR_AZ-KAL"
    )
    selection = maps.selection_features((40.2, 45.9), "border_segment", "x", [segment])
    kinds = [f["properties"]["k"] for f in selection["features"]]
    assert kinds == ["x", "r"]
    assert maps.selection_features((40.2, 45.9), "point", "x", [segment])["features"][0][
        "properties"
    ] == {"k": "r", "id": "x"}


# ----------------------------------------------------------- rendered map


def _render(table, display, selected: str | None = None) -> str:
    lat, lon = maps.placed_coordinates(
        table, display["segment_anchors"], display["province_anchors"]
    )
    mask = filter_mask(table, IncidentFilter(include_synthetic=True))
    rows = np.flatnonzero(mask & ~np.isnan(lat))
    provinces = maps.province_features(
        display["provinces"], pd.DataFrame(columns=["code", "incidents", "fatalities"])
    )
    segments = maps.segment_features(
        display["segments"], pd.DataFrame(columns=["segment_id", "incidents", "fatalities"])
    )
    incidents = maps.incident_features(table, rows, lat, lon, {XSS_ID: XSS_TEXT})
    selection = maps.selection_features((40.2, 45.9), "point", selected) if selected else None
    group = maps.build_incident_layers(
        provinces,
        segments,
        incidents,
        selection=selection,
        legend=maps.legend_spec([1, 2], "incidents", None, 1),
        fit=[[40.0, 45.0], [40.5, 46.0]],
    )
    return maps.build_incident_map(_base(), group).get_root().render()


def test_map_loads_only_local_scripts(table, display):
    page = _render(table, display)
    sources = re.findall(r'<script[^>]+src="([^"]+)"', page)
    styles = re.findall(r'<link[^>]+href="([^"]+)"', page)
    assert sources == ["/app/static/vendor/leaflet/leaflet.js"]
    assert styles == ["/app/static/vendor/leaflet/leaflet.css"]
    assert "http://" not in page.replace("http://www.w3.org", "")
    assert "https://" not in page.replace("https://example.org", "")
    assert "$(" not in page  # no jQuery needed
    assert "preferCanvas" in page and '"maxZoom": 14' in page and '"minZoom": 5' in page


def test_map_has_layers_in_order_and_a_legend(table, display):
    page = _render(table, display, selected=SOTK_ID)
    order = [
        page.index(f'bw.layer("{kind}"')
        for kind in ("provinces", "segments", "selection", "incidents")
    ]
    assert order == sorted(order)
    assert "new bw.Legend(" in page and "new bw.FitBounds(" in page
    assert f'"selected":"{SOTK_ID}"' in page


def test_untrusted_text_cannot_escape_the_script(table, display):
    page = _render(table, display)
    # the payloads are there, but only as JSON string escapes inside a script
    assert "<img src=x onerror" not in page and "<script>window.__bw_xss" not in page
    assert "\\u003cimg src=x onerror" in page
    # popups are built with textContent, never innerHTML
    assert "innerHTML" not in page
    assert "textContent" in page


def test_payload_stays_small_at_the_point_cap(display):
    """MAX_POINTS incidents plus both context layers stay under the 1.5 MB budget."""
    n = maps.MAX_POINTS
    rng = np.random.default_rng(0)
    incidents = pd.DataFrame(
        {
            "id": [f"synthetic-incident-{i:08d}" for i in range(n)],
            "date_start": np.full(n, np.datetime64("2022-09-13", "s")),
            "date_end": np.full(n, np.datetime64("2022-09-13", "s")),
            "date_precision": "day",
            "event_type": "Explosions/Remote violence",
            "location_precision": "near_place",
            "lat": rng.uniform(39, 41, n),
            "lon": rng.uniform(45, 46, n),
            "fatalities": pd.array(rng.integers(0, 5, n), dtype="Int64"),
            "place_name": "Verin Shorzha",
            "distance_km": 1.0,
            "summary": "",
            "synthetic": True,
            "review_status": "unreviewed",
        }
    )
    empty = pd.DataFrame(columns=["row", "code", "name", "country"])
    citations = pd.DataFrame({"row": np.arange(n, dtype=np.int64), "report": np.zeros(n, np.int64)})
    table = maps.IncidentTable(incidents, empty, empty, citations)
    heads = dict.fromkeys(
        incidents["id"], "Shelling of positions near the village was reported overnight by " * 2
    )
    features = maps.incident_features(
        table, np.arange(n), incidents["lat"].to_numpy(), incidents["lon"].to_numpy(), heads
    )
    counts = pd.DataFrame(columns=["code", "incidents", "fatalities"])
    group = maps.build_incident_layers(
        maps.province_features(display["provinces"], counts),
        maps.segment_features(
            display["segments"], pd.DataFrame(columns=["segment_id", "incidents", "fatalities"])
        ),
        features,
    )
    sizes = {child.kind: len(child.data_json.encode()) for child in group._children.values()}
    assert sizes["provinces"] + sizes["segments"] <= 200_000
    assert sum(sizes.values()) <= 1_500_000


def test_a_province_level_incident_lights_no_segment(table, display):
    """The Syunik drone strike is linked to Syunik's seven segments (as extraction links a
    province-level incident) but placed on none: only the segments incidents are on light up."""
    mask = np.ones(len(table), dtype=bool)
    layer = maps.segment_features(display["segments"], counts_by(table, mask, "segment"))
    lit = sorted(f["id"] for f in layer["features"] if f["properties"]["c"] == maps.SEGMENT_ACTIVE)
    assert lit == ["AM-GR_AZ-KAL", "AM-TV_AZ-QAZ", "AM-VD_AZ-SAR"]
    provinces = maps.province_features(display["provinces"], counts_by(table, mask, "province"))
    syunik = next(f["properties"] for f in provinces["features"] if f["id"] == "AM-SU")
    assert (syunik["n"], syunik["a"]) == (1, 1)


def test_the_base_map_names_places_shows_neighbours_and_fits_beside_the_legend():
    border = load_border()
    labels = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [45.0, 40.2]},
                "properties": {"t": "<b>Armenia</b>", "c": "country", "z": 6},
            }
        ],
    }
    js, css = assets.asset_urls()
    base = maps.build_base_map(
        [[38.5, 44.4], [41.5, 47.0]],
        js=js,
        css=css,
        neighbours=border.display_layer("neighbours"),
        labels=labels,
    )
    page = base.get_root().render()
    assert page.index('bw.layer("neighbours"') < page.index('bw.layer("labels"')
    assert "bw.fit(" in page and "[[38.5,44.4],[41.5,47.0]]" in page
    assert ".fitBounds(" not in page.split("(function () {")[0]  # folium's own fit is gone
    assert '"Georgia"' in page
    # a label is text: its markup arrives escaped and is set with textContent
    assert "<b>Armenia</b>" not in page and "\\u003cb\\u003eArmenia" in page
    assert '"zoomSnap": 0.25' in page


def test_the_legend_keys_event_colours_precision_marks_and_the_border():
    spec = maps.legend_spec([1, 3], "incidents", None, 0)
    sections = {s["title"]: s["rows"] for s in spec["sections"]}
    assert {r["label"]: r["fill"] for r in sections["Event type"]} == maps.EVENT_COLOURS
    assert [r["precision"] for r in sections["Placed"]] == list(maps.LEGEND_PRECISIONS)
    assert [r["label"] for r in sections["Incidents per province"]] == ["none", "1", "2–3"]
    assert [r["stroke"] for r in sections["Border"]] == [maps.SEGMENT_IDLE, maps.SEGMENT_ACTIVE]
    assert spec["note"] is None
    cells = maps.legend_spec([5], "cells", 0.04, 2)
    assert "Event type" not in {s["title"] for s in cells["sections"]}
    assert cells["note"] == "2 incidents known only to a country: listed, not drawn"


def test_every_mark_is_high_contrast_and_vaguer_is_bigger_and_dashed():
    """A province-level incident was a faint dotted ring on a dark fill: every drawn mark
    now has a heavy stroke over a white halo, and precision still reads from size and dash."""
    drawn = [p for p in maps.PRECISION_STYLES if p != "country"]
    radii = [maps.PRECISION_STYLES[p]["radius"] for p in drawn]
    assert radii == sorted(radii)  # point < near place < segment < district < province
    for precision in drawn:
        style = maps.PRECISION_STYLES[precision]
        assert style["weight"] >= 1.5 and style["fillOpacity"] >= 0.2, precision
        assert ("dashArray" in style) == (precision not in ("point", "near_place")), precision
    assert maps.PRECISION_STYLES["province"]["weight"] >= 3
    assert maps.PRECISION_STYLES["point"]["stroke"] == "#1a1a1a"  # a dark edge on any fill
    assert maps.HALO_PX >= 2
