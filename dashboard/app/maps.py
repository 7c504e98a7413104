"""The incident map: folium maps built from prebuilt GeoJSON dicts, no Streamlit.

Two parts, because the dashboard sends them differently:

- :func:`build_base_map` is the same on every rerun (no tiles or configured
  tiles, the border's extent, the scripts below), so streamlit-folium keeps
  the map mounted and the user's pan and zoom survive a filter change;
- :func:`build_incident_layers` is what the filters change: provinces shaded
  by incident count, border segments weighted by it, the incidents, the
  selected incident and the legend, in one ``FeatureGroup`` that
  streamlit-folium swaps in place (``feature_group_to_add``).

:func:`build_incident_map` puts both on one map (tests, HTML export).

Every layer is drawn by a few lines of JavaScript (``web/map.js``) from plain
GeoJSON: incidents are canvas circles styled by how precisely they are
placed; popups and tooltips are built with ``textContent``, so nothing that
comes from a source is ever parsed as HTML. Above :data:`MAX_POINTS`
incidents the map gets counts per grid cell instead of points
(:func:`incident_cells`), so the payload stays bounded at any data size.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import folium
import numpy as np
import pandas as pd
from branca.element import Element, MacroElement
from jinja2 import Template
from shapely.geometry import shape

from dashboard.app.webfiles import style_element, web_text
from dashboard.geo.layers import DEFAULT_COUNTRY_FILLS
from dashboard.markup import script_json
from dashboard.models import EventType, LocationPrecision
from dashboard.query import IncidentTable, date_window_labels

# Above this many incidents the map shows counts per grid cell, not points:
# ~300 bytes a point keeps the map under ~1.2 MB with the context layers.
MAX_POINTS = 3000
MAX_CELLS = 1500
COORDINATE_DECIMALS = 5
EXCERPT_HEAD_CHARS = 90

EVENT_COLOURS = {
    EventType.BATTLES.value: "#d62728",
    EventType.EXPLOSIONS.value: "#ff7f0e",
    EventType.VIOLENCE_AGAINST_CIVILIANS.value: "#9467bd",
    EventType.PROTESTS.value: "#2ca02c",
    EventType.RIOTS.value: "#8c564b",
    EventType.STRATEGIC_DEVELOPMENTS.value: "#1f77b4",
}
# Precision is drawn, not only written: an exact point is a small solid dot with a dark
# edge; the vaguer the place, the bigger the ring and the longer its dashes. Every mark has
# a heavy stroke over a white halo (map.js), so it stands out on the palest and on the
# darkest province fill alike: a province-level incident must not be a faint dotted ring.
PRECISION_STYLES: dict[str, dict[str, Any]] = {
    LocationPrecision.POINT.value: {
        "radius": 5,
        "weight": 1.5,
        "fillOpacity": 1.0,
        "stroke": "#1a1a1a",
    },
    LocationPrecision.NEAR_PLACE.value: {"radius": 7, "weight": 2.5, "fillOpacity": 0.6},
    LocationPrecision.BORDER_SEGMENT.value: {
        "radius": 10,
        "weight": 3,
        "fillOpacity": 0.25,
        "dashArray": "7 4",
    },
    LocationPrecision.DISTRICT.value: {
        "radius": 13,
        "weight": 3,
        "fillOpacity": 0.2,
        "dashArray": "3 4",
    },
    LocationPrecision.PROVINCE.value: {
        "radius": 15,
        "weight": 3,
        "fillOpacity": 0.2,
        "dashArray": "3 4",
    },
    LocationPrecision.COUNTRY.value: {
        "radius": 18,
        "weight": 2,
        "fillOpacity": 0.1,
        "dashArray": "1 5",
    },
}
# The white band under every mark, this many pixels wider than its stroke.
HALO_PX = 3
# An incident nobody has reviewed yet wears a dotted ring outside its halo (map.js): what
# the map shows is the machine's reading until an analyst has looked.
UNREVIEWED_RING = {"gap": 4, "weight": 1.5, "color": "#222", "dashArray": "2 3"}
# Vaguest (biggest ring) first; see incident_features.
_DRAW_ORDER = {precision: rank for rank, precision in enumerate(reversed(PRECISION_STYLES))}
PRECISION_WORDS = {
    LocationPrecision.POINT.value: "exact point",
    LocationPrecision.NEAR_PLACE.value: "near a named place",
    LocationPrecision.BORDER_SEGMENT.value: "somewhere on a border segment",
    LocationPrecision.DISTRICT.value: "somewhere in a district",
    LocationPrecision.PROVINCE.value: "somewhere in a province",
    LocationPrecision.COUNTRY.value: "somewhere in a country",
}
# Province shading: no incidents is the country's own grey (its border's build spec,
# BorderLayers.country_fill); then five log-spaced classes.
OTHER_FILL = "#eeeeee"  # a province of a country the fills do not name
CLASS_FILLS = ("#fee6ce", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603")
# The border line is the map's subject: dark and drawn over a white casing.
SEGMENT_IDLE = "#3b3b3b"
SEGMENT_ACTIVE = "#b10026"
# The legend's width when open (map.css), and the narrowest map that opens it at first:
# the first view and every fit leave this much room on the right, so it covers no data.
LEGEND_PX = 190
LEGEND_OPEN_MIN_PX = 500


# ------------------------------------------------------------------ GeoJSON


def count_classes(maximum: int, classes: int = len(CLASS_FILLS)) -> list[int]:
    """Upper bounds of log-spaced count classes from 1 to ``maximum`` (deduplicated)."""
    if maximum <= 0:
        return []
    bounds = sorted({max(1, round(maximum ** (i / classes))) for i in range(1, classes + 1)})
    return bounds


def _class_fill(count: int, bounds: Sequence[int]) -> str | None:
    for i, upper in enumerate(bounds):
        if count <= upper:
            return CLASS_FILLS[len(CLASS_FILLS) - len(bounds) + i]
    return None


def province_features(
    layer: Mapping[str, Any], counts: pd.DataFrame, fills: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The display provinces with ``n`` incidents, ``f`` fatalities, ``a`` of them known
    only to the province ("somewhere in it"), and fill ``c``.

    ``counts`` is :func:`dashboard.query.counts_by` at the province level.
    ``fills`` maps a country code to its provinces' fill where they have no
    incidents (the border's :attr:`~dashboard.geo.layers.BorderLayers.country_fill`):
    the colours belong to the border, not to this module.
    Geometry objects are shared with ``layer``, not copied.
    """
    fills = fills or {}
    by_code = _counts_by_key(counts, "code")
    vague = (
        dict(zip(counts["code"], counts["in_province"].astype(int), strict=True))
        if "in_province" in counts
        else {}
    )
    bounds = count_classes(max((n for n, _ in by_code.values()), default=0))
    features = []
    for feature in layer["features"]:
        props = feature["properties"]
        n, f = by_code.get(props["code"], (0, 0))
        fill = _class_fill(n, bounds) if n else fills.get(props["country"], OTHER_FILL)
        features.append(
            {
                "type": "Feature",
                "id": props["code"],
                "geometry": feature["geometry"],
                "properties": {
                    "k": "p",
                    "id": props["code"],
                    "name": props["name"],
                    "n": n,
                    "f": f,
                    "a": int(vague.get(props["code"], 0)),
                    "c": fill,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "classes": bounds}


def segment_features(layer: Mapping[str, Any], counts: pd.DataFrame) -> dict[str, Any]:
    """The display segments with ``n``, ``f``, line colour ``c`` and weight ``w``."""
    by_id = _counts_by_key(counts, "segment_id")
    top = max((n for n, _ in by_id.values()), default=0)
    features = []
    for feature in layer["features"]:
        props = feature["properties"]
        n, f = by_id.get(props["id"], (0, 0))
        weight = 2.0 + (6.0 * math.sqrt(n / top) if n and top else 0.0)
        features.append(
            {
                "type": "Feature",
                "id": props["id"],
                "geometry": feature["geometry"],
                "properties": {
                    "k": "s",
                    "id": props["id"],
                    "name": props["name"],
                    "n": n,
                    "f": f,
                    "c": SEGMENT_ACTIVE if n else SEGMENT_IDLE,
                    "w": round(weight, 1),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _counts_by_key(counts: pd.DataFrame, key: str) -> dict[str, tuple[int, int]]:
    if counts.empty:
        return {}
    return {
        str(k): (int(n), int(f))
        for k, n, f in zip(counts[key], counts["incidents"], counts["fatalities"], strict=True)
    }


def layer_anchors(layer: Mapping[str, Any], key: str) -> dict[str, tuple[float, float]]:
    """A representative ``(lat, lon)`` inside each feature of a display layer.

    Where an incident has no coordinates of its own but is known to a
    segment or a province, it is drawn here (and styled as vague).
    """
    anchors = {}
    for feature in layer["features"]:
        geometry = shape(feature["geometry"])
        if geometry.geom_type in ("LineString", "MultiLineString"):
            point = geometry.interpolate(0.5, normalized=True)
        else:
            point = geometry.representative_point()
        anchors[feature["properties"][key]] = (point.y, point.x)
    return anchors


def placed_coordinates(
    table: IncidentTable,
    segment_anchors: Mapping[str, tuple[float, float]],
    province_anchors: Mapping[str, tuple[float, float]],
) -> tuple[np.ndarray, np.ndarray]:
    """Each incident's map position: its own point, else its segment's or province's anchor.

    NaN where neither exists (e.g. known only to a country): such incidents
    are counted and listed, not drawn.
    """
    frame = table.incidents
    lat = frame["lat"].to_numpy(dtype=float).copy()
    lon = frame["lon"].to_numpy(dtype=float).copy()
    for links, column, anchors in (
        # Only a segment the incident is on: one known to a province is drawn in the province.
        (table.segment_links, "segment_id", segment_anchors),
        (table.provinces, "code", province_anchors),
    ):
        missing = np.isnan(lat)
        if not missing.any() or links.empty:
            continue
        first = links.drop_duplicates("row")
        first = first[missing[first["row"].to_numpy()]]
        known = first[column].map(anchors)
        first, known = first[known.notna()], known[known.notna()]
        if first.empty:
            continue
        rows = first["row"].to_numpy()
        lat[rows] = [a[0] for a in known]
        lon[rows] = [a[1] for a in known]
    return lat, lon


def incident_features(
    table: IncidentTable,
    rows: np.ndarray,
    lat: np.ndarray,
    lon: np.ndarray,
    excerpt_heads: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One point feature per incident in ``rows`` (positions in ``table``).

    Properties are short on purpose (they are most of the payload): ``k``
    kind, ``d`` date window in words, ``t`` event type, ``pl`` place, ``f``
    fatalities (null: not reported), ``lp`` location precision, ``r`` the
    review status, ``x`` the start of the first excerpt.

    Features come vaguest first: the canvas draws later ones on top, so an
    exact point stays clickable inside a province-wide ring around it.
    """
    frame = table.incidents
    heads = excerpt_heads or {}
    rank = frame["location_precision"].map(_DRAW_ORDER).fillna(0).to_numpy()[rows]
    rows = np.asarray(rows)[np.argsort(rank, kind="stable")]
    ids = frame["id"].to_numpy()[rows]
    labels = date_window_labels(
        frame["date_start"].to_numpy()[rows],
        frame["date_end"].to_numpy()[rows],
        frame["date_precision"].to_numpy()[rows],
    )
    fatalities = frame["fatalities"].to_numpy(dtype=object, na_value=None)[rows]
    places = frame["place_name"].to_numpy(dtype=object, na_value=None)[rows]
    events = frame["event_type"].to_numpy()[rows]
    precisions = frame["location_precision"].to_numpy()[rows]
    reviews = frame["review_status"].to_numpy()[rows]
    xs = np.round(lon[rows], COORDINATE_DECIMALS).tolist()
    ys = np.round(lat[rows], COORDINATE_DECIMALS).tolist()
    features = []
    for i, iid in enumerate(ids):
        head = heads.get(iid)
        features.append(
            {
                "type": "Feature",
                "id": iid,
                "geometry": {"type": "Point", "coordinates": [xs[i], ys[i]]},
                "properties": {
                    "k": "i",
                    "id": iid,
                    "d": labels[i],
                    "t": events[i],
                    "pl": places[i],
                    "f": None if fatalities[i] is None else int(fatalities[i]),
                    "lp": precisions[i],
                    "r": reviews[i],
                    "x": _shorten(head, EXCERPT_HEAD_CHARS) if head else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def incident_cells(
    lat: np.ndarray,
    lon: np.ndarray,
    fatalities: np.ndarray,
    max_cells: int = MAX_CELLS,
    start_size: float = 0.02,
) -> dict[str, Any]:
    """Counts of incidents per square grid cell, the cell doubled until few enough.

    Each cell is drawn at the mean position of its incidents (not the cell's
    centre) with ``n`` incidents, ``f`` fatalities and the cell size ``s`` in
    degrees. The number of features is at most ``max_cells`` whatever the
    number of incidents.
    """
    fat = np.nan_to_num(fatalities.astype(float))
    # One sort of the incidents into the finest cells; each doubling then merges cells
    # (floor(x / 2s) is floor(floor(x / s) / 2), a shift), not a million incidents again.
    ix = np.floor(lon / start_size).astype(np.int64)
    iy = np.floor(lat / start_size).astype(np.int64)
    _, first, inverse = np.unique(ix * 1_000_003 + iy, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    cell_x, cell_y = ix[first], iy[first]
    n = np.bincount(inverse)
    sum_lat = np.bincount(inverse, weights=lat)
    sum_lon = np.bincount(inverse, weights=lon)
    fsum = np.bincount(inverse, weights=fat)
    size, shift = start_size, 0
    while True:
        keys = (cell_x >> shift) * 1_000_003 + (cell_y >> shift)
        unique, merged = np.unique(keys, return_inverse=True)
        if len(unique) <= max_cells:
            break
        size, shift = size * 2, shift + 1
    merged = merged.ravel()
    count = np.bincount(merged, weights=n)
    mean_lat = np.bincount(merged, weights=sum_lat) / count
    mean_lon = np.bincount(merged, weights=sum_lon) / count
    fsum = np.bincount(merged, weights=fsum)
    n = count.astype(np.int64)
    features = [
        {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [
                    round(float(mean_lon[i]), COORDINATE_DECIMALS),
                    round(float(mean_lat[i]), COORDINATE_DECIMALS),
                ],
            },
            "properties": {"k": "c", "n": int(n[i]), "f": int(fsum[i]), "s": size},
        }
        for i in range(len(unique))
    ]
    return {"type": "FeatureCollection", "features": features, "cell_degrees": size}


def selection_features(
    point: tuple[float, float] | None,
    precision: str | None,
    incident_id: str,
    segments: Sequence[Mapping[str, Any]] = (),
    provinces: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    """The selected incident: a ring at its position, and the segment or province
    it is placed on when that is its precision (features from the display layers)."""
    features: list[dict[str, Any]] = []
    if precision == LocationPrecision.BORDER_SEGMENT.value:
        extent = segments
    elif precision in (LocationPrecision.PROVINCE.value, LocationPrecision.DISTRICT.value):
        extent = provinces
    else:
        extent = ()
    for feature in extent:
        features.append(
            {"type": "Feature", "geometry": feature["geometry"], "properties": {"k": "x"}}
        )
    if point is not None and not any(math.isnan(v) for v in point):
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        round(point[1], COORDINATE_DECIMALS),
                        round(point[0], COORDINATE_DECIMALS),
                    ],
                },
                "properties": {"k": "r", "id": incident_id},
            }
        )
    return {"type": "FeatureCollection", "features": features, "selected": incident_id}


def geojson_bounds(collection: Mapping[str, Any]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of a feature collection, or ``None`` if empty."""
    xs: list[float] = []
    ys: list[float] = []

    def walk(coords: Any) -> None:
        if coords and isinstance(coords[0], (int, float)):
            xs.append(coords[0])
            ys.append(coords[1])
        else:
            for c in coords:
                walk(c)

    for feature in collection.get("features", []):
        walk(feature["geometry"]["coordinates"])
    if not xs:
        return None
    return [[min(ys), min(xs)], [max(ys), max(xs)]]


# ------------------------------------------------------- Leaflet elements


class MapScripts(MacroElement):
    """Defines ``window.bw``: the drawing and popup code every layer below uses.

    The code is ``web/map.js`` as it is; what it needs from Python (styles,
    colours, words) is set before it as ``bw.S``, one JSON object.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}(window.bw = window.bw || {}).S = {{ this.settings_json }};
        {{ this.code }}
        // One canvas for every layer (a second canvas on top would swallow the clicks
        // meant for the first), with a few pixels of slack to hit thin lines and dots.
        {{ this._parent.get_name() }}.options.renderer = L.canvas({tolerance: 5});
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MapScripts"
        self.settings_json = script_json(
            {
                "precision_styles": PRECISION_STYLES,
                "precision_words": PRECISION_WORDS,
                "event_colours": EVENT_COLOURS,
                "legend_px": LEGEND_PX,
                "halo_px": HALO_PX,
                "unreviewed_ring": UNREVIEWED_RING,
                "legend_open_min_px": LEGEND_OPEN_MIN_PX,
            }
        )
        self.code = web_text("map.js")


class DataLayer(MacroElement):
    """A GeoJSON dict drawn by ``bw.layer(kind, data)``; one Leaflet layer."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = bw.layer({{ this.kind_json }}, {{ this.data_json }})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, kind: str, data: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = f"bw_{kind}"
        self.kind = kind
        self.kind_json = script_json(kind)
        self.data_json = script_json(data)


class Legend(MacroElement):
    """A legend box (bottom right) that comes and goes with its layer group."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = new bw.Legend({{ this.spec_json }})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, spec: Mapping[str, Any]) -> None:
        super().__init__()
        self._name = "bw_legend"
        self.spec = spec
        self.spec_json = script_json(spec)


class FitBounds(MacroElement):
    """Fit the map to ``bounds`` once per distinct ``(token, bounds)``.

    The same region filter on every rerun fits once, so the user's pan and
    zoom survive; a new ``token`` (e.g. each press of Reset) fits again.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = new bw.FitBounds({{ this.bounds_json }}, {{ this.token_json }})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]], token: str = "") -> None:
        super().__init__()
        self._name = "bw_fit"
        self.bounds_json = script_json(bounds)
        self.token_json = script_json(token)


class HomeView(MacroElement):
    """The first view: ``bounds`` fitted into the part of the map the legend leaves free."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        bw.fit({{ this._parent.get_name() }}, {{ this.bounds_json }}, {animate: false});
        {% endmacro %}
        """
    )

    def __init__(self, bounds: list[list[float]]) -> None:
        super().__init__()
        self._name = "bw_home"
        self.bounds_json = script_json(bounds)


def _incidents(n: int) -> str:
    return f"{n} incident" if n == 1 else f"{n} incidents"


def legend_spec(
    province_classes: Sequence[int],
    shown: str,
    cell_degrees: float | None,
    unplaced: int,
    zero_fill: str = DEFAULT_COUNTRY_FILLS[0],
) -> dict[str, Any]:
    """What the legend keys, in sections: event types (colours), how an incident is
    placed (the marks' own styles), provinces (count classes) and the border line.

    ``zero_fill`` keys "none": the first country's no-incident fill on the shown border.
    """
    sections: list[dict[str, Any]] = []
    if shown == "cells":
        km = round(cell_degrees * 111) if cell_degrees else 0
        cells = {"shape": "ring", "fill": "#f16913", "stroke": "#7f2704"}
        sections.append({"title": "Incidents", "rows": [{**cells, "label": f"per ~{km} km cell"}]})
    else:
        sections.append(
            {
                "title": "Event type",
                "rows": [
                    {"shape": "dot", "fill": colour, "stroke": colour, "label": name}
                    for name, colour in EVENT_COLOURS.items()
                ],
            }
        )
        sections.append(
            {
                "title": "Placed",
                "rows": [
                    {"shape": "mark", "precision": precision, "label": PRECISION_WORDS[precision]}
                    for precision in LEGEND_PRECISIONS
                ],
            }
        )
        sections.append(
            {
                "title": "Review",
                "rows": [
                    {"shape": "review", "reviewed": False, "label": "unreviewed (dotted ring)"},
                    {"shape": "review", "reviewed": True, "label": "reviewed by an analyst"},
                ],
            }
        )
    rows: list[dict[str, Any]] = [{"shape": "box", "fill": zero_fill, "label": "none"}]
    lower = 1
    offset = len(CLASS_FILLS) - len(province_classes)
    for i, upper in enumerate(province_classes):
        label = str(upper) if lower == upper else f"{lower}–{upper}"
        rows.append({"shape": "box", "fill": CLASS_FILLS[offset + i], "label": label})
        lower = upper + 1
    sections.append({"title": "Incidents per province", "rows": rows, "inline": True})
    sections.append(
        {
            "title": "Border",
            "rows": [
                {"shape": "line", "stroke": SEGMENT_IDLE, "label": "border line"},
                {"shape": "line", "stroke": SEGMENT_ACTIVE, "label": "with incidents on it"},
            ],
        }
    )
    note = (
        f"{_incidents(unplaced)} known only to a country: listed, not drawn" if unplaced else None
    )
    return {"title": "Legend", "sections": sections, "note": note}


# The precisions the legend keys (district is drawn as a province, country not at all).
LEGEND_PRECISIONS = (
    LocationPrecision.POINT.value,
    LocationPrecision.NEAR_PLACE.value,
    LocationPrecision.BORDER_SEGMENT.value,
    LocationPrecision.PROVINCE.value,
)


# --------------------------------------------------------------------- maps


def build_base_map(
    bounds: list[list[float]],
    *,
    js: Sequence[tuple[str, str]],
    css: Sequence[tuple[str, str]],
    tiles: str | None = None,
    attribution: str | None = None,
    max_zoom: int = 14,
    neighbours: Mapping[str, Any] | None = None,
    labels: Mapping[str, Any] | None = None,
) -> folium.Map:
    """The part of the map that does not depend on filters.

    Parameters
    ----------
    bounds
        ``[[south, west], [north, east]]`` to show first (the border area),
        fitted beside the legend so the legend covers none of it.
    js, css
        ``(name, url)`` pairs replacing folium's CDN links (see
        :func:`dashboard.app.assets.asset_urls`).
    tiles
        A tile URL template, or ``None`` for no background: the province
        layer is then the basemap and nothing is fetched from outside.
    attribution
        Required by most tile servers when ``tiles`` is set.
    max_zoom
        Set even without tiles: Leaflet needs it to place clustered layers.
    neighbours, labels
        The grey neighbouring countries and the map's names
        (:mod:`dashboard.app.cartography`): drawn under, and over, every
        incident layer.
    """
    centre = [(bounds[0][0] + bounds[1][0]) / 2, (bounds[0][1] + bounds[1][1]) / 2]
    m = folium.Map(
        location=centre,
        zoom_start=7,
        tiles=None,
        prefer_canvas=True,
        control_scale=True,
        # As map options: folium gives min_zoom/max_zoom only to a tile layer, and
        # Leaflet needs maxZoom on the map when there is none.
        minZoom=5,
        maxZoom=max_zoom,
        # Quarter zooms, so the border area fills the map instead of a third of it.
        zoomSnap=0.25,
        zoomDelta=0.5,
    )
    # Per instance: folium's class lists are shared by every map in the process.
    m.default_js = list(js)
    m.default_css = list(css)
    if tiles:
        folium.TileLayer(tiles=tiles, attr=attribution or "", max_zoom=max_zoom).add_to(m)
    m.get_root().header.add_child(Element(style_element("map.css")), name="bw_css")
    MapScripts().add_to(m)
    if neighbours:
        DataLayer("neighbours", neighbours).add_to(m)
    if labels:
        DataLayer("labels", labels).add_to(m)
    HomeView(bounds).add_to(m)
    return m


def build_incident_layers(
    provinces: Mapping[str, Any],
    segments: Mapping[str, Any],
    incidents: Mapping[str, Any],
    *,
    selection: Mapping[str, Any] | None = None,
    legend: Mapping[str, Any] | None = None,
    fit: list[list[float]] | None = None,
    fit_token: str = "",
) -> folium.FeatureGroup:
    """Everything the filters change, as one group (bottom to top).

    ``incidents`` is :func:`incident_features` or :func:`incident_cells`;
    the others come from the functions of the same names. ``fit`` is where to
    zoom, once per distinct ``(fit_token, fit)`` (:class:`FitBounds`).
    """
    group = folium.FeatureGroup(name="incidents", control=False)
    DataLayer("provinces", provinces).add_to(group)
    DataLayer("segments", segments).add_to(group)
    if selection and selection.get("features"):
        DataLayer("selection", selection).add_to(group)
    kind = "cells" if "cell_degrees" in incidents else "incidents"
    if kind == "incidents" and selection:
        incidents = {**incidents, "selected": selection.get("selected")}
    DataLayer(kind, incidents).add_to(group)
    if legend:
        Legend(legend).add_to(group)
    if fit:
        FitBounds(fit, fit_token).add_to(group)
    return group


def build_incident_map(base: folium.Map, layers: folium.FeatureGroup) -> folium.Map:
    """The whole map in one object: ``layers`` added to ``base``."""
    layers.add_to(base)
    return base


__all__ = [
    "EVENT_COLOURS",
    "MAX_CELLS",
    "MAX_POINTS",
    "PRECISION_STYLES",
    "PRECISION_WORDS",
    "HomeView",
    "build_base_map",
    "build_incident_layers",
    "build_incident_map",
    "count_classes",
    "geojson_bounds",
    "incident_cells",
    "incident_features",
    "layer_anchors",
    "legend_spec",
    "placed_coordinates",
    "province_features",
    "segment_features",
    "selection_features",
]
