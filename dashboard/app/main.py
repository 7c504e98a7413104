"""borderwatch dashboard entry point (``borderwatch app`` runs it with Streamlit).

Sets the page, the shared sidebar filters and the navigation; each page is a
short module that reads the filtered view and renders.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
from PIL import Image, ImageDraw

from dashboard import query
from dashboard.app import auth, data, filters, panels

APP_DIR = Path(__file__).resolve().parent

# File pages (not callables), so AppTest.switch_page can reach them too.
PAGES = [
    st.Page(f"{APP_DIR}/map_page.py", title="Map", url_path="map", default=True),
    st.Page(f"{APP_DIR}/timeline_page.py", title="Timeline", url_path="timeline"),
    st.Page(f"{APP_DIR}/incidents_page.py", title="Incidents", url_path="incidents"),
    st.Page(f"{APP_DIR}/border_page.py", title="Border", url_path="border"),
    st.Page(f"{APP_DIR}/review_page.py", title="Review", url_path="review"),
    st.Page(f"{APP_DIR}/sources_page.py", title="Sources", url_path="sources"),
]


def main() -> None:
    st.set_page_config(page_title="borderwatch", page_icon=favicon(), layout="wide")
    panels.render_css()
    page = st.navigation(PAGES, position="top")
    asset_error = data.static_assets()
    if asset_error:
        st.warning(f"The map cannot load offline: {asset_error}")
    url = data.database_url()
    status = data.store_status(url)
    if status.error:
        panels.render_store_error(status)
        if page.url_path == "border":
            page.run()
        return
    if status.loaded_sample:
        panels.notify_once(
            panels.FIRST_RUN_NOTICE,
            "First run: the store was created from the bundled sample report.",
        )
    borders = data.borders()
    default = data.default_border_id()
    border = filters.init_border(borders, default)
    version = data.store_version(url)
    table = data.incident_table(url, version)
    include_synthetic = bool(st.session_state.get(filters.SYNTHETIC)) or _synthetic_in_url()
    everything = query.IncidentFilter(include_synthetic=include_synthetic)
    bounds = query.date_range(
        table, query.filter_mask(table, data.scope_filter(everything, border))
    )
    layers = data.border_layers(border)
    filt = filters.render_sidebar(
        bounds,
        dict(zip(layers.provinces["code"], layers.provinces["name"], strict=True)),
        dict(zip(layers.segments["id"], layers.segments["name"], strict=True)),
        countries=layers.country_names,
        borders=borders,
        default_border=default,
    )
    auth.render_account()
    st.session_state[data.VIEW_KEY] = data.build_view(url, data.scope_filter(filt, border), border)
    page.run()
    filters.write_url(bounds, default)  # a page may have selected an incident


@st.cache_resource(show_spinner=False)
def favicon() -> Image.Image:
    """A dot on a line, drawn here: a material or emoji icon would be fetched from a CDN."""
    image = Image.new("RGBA", (32, 32), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(2, 24), (12, 18), (20, 22), (30, 10)], fill=(103, 0, 13, 255), width=3)
    draw.ellipse([(10, 6), (22, 18)], fill=(214, 39, 40, 255))
    return image


def _synthetic_in_url() -> bool:
    """Before the sidebar has read the URL, the synthetic toggle may only be there."""
    if filters.SYNTHETIC in st.session_state:
        return False
    return filters.state_from_params({"synthetic": st.query_params.get_all("synthetic")}).get(
        filters.SYNTHETIC, False
    )


main()
