"""The Streamlit dashboard: thin pages over cached loaders; the logic lives in the package.

Owns what a browser sees: the entry script (:mod:`~dashboard.app.main`), one module per
page (``*_page.py``), the sidebar filters and their URL round trip
(:mod:`~dashboard.app.filters`), the cached loaders the pages share
(:mod:`~dashboard.app.data`), the source panel (:mod:`~dashboard.app.panels`, with
who said what for a fused record in :mod:`~dashboard.app.fused`), the
folium map builder (:mod:`~dashboard.app.maps`), what the map draws for a filter
without Streamlit (:mod:`~dashboard.app.drawing`, which briefs reuse), the static
files served with it (:mod:`~dashboard.app.assets`) and the app's own scripts and
stylesheets under ``web/`` (:mod:`~dashboard.app.webfiles`). HTML is built from
source text only through :mod:`dashboard.markup`. It reads through
:mod:`dashboard.query` and :mod:`dashboard.store`, never SQL.

Public names: the script path ``main.py`` (run by ``borderwatch app``).
"""
