"""What the map draws for a filter, without Streamlit: the dashboard caches it, a brief prints it.

:func:`display_layers` is a border's unchanging part (simplified provinces and
segments, their anchors, the first view, neighbours, labels);
:func:`drawn_layers` the part a filter changes (shaded provinces, weighted
segments, the incidents or counts per cell, the legend). ``data.py`` wraps
both in Streamlit's caches; :mod:`dashboard.briefs` draws them with
:func:`dashboard.app.pictures.map_svg`, so a brief's map is the dashboard's.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from dashboard import query
from dashboard.app import cartography, maps
from dashboard.gazetteer.data import read_places
from dashboard.geo.layers import BorderLayers
from dashboard.query import IncidentFilter, IncidentTable


def display_layers(layers: BorderLayers) -> dict[str, Any]:
    """The simplified provinces and segments for the map, with their anchors, the
    first view (the border area), the grey neighbours and the labels."""
    provinces = layers.display_layer("provinces")
    segments = layers.display_layer("segments")
    area = cartography.area_bounds(maps.geojson_bounds(segments))
    neighbours = (
        layers.display_layer("neighbours")
        if (layers.folder / "display" / "neighbours.geojson").is_file()
        else None
    )
    places = read_places(layers.folder / "places.csv")
    return {
        "provinces": provinces,
        "segments": segments,
        "province_anchors": maps.layer_anchors(provinces, "code"),
        "segment_anchors": maps.layer_anchors(segments, "id"),
        "bounds": area,
        "neighbours": neighbours,
        "labels": cartography.label_collection(
            provinces, neighbours, places, area, layers.country_names
        ),
    }


def drawn_layers(
    table: IncidentTable,
    mask: np.ndarray,
    display: Mapping[str, Any],
    placed: tuple[np.ndarray, np.ndarray],
    *,
    fills: Mapping[str, str],
    excerpt_heads: Callable[[Sequence[str]], Mapping[str, str]],
) -> dict[str, Any]:
    """The layers ``mask``'s incidents make: ``provinces``, ``segments``, ``incidents``,
    ``legend``, ``shown`` (``"incidents"`` or ``"cells"``), ``drawn`` and ``unplaced``.

    ``placed`` is :func:`maps.placed_coordinates` for the table on this border;
    ``excerpt_heads`` gives the popups' first words of the incidents drawn one
    by one (never asked for more than :data:`maps.MAX_POINTS`).
    """
    lat, lon = placed
    provinces = maps.province_features(
        display["provinces"], query.counts_by(table, mask, "province"), fills
    )
    segments = maps.segment_features(display["segments"], query.counts_by(table, mask, "segment"))
    rows = np.flatnonzero(mask & ~np.isnan(lat))
    unplaced = int(mask.sum()) - len(rows)
    if len(rows) > maps.MAX_POINTS:
        incidents = maps.incident_cells(
            lat[rows], lon[rows], table.incidents["fatalities"].to_numpy(float, na_value=0)[rows]
        )
        shown, cell = "cells", incidents["cell_degrees"]
    else:
        heads = excerpt_heads(table.incidents["id"].to_numpy()[rows].tolist())
        incidents = maps.incident_features(table, rows, lat, lon, heads)
        shown, cell = "incidents", None
    legend = maps.legend_spec(
        provinces["classes"], shown, cell, unplaced, next(iter(fills.values()))
    )
    return {
        "provinces": provinces,
        "segments": segments,
        "incidents": incidents,
        "legend": legend,
        "shown": shown,
        "drawn": len(rows),
        "unplaced": unplaced,
    }


def region_bounds(filt: IncidentFilter, display: Mapping[str, Any]) -> list[list[float]] | None:
    """Where to zoom for a province or segment filter (None: keep the view)."""
    picked = [
        f for f in display["provinces"]["features"] if f["properties"]["code"] in filt.provinces
    ] + [f for f in display["segments"]["features"] if f["properties"]["id"] in filt.segments]
    if not picked:
        return None
    return maps.geojson_bounds({"features": picked})


def region_names(layers: BorderLayers) -> dict[str, str]:
    """Every country, province and segment code the filters take, with its name."""
    names = dict(layers.country_names)
    names.update(zip(layers.provinces["code"], layers.provinces["name"], strict=True))
    names.update(zip(layers.segments["id"], layers.segments["name"], strict=True))
    return names
