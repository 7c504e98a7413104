"""The baseline the dashboard is measured against: one ``folium.Marker`` per incident.

A Streamlit page (run by ``bench/app_bench.py``, never by users) that reads
the same incident table and the same ``province`` filter as the dashboard,
then builds the map the obvious way: folium's defaults (CDN scripts, default
marker icons, a tile layer) and ``st_folium`` with its default return values.
"""

from __future__ import annotations

import folium
import numpy as np
import streamlit as st
from streamlit_folium import st_folium

from dashboard import query, store


@st.cache_resource
def _table(url: str) -> query.IncidentTable:
    return query.load_incident_table(store.open_store(url))


table = _table(store.default_database_url())
provinces = tuple(st.query_params.get_all("province"))
mask = query.filter_mask(table, query.IncidentFilter(provinces=provinces, include_synthetic=True))
frame = table.incidents.loc[mask & ~np.isnan(table.incidents["lat"].to_numpy())]
if st.query_params.get("limit"):
    frame = frame.head(int(st.query_params["limit"]))
m = folium.Map(location=[40.0, 45.5], zoom_start=7)
for row in frame.itertuples():
    folium.Marker(
        [row.lat, row.lon], popup=f"{row.event_type} {row.date_start:%Y-%m-%d}", tooltip=row.id
    ).add_to(m)
st.metric("Incidents", len(frame))
st_folium(m, key="naive_map", height=560)
