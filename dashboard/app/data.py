"""Cached loaders shared by the pages: one border's layers and geocoder per process."""

from __future__ import annotations

import streamlit as st

from dashboard import store
from dashboard.geocode import Geocoder
from dashboard.geodata import BorderLayers, load_border


@st.cache_resource(show_spinner=False)
def border_layers() -> BorderLayers:
    """Read-only layers, shared by every session (never mutate them)."""
    return load_border()


@st.cache_resource(show_spinner=False)
def geocoder() -> Geocoder:
    return Geocoder(border_layers())


def store_summary() -> dict[str, object]:
    """Where the store is and what it holds, or the reason it cannot be read."""
    url = store.default_database_url()
    try:
        revision = store.current_revision(url)
        if revision != store.head_revision():
            return {
                "url": store.mask_url(url),
                "error": "schema not created or out of date: run `borderwatch db upgrade`",
            }
        with store.open_store(url) as opened:
            return {
                "url": store.mask_url(url),
                "sources": opened.count_sources(include_synthetic=False),
                "incidents": opened.count_incidents(include_synthetic=False),
            }
    except store.StoreError as exc:
        return {"url": store.mask_url(url), "error": str(exc)}
