"""The border page: its named segments, and where a coordinate falls."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.app import data


def render_segments() -> None:
    layers = data.border_layers()
    st.subheader(f"{layers.name} border: {len(layers.segments)} named segments")
    table = pd.DataFrame(
        {
            "segment": layers.segments["name"],
            "id": layers.segments["id"],
            "length (km)": layers.segments["length_km"].round(1),
        }
    )
    st.dataframe(table, hide_index=True, key="segments_table")
    total = layers.manifest["line_length_km"]
    st.caption(
        f"Border line {total} km (commonly cited: {layers.manifest['cited_length_km']} km). "
        "Boundaries: geoBoundaries (OpenStreetMap contributors, HDX / Government of Armenia, "
        "Wikipedia); see geodata/SOURCES.md."
    )


def render_lookup() -> None:
    st.subheader("Where is a point?")
    with st.form("lookup"):
        lat = st.number_input("Latitude", -90.0, 90.0, 39.55, format="%.5f", key="lookup_lat")
        lon = st.number_input("Longitude", -180.0, 180.0, 45.97, format="%.5f", key="lookup_lon")
        submitted = st.form_submit_button("Look up")
    if submitted:
        answer = data.geocoder().geocode_point(lat, lon)
        place = (
            f"{answer['province_name']} ({answer['province_code']}), {answer['country']}"
            if answer["country"]
            else "outside both countries"
        )
        st.write(
            f"**{place}** — {answer['distance_km']:.2f} km from the border; nearest segment "
            f"**{answer['segment_name']}**"
        )


def render() -> None:
    render_segments()
    render_lookup()


if __name__ == "__main__":  # Streamlit runs each page file as a script
    render()
