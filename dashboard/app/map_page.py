"""The map page: KPIs, the incident map, and the source panel for the selected incident."""

from __future__ import annotations

import functools

import streamlit as st
from streamlit_folium import st_folium

from dashboard import query
from dashboard.app import data, filters, maps, panels, pictures, reviewing

MAP_KEY = "incident_map"
# Only what the page uses comes back, so pan and zoom cause no rerun; a click one.
RETURNED = ["last_active_drawing", "last_object_clicked"]
# While an analyst picks a place, a click anywhere on the map comes back too.
PICKING_RETURNED = [*RETURNED, "last_clicked"]
MAP_HEIGHT = 540
# The map takes most of the width; the source panel the rest (below it on a narrow screen).
MAP_SHARE = (7, 3)


def _on_map_click() -> None:
    """Runs before the rerun a click causes, so the sidebar shows the new filter at once."""
    value = st.session_state.get(MAP_KEY) or {}
    if reviewing.pick_point(st.session_state, value):
        return
    feature = value.get("last_active_drawing") or {}
    filters.apply_map_click(st.session_state, feature.get("properties") or {})


def map_fit(
    region: list[list[float]] | None, home: list[list[float]], resets: int | None
) -> tuple[list[list[float]] | None, str]:
    """Where the map should zoom this run, and the token that makes it zoom once.

    A region filter wins; after Reset (which clears filters) the map goes
    back to its first view, once per press, whatever the user had panned to.
    """
    if region is not None:
        return region, ""
    if resets:
        return home, f"reset-{resets}"
    return None, ""


def render_map(view: data.View) -> None:
    """The map: shaded provinces, weighted segments, incidents (or counts per cell)."""
    layers = data.display_layers(view.border)
    selected = st.session_state.get(filters.SELECTED)
    drawn = data.map_layers(view.url, view.version, view.filt, selected, view.border)
    js, css = data.asset_links()
    tiles, attribution = data.tile_settings()
    base = maps.build_base_map(
        layers["bounds"],
        js=js,
        css=css,
        tiles=tiles,
        attribution=attribution,
        neighbours=layers["neighbours"],
        labels=layers["labels"],
    )
    fit, token = map_fit(drawn["fit"], layers["bounds"], st.session_state.get(filters.VIEW_RESETS))
    group = maps.build_incident_layers(
        drawn["provinces"],
        drawn["segments"],
        drawn["incidents"],
        selection=drawn["selection"],
        legend=drawn["legend"],
        fit=fit,
        fit_token=token,
    )
    st_folium(
        base,
        key=MAP_KEY,
        feature_group_to_add=group,
        returned_objects=PICKING_RETURNED if st.session_state.get(reviewing.PICKING) else RETURNED,
        on_change=_on_map_click,
        height=MAP_HEIGHT,
        use_container_width=True,
    )
    panels.render_picture_buttons(
        "map_picture", functools.partial(map_picture, view, drawn), "map", "the map"
    )
    if drawn["shown"] == "cells":
        st.caption(
            f"{drawn['drawn']:,} incidents: too many to draw one by one, so the map shows "
            f"counts per ~{round(drawn['incidents']['cell_degrees'] * 111)} km cell. Narrow the "
            f"filters to {maps.MAX_POINTS:,} or fewer to see and click each incident."
        )
    else:
        st.caption(
            "Click an incident to read its sources (where several share a spot, pick one from "
            "the list); click a province or a border segment to filter to it. Dashed rings are "
            "incidents known only to a segment or a province."
        )


def map_picture(view: data.View, drawn: dict, fmt: str) -> bytes:
    """The map of this view as a captioned ``png`` or ``svg``: the filtered region if one
    is chosen, else the border area (the page cannot know where the user panned)."""
    layers = data.display_layers(view.border)
    caption = pictures.describe_filter(
        view.filt,
        data.region_names(view.border),
        view.count,
        query.date_range(view.table, view.visible),
    )
    svg = pictures.map_svg(
        {**drawn, "neighbours": layers["neighbours"], "labels": layers["labels"]},
        drawn["fit"] or layers["bounds"],
        caption,
    )
    return svg.encode("utf-8") if fmt == "svg" else pictures.svg_to_png(svg)


def render() -> None:
    panels.render_beside_sources(render_map, MAP_SHARE)


if __name__ == "__main__":  # Streamlit runs each page file as a script
    render()
