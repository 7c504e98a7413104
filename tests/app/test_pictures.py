"""Pictures people share: the map and the charts as PNG and SVG, captioned, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import altair as alt
import numpy as np
import pandas as pd
import pytest
from fixture_store import seed_fixture_store

from dashboard.app import cartography, maps, pictures
from dashboard.gazetteer.data import read_places
from dashboard.geo.layers import load_border
from dashboard.query import IncidentFilter, counts_by, filter_mask, load_incident_table

SVG = "{http://www.w3.org/2000/svg}"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def layers(store):
    """The map's layers for the fixture store, as the map page builds them."""
    seed_fixture_store(store)
    table = load_incident_table(store)
    border = load_border()
    provinces = border.display_layer("provinces")
    segments = border.display_layer("segments")
    mask = filter_mask(table, IncidentFilter(include_synthetic=True))
    lat, lon = maps.placed_coordinates(
        table, maps.layer_anchors(segments, "id"), maps.layer_anchors(provinces, "code")
    )
    rows = np.flatnonzero(mask & ~np.isnan(lat))
    area = cartography.area_bounds(maps.geojson_bounds(segments))
    neighbours = border.display_layer("neighbours")
    return area, {
        "provinces": maps.province_features(provinces, counts_by(table, mask, "province")),
        "segments": maps.segment_features(segments, counts_by(table, mask, "segment")),
        "incidents": maps.incident_features(table, rows, lat, lon),
        "neighbours": neighbours,
        "labels": cartography.label_collection(
            provinces, neighbours, read_places(border.folder / "places.csv"), area
        ),
    }


def test_the_caption_says_the_filters_the_count_and_whose_data():
    filt = IncidentFilter(
        date_from=date(2022, 1, 1), provinces=("AM-GR",), event_types=("Battles",),
        min_fatalities=2, text="<b>shelling</b>", include_synthetic=True,
    )  # fmt: skip
    lines = pictures.describe_filter(
        filt, {"AM-GR": "Gegharkunik"}, 3, (date(2020, 7, 12), date(2023, 6, 1))
    )
    assert lines[0] == (
        "3 incidents · 2022-01-01 – 2023-06-01 · Province: Gegharkunik · Type: Battles · "
        "at least 2 killed · text “<b>shelling</b>” · synthetic (test) data included"
    )
    assert lines[1] == pictures.ATTRIBUTION and "OpenStreetMap" in lines[1]


def test_the_projection_fits_the_bounds_north_up():
    project = pictures.Projection([[38.5, 44.5], [41.5, 47.0]], 1000, 800)
    (x0, y0), (x1, y1) = project(44.5, 41.5), project(47.0, 38.5)
    assert x0 < x1 and y0 < y1  # west left, north up
    assert min(x0, y0) >= 0 and x1 <= 1000 and y1 <= 800
    assert max(x1 - x0, y1 - y0) in (pytest.approx(1000, abs=1), pytest.approx(800, abs=1))


def test_the_map_picture_draws_every_layer_in_the_maps_style(layers):
    area, drawn = layers
    svg = pictures.map_svg(drawn, area, ["7 incidents · <script>x</script>", pictures.ATTRIBUTION])
    root = ET.fromstring(svg)  # well-formed XML: nothing unescaped broke it
    circles = root.findall(f"{SVG}circle")
    assert len(circles) == 2 * len(drawn["incidents"]["features"])  # a halo and a mark each
    texts = [t.text for t in root.findall(f"{SVG}text")]
    assert {"ARMENIA", "AZERBAIJAN", "GEORGIA", "Syunik"} <= set(texts)
    assert "7 incidents · <script>x</script>" in texts  # as text, escaped in the file
    assert "<script>" not in svg
    fills = {p.get("fill") for p in root.findall(f"{SVG}path")}
    assert any(f in fills for f in maps.CLASS_FILLS)  # provinces shaded by count
    dashes = {c.get("stroke-dasharray") for c in circles}
    assert maps.PRECISION_STYLES["province"]["dashArray"] in dashes


def test_the_map_picture_rasterises_offline(layers):
    area, drawn = layers
    png = pictures.svg_to_png(pictures.map_svg(drawn, area, ["caption", pictures.ATTRIBUTION]))
    assert png.startswith(PNG_MAGIC)
    width = int.from_bytes(png[16:20], "big")
    assert width == 2 * pictures.MAP_SIZE[0]


def test_charts_become_captioned_svg_and_png():
    chart = (
        alt.Chart(pd.DataFrame({"month": ["May", "Jun"], "incidents": [3, 1]}))
        .mark_bar()
        .encode(x="month:N", y="incidents:Q")
    )
    whole = pictures.captioned_charts([chart, chart], ["4 incidents · <i>x</i>", "attribution"])
    svg = pictures.chart_bytes(whole, "svg").decode()
    assert svg.startswith("<svg") and "4 incidents · &lt;i&gt;x&lt;/i&gt;" in svg
    assert "attribution" in svg
    assert pictures.chart_bytes(whole, "png").startswith(PNG_MAGIC)
