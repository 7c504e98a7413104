"""Pictures people share: the map view and the charts as PNG and SVG, captioned.

A picture leaves the dashboard without its sidebar, so its caption says what
it shows (the filters, the count) and whose data it draws (attribution).
Charts are the page's own Altair charts, rendered by vl-convert (offline: it
bundles Vega). The map is drawn here as SVG in the map's own style (the same
fills, line colours, precision marks and labels as ``web/map.js``), and
rasterised by vl-convert for PNG. Every piece of text goes into the SVG through
:class:`dashboard.markup.Html` templates, so a place name cannot become markup.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any

import altair as alt

from dashboard.app import maps
from dashboard.markup import Html
from dashboard.query import IncidentFilter

ATTRIBUTION = (
    "Boundaries: geoBoundaries (© OpenStreetMap contributors, national sources, Wikipedia; "
    "see geodata/SOURCES.md), neighbours: Natural Earth; made with borderwatch"
)
MAP_SIZE = (1200, 900)
CAPTION_LINE_PX = 18
# Labels on the static map: the names the first view shows (cartography.py's zooms).
MAP_LABEL_ZOOM = 7


def describe_filter(
    filt: IncidentFilter, names: Mapping[str, str], count: int, bounds: tuple[date, date] | None
) -> list[str]:
    """The caption: what was selected, in words, and how many incidents that is."""
    parts = []
    lo, hi = (
        (filt.date_from or (bounds[0] if bounds else None)),
        (filt.date_to or (bounds[1] if bounds else None)),
    )
    if lo and hi:
        parts.append(f"{lo.isoformat()} – {hi.isoformat()}")
    for label, values in (
        ("Country", filt.countries),
        ("Province", filt.provinces),
        ("Segment", filt.segments),
        ("Type", filt.event_types),
    ):
        if values:
            parts.append(f"{label}: {', '.join(names.get(v, v) for v in values)}")
    if filt.min_fatalities:
        parts.append(f"at least {filt.min_fatalities} killed")
    if filt.text:
        parts.append(f"text “{filt.text}”")
    if filt.include_synthetic:
        parts.append("synthetic (test) data included")
    noun = "incident" if count == 1 else "incidents"
    return [f"{count:,} {noun} · " + " · ".join(parts), ATTRIBUTION]


# ------------------------------------------------------------------ charts


def captioned_charts(
    charts: Sequence[alt.TopLevelMixin], lines: Sequence[str], width: int = 1000
) -> alt.TopLevelMixin:
    """``charts`` one above the other, each ``width`` pixels wide, ``lines`` under them
    (a title at the bottom left: the first line, then the others smaller)."""
    sized = [chart.properties(width=width) for chart in charts]
    whole = sized[0] if len(sized) == 1 else alt.vconcat(*sized)
    return whole.properties(
        title=alt.TitleParams(
            text=lines[0],
            subtitle=list(lines[1:]),
            orient="bottom",
            anchor="start",
            fontSize=12,
            fontWeight="normal",
            subtitleFontSize=10,
            subtitleColor="#666",
        )
    )


def chart_bytes(chart: alt.TopLevelMixin, fmt: str) -> bytes:
    """``chart`` as ``svg`` or ``png`` (twice the pixels, for sharp slides)."""
    import vl_convert  # noqa: PLC0415 - a 30 MB engine, loaded when a picture is asked for

    spec = chart.to_dict()
    if fmt == "svg":
        return vl_convert.vegalite_to_svg(spec).encode("utf-8")
    return vl_convert.vegalite_to_png(spec, scale=2)


# --------------------------------------------------------------------- map


class Projection:
    """Web Mercator from ``bounds`` (``[[south, west], [north, east]]``) into a box of
    ``width`` × ``height`` pixels, the bounds fitted and centred as Leaflet fits them."""

    def __init__(self, bounds: Sequence[Sequence[float]], width: int, height: int) -> None:
        (south, west), (north, east) = bounds
        x0, y0 = self._merc(west, north)
        x1, y1 = self._merc(east, south)
        self.scale = min(width / (x1 - x0), height / (y1 - y0))
        self.dx = (width - (x1 - x0) * self.scale) / 2 - x0 * self.scale
        self.dy = (height - (y1 - y0) * self.scale) / 2 - y0 * self.scale

    @staticmethod
    def _merc(lon: float, lat: float) -> tuple[float, float]:
        return math.radians(lon), -math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = self._merc(lon, lat)
        return round(x * self.scale + self.dx, 1), round(y * self.scale + self.dy, 1)


def _rings(geometry: Mapping[str, Any]) -> Iterable[Sequence[Sequence[float]]]:
    if geometry["type"] == "Polygon":
        yield from geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon
    elif geometry["type"] == "LineString":
        yield geometry["coordinates"]
    elif geometry["type"] == "MultiLineString":
        yield from geometry["coordinates"]


def _path(geometry: Mapping[str, Any], project: Projection, close: bool) -> str:
    parts = []
    for ring in _rings(geometry):
        points = " L".join(f"{x},{y}" for x, y in (project(*c) for c in ring))
        parts.append(f"M{points}{' Z' if close else ''}")
    return " ".join(parts)


_SVG = Html(
    '<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
    'font-family="DejaVu Sans, Arial, sans-serif">'
    '<rect width="{w}" height="{h}" fill="#dfe8ee"/>{body}</svg>'
)
_AREA = Html('<path d="{d}" fill="{fill}" stroke="{stroke}" stroke-width="{width}"/>')
_LINE = Html(
    '<path d="{d}" fill="none" stroke="{stroke}" stroke-width="{width}" '
    'stroke-linecap="round" stroke-linejoin="round"/>'
)
_MARK = Html(
    '<circle cx="{x}" cy="{y}" r="{r}" fill="{fill}" fill-opacity="{fo}" stroke="{stroke}" '
    'stroke-width="{width}" stroke-dasharray="{dash}"/>'
)
_TEXT = Html(
    '<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
    'text-anchor="{anchor}" stroke="#fff" stroke-width="{halo}" paint-order="stroke">{text}</text>'
)


def map_svg(
    layers: Mapping[str, Mapping[str, Any]],
    bounds: Sequence[Sequence[float]],
    caption: Sequence[str],
    size: tuple[int, int] = MAP_SIZE,
) -> str:
    """The map view as SVG in the map's own style, ``caption`` under it.

    ``layers`` holds ``provinces``, ``segments`` and ``incidents`` as
    :func:`maps.province_features`, :func:`maps.segment_features` and
    :func:`maps.incident_features` (or :func:`maps.incident_cells`) build
    them, and optionally ``neighbours`` and ``labels`` (cartography.py).
    """
    width, height = size
    map_height = height - CAPTION_LINE_PX * (len(caption) + 1)
    project = Projection(bounds, width, map_height)
    body: list[Html] = []
    for feature in (layers.get("neighbours") or {}).get("features", []):
        d = _path(feature["geometry"], project, close=True)
        body.append(_AREA.format(d=d, fill="#d4d4d4", stroke="#b0b0b0", width=0.8))
    for feature in layers["provinces"]["features"]:
        d = _path(feature["geometry"], project, close=True)
        body.append(_AREA.format(d=d, fill=feature["properties"]["c"], stroke="#8c8c8c", width=0.7))
    for feature in layers["segments"]["features"]:
        d, w = _path(feature["geometry"], project, close=False), feature["properties"]["w"]
        body.append(_LINE.format(d=d, stroke="#fff", width=w + 3))
        body.append(_LINE.format(d=d, stroke=feature["properties"]["c"], width=w))
    body.extend(_marks(layers["incidents"], project))
    body.extend(_labels(layers.get("labels") or {}, project))
    for i, line in enumerate(caption):
        y = map_height + CAPTION_LINE_PX * (i + 1)
        size_px, fill = (13, "#222") if i == 0 else (11, "#555")
        body.append(
            _TEXT.format(x=12, y=y, size=size_px, weight=400, fill=fill, anchor="start",
                         halo=0, text=line)
        )  # fmt: skip
    return str(_SVG.format(w=width, h=height, body=Html().join(body)))


def _marks(incidents: Mapping[str, Any], project: Projection) -> list[Html]:
    """Each incident as map.js draws it: a white halo, then the mark in its precision's style."""
    out = []
    for feature in incidents["features"]:
        props = feature["properties"]
        x, y = project(*feature["geometry"]["coordinates"])
        if props.get("k") == "c":  # counts per cell
            r = min(28, 5 + 2.2 * math.sqrt(props["n"]))
            out.append(_MARK.format(x=x, y=y, r=r, fill="#f16913", fo=0.55, stroke="#7f2704",
                                    width=1, dash="none"))  # fmt: skip
            continue
        style = maps.PRECISION_STYLES.get(props["lp"], maps.PRECISION_STYLES["point"])
        colour = maps.EVENT_COLOURS.get(props["t"], "#444")
        halo = style["weight"] + maps.HALO_PX
        out.append(_MARK.format(x=x, y=y, r=style["radius"], fill="none", fo=0,
                                stroke="#fff", width=halo, dash="none"))  # fmt: skip
        out.append(
            _MARK.format(x=x, y=y, r=style["radius"], fill=colour, fo=style["fillOpacity"],
                         stroke=style.get("stroke", colour), width=style["weight"],
                         dash=style.get("dashArray", "none"))
        )  # fmt: skip
    return out


_LABEL_STYLES = {
    "country": (15, 700, "#3d3d3d"),
    "neighbour": (13, 600, "#7a7a7a"),
    "province": (11, 600, "#404040"),
}


def _labels(labels: Mapping[str, Any], project: Projection) -> list[Html]:
    """The names the map's first view shows; settlements wait for a closer look."""
    out = []
    for feature in labels.get("features", []):
        props = feature["properties"]
        if props["c"] not in _LABEL_STYLES or props["z"] > MAP_LABEL_ZOOM:
            continue
        size_px, weight, fill = _LABEL_STYLES[props["c"]]
        x, y = project(*feature["geometry"]["coordinates"])
        text = props["t"].upper() if props["c"] in ("country", "neighbour") else props["t"]
        dy = 17 + size_px if props["c"] == "province" else size_px / 3
        out.append(_TEXT.format(x=x, y=round(y + dy, 1), size=size_px, weight=weight, fill=fill,
                                anchor="middle", halo=3, text=text))  # fmt: skip
    return out


def svg_to_png(svg: str) -> bytes:
    """Rasterise an SVG (vl-convert's resvg, offline) at twice its size."""
    import vl_convert  # noqa: PLC0415 - loaded when a picture is asked for

    return vl_convert.svg_to_png(svg, scale=2)


__all__ = [
    "ATTRIBUTION",
    "Projection",
    "captioned_charts",
    "chart_bytes",
    "describe_filter",
    "map_svg",
    "svg_to_png",
]
