"""The dashboard run headless with AppTest: states, filters, KPIs, URL, panel, table, map args.

The map is an opaque component here; its arguments (scripts, layers, payload
size, returned objects) are inspected instead. Clicking it is covered by the
unit test of :func:`filters.apply_map_click` and by the browser tests.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st
from fixture_store import SOTK_ID, XSS_ID
from streamlit.testing.v1 import AppTest

from dashboard import export, query
from dashboard.app import data, filters, panels
from dashboard.models import (
    SYNTHETIC_PUBLISHER,
    CasualtyCount,
    CasualtyKind,
    Citation,
    DatePrecision,
    EventType,
    Excerpt,
    Incident,
    LocationPrecision,
    ReviewStatus,
    Source,
    content_hash,
)
from dashboard.query import IncidentFilter
from dashboard.store import Correction, open_store, upgrade_database

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app" / "main.py")
LAST_DAY = date(2023, 6, 1)


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _map_args(at: AppTest) -> dict:
    (component,) = [
        c for c in at.get("component_instance") if "st_folium" in c.proto.component_name
    ]
    return json.loads(component.proto.json_args)


def _html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


# ------------------------------------------------------------------- states


def test_first_run_creates_the_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    url = f"sqlite:///{tmp_path / 'new' / 'store.sqlite'}"
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", url)
    at = _app()
    assert not at.exception
    with open_store(url) as opened:
        loaded = opened.count_sources()
    assert loaded >= 1  # the bundled sample report


def test_the_first_run_notice_shows_once_per_session(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'new' / 'store.sqlite'}"
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", url)
    at = _app()
    assert [t.value for t in at.toast] == [
        "First run: the store was created from the bundled sample report."
    ]
    at.run()  # a rerun of the same session: the store still says "loaded", the page does not
    assert not at.toast
    at.switch_page("timeline_page.py").run()
    assert not at.toast
    # another session of the same process is told once too
    assert len(_app().toast) == 1


def test_first_time_is_true_once_per_key():
    state: dict = {}
    assert panels.first_time(state, "a")
    assert not panels.first_time(state, "a")
    assert panels.first_time(state, "b")


def test_a_broken_store_is_a_message_not_a_traceback(tmp_path, monkeypatch):
    broken = tmp_path / "broken.sqlite"
    broken.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", f"sqlite:///{broken}")
    at = _app()
    assert not at.exception
    assert "cannot be read" in at.error[0].value
    assert "not an SQLite database" in at.error[0].value


def test_synthetic_data_is_hidden_until_asked_for(fixture_url):
    at = _app()
    assert not at.exception
    assert "7 synthetic (test) incidents and no real ones" in at.info[0].value
    at.toggle(key=filters.SYNTHETIC).set_value(True).run()
    assert _metrics(at)["Incidents"] == "7"
    assert at.query_params["synthetic"] == "1"


# ---------------------------------------------------------- KPIs and filters


def test_kpis_count_incidents_fatalities_regions_and_reports(fixture_url):
    at = _app(synthetic="1")
    assert _metrics(at) == {
        "Incidents": "7",
        "Fatalities": "7",
        # Sotk and Aygepar by their places, the May incursion and Yeraskh by a named stretch
        "On a segment": "4",
        # the Syunik drone strike: linked to Syunik's seven segments, on none of them
        "Somewhere in the province": "1",
        "Provinces affected": "7",
        "Segments affected": "3",
        "Reports": "8",
    }


@pytest.mark.parametrize(
    ("params", "incidents"),
    [
        ({"province": "AM-GR"}, "3"),
        ({"province": "AZ-KAL"}, "1"),  # the other side of the border
        ({"segment": "AM-GR_AZ-KAL"}, "2"),
        # a province-level incident in Syunik is not on Syunik's segments
        ({"segment": "AM-SU_AZ-LAC"}, "0"),
        ({"province": "AM-SU"}, "1"),
        ({"country": "AZ"}, "3"),
        ({"type": "Battles"}, "4"),
        ({"minfat": "2"}, "2"),
        ({"q": "drones"}, "1"),
        ({"from": "2022-01-01", "to": "2022-12-31"}, "1"),
        ({"from": "2021-05-20", "to": "2021-06-10"}, "1"),  # a month-window incident overlaps
    ],
)
def test_a_link_reproduces_the_filters(fixture_url, params, incidents):
    at = _app(synthetic="1", **params)
    assert not at.exception
    assert _metrics(at)["Incidents"] == incidents
    for name, value in params.items():
        assert at.query_params[name] == value


def test_bad_url_values_are_ignored_and_named(fixture_url):
    at = _app(
        synthetic="1",
        province="XX-NOPE",
        minfat="lots",
        type="Nonsense",
        to="not-a-date",
        country="<b>GE</b>",
    )
    assert not at.exception
    assert _metrics(at)["Incidents"] == "7"
    notice = _html(at)
    for named in ("province=XX-NOPE", "minfat=lots", "type=Nonsense", "to=not-a-date"):
        assert named in notice, named
    # a link's values are text: escaped, never markup
    assert "country=&lt;b&gt;GE&lt;/b&gt;" in notice and "<b>GE" not in notice
    at.run()  # the notice stays while the view is the link's
    assert "province=XX-NOPE" in _html(at)


def test_a_clamped_date_and_reset_say_what_they_did(fixture_url):
    """The README's own example link asks for a day before the data: it says where it starts."""
    at = _app(synthetic="1", **{"from": "2019-01-01", "to": "2030-01-01"})
    notice = _html(at)
    assert "“from=2019-01-01” is before the first incident, so the range starts at 2020-07-12" in (
        notice
    )
    assert "“to=2030-01-01” is after the last incident, so the range ends at 2023-06-01" in notice
    assert _map_args(at)["feature_group"].count("new bw.FitBounds(") == 0
    at.button(key="reset").click().run()
    assert "bw-url-notice" not in _html(at)
    assert at.session_state[filters.VIEW_RESETS] == 1
    # the map goes back to its first view, once per press
    assert '"reset-1")' in _map_args(at)["feature_group"]
    at.button(key="reset").click().run()
    assert '"reset-2")' in _map_args(at)["feature_group"]


def test_a_good_link_has_no_notice(fixture_url):
    at = _app(synthetic="1", province="AM-GR", **{"from": "2021-01-01"}, type="Battles")
    assert "bw-url-notice" not in _html(at)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"from": ["2021-02-30"]}, ["“from=2021-02-30” is not a date (YYYY-MM-DD), so it was "
                                    "ignored."]),
        ({"to": ["2019-01-01"]}, ["“to=2019-01-01” is before the first incident, so the range "
                                  "starts at 2020-01-01."]),
        ({"minfat": ["-1"]}, ["“minfat=-1” is not a whole number, so it was ignored."]),
        ({"segment": ["AM-GR_AZ-KAL,NOPE"]}, ["“segment=NOPE” names no border segment, so it "
                                              "was dropped."]),
        ({"country": ["AM"], "province": ["AM-SU"], "type": ["Battles"]}, []),
        ({"from": ["2020-01-01"], "to": ["2020-12-31"]}, []),
    ],
)  # fmt: skip
def test_url_notices_name_each_parameter_not_applied(params, expected):
    known = {
        "country": ["AM", "AZ"],
        "province": ["AM-SU"],
        "segment": ["AM-GR_AZ-KAL"],
        "type": [e.value for e in EventType],
    }
    bounds = (date(2020, 1, 1), date(2020, 12, 31))
    assert filters.url_notices(params, bounds, known) == expected


def test_widgets_write_the_url(fixture_url):
    at = _app(synthetic="1")
    at.multiselect(key=filters.EVENT_TYPES).select("Battles").run()
    at.multiselect(key=filters.PROVINCES).select("AM-GR").run()
    assert _metrics(at)["Incidents"] == "2"
    assert at.query_params["type"] == "Battles"
    assert at.query_params["province"] == "AM-GR"
    at.number_input(key=filters.MIN_FATALITIES).set_value(2).run()
    assert _metrics(at)["Incidents"] == "1"
    assert at.query_params["minfat"] == "2"


def test_date_presets_and_inputs_move_together(fixture_url):
    at = _app(synthetic="1")
    at.button(key="preset_30d").click().run()
    assert at.session_state[filters.DATES] == (LAST_DAY - timedelta(days=29), LAST_DAY)
    assert at.query_params["from"] == "2023-05-03"
    assert "to" not in at.query_params  # the last day is the default
    assert _metrics(at)["Incidents"] == "1"
    at.button(key="preset_1y").click().run()
    assert _metrics(at)["Incidents"] == "4"
    at.date_input(key=filters.DATE_FROM).set_value(date(2021, 1, 1)).run()
    assert at.slider(key=filters.DATES).value == (date(2021, 1, 1), LAST_DAY)
    assert _metrics(at)["Incidents"] == "6"
    assert at.query_params["from"] == "2021-01-01"


def test_slider_sets_the_date_inputs(fixture_url):
    at = _app(synthetic="1")
    at.slider(key=filters.DATES).set_range(date(2022, 1, 1), date(2022, 12, 31)).run()
    assert at.date_input(key=filters.DATE_FROM).value == date(2022, 1, 1)
    assert at.date_input(key=filters.DATE_TO).value == date(2022, 12, 31)
    assert _metrics(at)["Incidents"] == "1"


def test_reset_clears_filters_and_selection(fixture_url):
    at = _app(synthetic="1", province="AM-GR", incident=SOTK_ID, q="shelling")
    at.button(key="reset").click().run()
    assert _metrics(at)["Incidents"] == "7"
    assert dict(at.query_params) == {"synthetic": "1"}


def test_the_map_fits_a_region_else_the_first_view_after_reset():
    from dashboard.app.map_page import map_fit  # noqa: PLC0415 - a page module, imported late

    home = [[38.5, 44.4], [41.5, 47.0]]
    region = [[40.0, 45.0], [40.5, 46.0]]
    assert map_fit(region, home, 3) == (region, "")
    assert map_fit(None, home, None) == (None, "")
    assert map_fit(None, home, 2) == (home, "reset-2")


def test_an_empty_result_says_so_and_offers_reset(fixture_url):
    at = _app(synthetic="1", q="no such words anywhere")
    assert "No incident matches these filters." in at.info[0].value
    at.button(key="reset_empty").click().run()
    assert _metrics(at)["Incidents"] == "7"


# ---------------------------------------------------------------- the map


def test_map_is_offline_small_and_returns_only_clicks(fixture_url):
    at = _app(synthetic="1")
    args = _map_args(at)
    assert args["js_links"] == ["/app/static/vendor/leaflet/leaflet.js"]
    assert args["css_links"] == ["/app/static/vendor/leaflet/leaflet.css"]
    assert args["returned_objects"] == ["last_active_drawing", "last_object_clicked"]
    layers = args["feature_group"]
    for kind in ("provinces", "segments", "incidents"):
        assert f'bw.layer("{kind}"' in layers
    assert len(layers) + len(args["script"]) < 1_500_000
    assert "cdn" not in (args["script"] + layers).lower()


def test_a_region_filter_zooms_and_a_selection_is_drawn(fixture_url):
    at = _app(synthetic="1", province="AM-GR", incident=SOTK_ID)
    layers = _map_args(at)["feature_group"]
    assert "new bw.FitBounds(" in layers
    assert 'bw.layer("selection"' in layers
    assert f'"selected":"{SOTK_ID}"' in layers


def test_the_base_map_does_not_change_with_filters(fixture_url):
    """Same script, same component: the browser keeps its map, pan and zoom."""
    first = _map_args(_app(synthetic="1"))
    second = _map_args(_app(synthetic="1", province="AM-GR", incident=SOTK_ID))
    assert first["script"] == second["script"]
    assert first["key"] == second["key"]
    assert first["feature_group"] != second["feature_group"]


@pytest.mark.parametrize(
    ("props", "expected"),
    [
        ({"k": "i", "id": SOTK_ID}, {filters.SELECTED: SOTK_ID}),
        ({"k": "p", "id": "AM-GR"}, {filters.PROVINCES: ["AM-GR"], filters.SEGMENTS: []}),
        (
            {"k": "s", "id": "AM-GR_AZ-KAL"},
            {filters.SEGMENTS: ["AM-GR_AZ-KAL"], filters.PROVINCES: []},
        ),
        ({"k": "c", "n": 12}, {}),  # a count cell selects nothing
        ({}, {}),
    ],
)
def test_map_clicks(props, expected):
    state: dict = {}
    filters.apply_map_click(state, props)
    assert state == expected


# --------------------------------------------------------- the source panel


def test_source_panel_shows_every_report_with_highlights(fixture_url):
    at = _app(synthetic="1", incident=SOTK_ID)
    page = _html(at)
    assert f'data-incident="{SOTK_ID}"' in page
    assert "2022-09-13 — the exact day" in page
    assert "Sotk; exact point" in page
    assert "<dt>Reports merged</dt><dd>2</dd>" in page
    assert (
        '<mark class="bw-place" title="place: matched alias “Sotk” → AM-GR:sotk">Sotk</mark>'
        in page
    )
    assert "Placed by: “Sotk” → AM-GR:sotk" in page
    # the two reports disagree: both claims, side by side
    assert "The sources differ" in at.markdown[0].value or any(
        "The sources differ" in m.value for m in at.markdown
    )
    assert "Azerbaijani forces fired first; 2 killed." in page
    assert "Armenian units provoked the exchange" in page
    assert 'href="https://example.org/synthetic/fx-src-sotk-am"' in page
    assert len(at.expander) == 2  # "show full text", once per report


def test_source_panel_says_when_the_date_and_place_are_vague(fixture_url):
    page = _html(_app(synthetic="1", incident="fx-segment-2021-05"))
    assert "May 2021 — within a month" in page
    assert "somewhere on a border segment" in page
    assert "<dt>Border segment</dt><dd>Gegharkunik – Kalbajar</dd>" in page
    # known only to Syunik: its segments are the province's, not where it happened
    page = _html(_app(synthetic="1", incident="fx-syunik-week-2021-07"))
    assert "somewhere in a province" in page
    assert "<dt>Segments of its provinces</dt>" in page
    assert "<dt>Border segment</dt>" not in page


def test_source_panel_escapes_everything_from_sources(fixture_url):
    page = _html(_app(synthetic="1", incident=XSS_ID))
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;window.__bw_xss" in page
    assert 'href="javascript:' not in page
    assert "onerror=&quot;window.__bw_xss=1&quot;" in page


def test_source_panel_shows_casualties_by_kind_and_side(fixture_url):
    source, (incident,) = _one_synthetic_document("casualties text")
    killed, wounded = CasualtyKind.KILLED, CasualtyKind.WOUNDED
    counts = (
        CasualtyCount(killed, "AM", 4),
        CasualtyCount(killed, "AZ", 3),
        CasualtyCount(wounded, None, 1),
    )
    incident = dataclasses.replace(incident, fatalities=7, casualties=counts)
    with open_store(fixture_url) as opened:
        opened.save_document(source, [incident])
    page = _html(_app(synthetic="1", incident=incident.id))
    assert (
        "<dt>Casualties</dt><dd>Killed: Armenia 4, Azerbaijan 3 · Wounded: 1 (side not stated)</dd>"
        in page
    )


def test_casualty_words_name_an_overall_figure_and_escape_sides():
    killed, missing = CasualtyKind.KILLED, CasualtyKind.MISSING
    counts = (
        CasualtyCount(killed, "AM", 2),
        CasualtyCount(killed, None, 5),
        CasualtyCount(missing, "KG", 1),
    )
    names = {"AM": "Armenia", "AZ": "Azerbaijan"}  # as data.region_names("am-az") gives
    assert panels.casualty_words(counts, names) == "Killed: Armenia 2, 5 in all · Missing: KG 1"
    assert panels.casualty_words((), names) == ""
    hostile = '<img src=x onerror="window.__bw=1">'
    incident = Incident(
        id="inc-h", date_start=LAST_DAY, date_end=LAST_DAY, date_precision=DatePrecision.DAY,
        event_type=EventType.BATTLES, location_precision=LocationPrecision.COUNTRY,
        casualties=(CasualtyCount(killed, hostile, 1),),
    )  # fmt: skip
    html_out = panels._incident_html(incident, "")
    assert "<img" not in html_out
    assert "Killed: &lt;img src=x onerror=&quot;window.__bw=1&quot;&gt; 1" in html_out
    # No breakdown, no row: unknown is not shown as zero.
    assert "Casualties" not in panels._incident_html(
        dataclasses.replace(incident, casualties=()), ""
    )


def test_the_source_panel_links_to_the_feature_when_the_api_is_known(monkeypatch):
    incident = Incident(
        id="inc 1/2", date_start=LAST_DAY, date_end=LAST_DAY, date_precision=DatePrecision.DAY,
        event_type=EventType.BATTLES, location_precision=LocationPrecision.COUNTRY,
    )  # fmt: skip
    monkeypatch.delenv(panels.API_URL_ENV, raising=False)
    assert "In the API" not in panels._incident_html(incident, "")
    monkeypatch.setenv(panels.API_URL_ENV, "https://api.example/")
    html_out = panels._incident_html(incident, "")
    assert 'href="https://api.example/collections/incidents/items/inc%201%2F2?f=json"' in html_out


def test_an_unknown_incident_in_the_link_is_named_safely(fixture_url):
    page = _html(_app(synthetic="1", incident="<b>nope</b>"))
    assert "No incident <code>&lt;b&gt;nope&lt;/b&gt;</code> in this store" in page


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Values only: Parquet gives strings back as Arrow strings with NaN for None."""
    return frame.astype(object).where(frame.notna(), None)


def test_the_table_cached_on_disk_is_the_table_in_the_store(fixture_url, tmp_path):
    version = data.store_version(fixture_url)
    loaded = data.incident_table(fixture_url, version)
    st.cache_resource.clear()  # as a restart: the table comes back from disk
    assert len(list((tmp_path / "cache").glob("incidents-*"))) == 1
    cached = data.incident_table(fixture_url, version)
    assert cached is not loaded
    for name in ("incidents", "provinces", "segments", "countries"):
        pd.testing.assert_frame_equal(
            _plain(getattr(cached, name)), _plain(getattr(loaded, name)), check_dtype=False
        )
    assert cached.reports.tolist() == loaded.reports.tolist()
    assert cached.version == loaded.version


def test_an_edit_refreshes_the_table_by_its_rows_and_after_a_restart(fixture_url, tmp_path):
    loaded = data.incident_table(fixture_url, data.store_version(fixture_url))
    (folder,) = (tmp_path / "cache").glob("incidents-*")
    on_disk = (folder / "version.json").read_text()
    with open_store(fixture_url) as opened:
        opened.review_incident(
            SOTK_ID,
            Correction(status=ReviewStatus.CONFIRMED),
            by="ana",
            reason="checked",
            expected_version=opened.review_state(SOTK_ID).version,
        )
        newer = opened.fingerprint()
    edited = data.incident_table(fixture_url, newer)
    assert edited.version.seq == loaded.version.seq + 1
    status = dict(zip(edited.incidents["id"], edited.incidents["review_status"], strict=True))
    assert status[SOTK_ID] == "confirmed"
    assert (folder / "version.json").read_text() == on_disk  # refreshed, not rewritten
    st.cache_resource.clear()
    restarted = data.incident_table(fixture_url, newer)  # the disk copy, then the change
    assert restarted.version == edited.version
    assert _plain(restarted.incidents).equals(_plain(edited.incidents))


# ---------------------------------------------------------- other pages


def test_incidents_table_is_newest_first_and_selects_on_click(fixture_url):
    at = _app(synthetic="1")
    at.switch_page("incidents_page.py").run()
    assert not at.exception
    table = at.dataframe(key="incident_table")
    assert table.value["id"].tolist()[0] == XSS_ID
    assert table.value["date"].tolist()[-1] == "2020-07-12"
    by_id = table.value.set_index("id")
    assert by_id.loc["fx-yeraskh-2023-03-01", "fatalities"] == "not reported"  # never "None"
    assert by_id.loc[SOTK_ID, "fatalities"] == "2"
    assert by_id.loc["fx-segment-2021-05", "fatalities"] == "0"  # said so: zero is a number
    index = table.value["id"].tolist().index(SOTK_ID)
    at.session_state["incident_table"] = {"selection": {"rows": [index], "columns": []}}
    at.run()
    assert at.query_params["incident"] == SOTK_ID
    assert f'data-incident="{SOTK_ID}"' in _html(at)


def test_downloads_are_what_borderwatch_export_writes(fixture_url):
    at = _app(synthetic="1", province="AM-GR")
    at.switch_page("incidents_page.py").run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["CSV", "GeoJSON", "GeoPackage", "Brief"]
    view = data.build_view(
        fixture_url,
        filters.filter_from_state({filters.PROVINCES: ["AM-GR"], filters.SYNTHETIC: True}, None),
    )
    with open_store(fixture_url) as opened:
        table, mask = export.select_incidents(
            opened, IncidentFilter(provinces=("AM-GR",), include_synthetic=True)
        )
        details = export.load_details(opened, table, mask)
        expected_csv = export.incidents_to_csv(table, mask, details)
    assert panels.download_bytes(view, "csv") == expected_csv
    collection = json.loads(panels.download_bytes(view, "geojson"))
    assert sorted(f["properties"]["id"] for f in collection["features"]) == sorted(
        [SOTK_ID, XSS_ID, "fx-segment-2021-05"]
    )
    assert panels.download_bytes(view, "gpkg").startswith(b"SQLite format 3")
    # The brief of a view without dates spans its incidents' first to last day.
    period = panels.brief_period(view)
    assert (period.date_from, period.date_to) == query.date_range(view.table, view.mask)
    assert panels.brief_pdf(view).startswith(b"%PDF")


def test_timeline_draws_spans_and_a_brush_sets_the_dates(fixture_url):
    at = _app(synthetic="1")
    at.switch_page("timeline_page.py").run()
    assert not at.exception
    bars, spans = (json.dumps(json.loads(c.proto.spec)) for c in at.get("vega_lite_chart"))
    assert '"brush"' in bars
    assert '"known to a"' in spans and '"month"' in spans and '"week"' in spans
    start = 1_640_995_200_000  # 2022-01-01
    end = 1_672_444_800_000  # 2022-12-31
    at.session_state["timeline_chart"] = {"selection": {"brush": {"period": [start, end]}}}
    at.run()
    assert at.session_state[filters.DATE_FROM] == date(2022, 1, 1)
    assert _metrics(at)["Incidents"] == "1"


def test_timeline_says_so_when_no_incident_is_dated_to_the_day(fixture_url):
    at = _app(synthetic="1", type="Strategic developments")  # the May 2021 incursion only
    at.switch_page("timeline_page.py").run()
    assert not at.exception
    assert "No incident here is dated to the day" in at.info[0].value
    (spans,) = at.get("vega_lite_chart")  # no empty bar chart with a lone 0, only the span
    assert '"known to a"' in spans.proto.spec


def test_timeline_axis_is_formatted_for_the_period(fixture_url):
    at = _app(synthetic="1")
    at.switch_page("timeline_page.py").run()
    bars = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert '"%b %Y"' in json.dumps(bars)
    at.segmented_control(key="timeline_period").set_value("day").run()
    bars = json.dumps(json.loads(at.get("vega_lite_chart")[0].proto.spec))
    assert '"%-d %b %Y"' in bars and '"interval": "day"' in bars


def test_play_steps_the_date_window_through_time():
    state: dict = {}
    bounds = (date(2021, 1, 31), date(2021, 4, 15))
    assert filters.step_date_window(state, bounds, "month")
    assert (state[filters.DATE_FROM], state[filters.DATE_TO]) == (
        date(2021, 1, 31),
        date(2021, 2, 27),
    )
    assert filters.step_date_window(state, bounds, "month")
    assert state[filters.DATE_FROM] == date(2021, 2, 28)
    while filters.step_date_window(state, bounds, "month"):
        pass
    assert state[filters.DATE_TO] == bounds[1]


def test_border_page_lists_segments_and_looks_up_a_point(fixture_url):
    at = _app()
    at.switch_page("border_page.py").run()
    assert any("22 named segments" in h.value for h in at.subheader)
    at.number_input(key="lookup_lat_am-az").set_value(39.3529)
    at.number_input(key="lookup_lon_am-az").set_value(46.1504)
    at.button[0].click().run()
    assert any("Syunik (AM-SU), AM" in md.value for md in at.markdown)


def test_border_heat_table_counts_by_stretch_and_a_cell_filters_to_it(fixture_url):
    at = _app(synthetic="1")
    at.switch_page("border_page.py").run()
    assert not at.exception
    (chart,) = at.get("vega_lite_chart")
    assert '"name": "cell"' in json.dumps(json.loads(chart.proto.spec))  # cells are clickable
    may_2021 = int(pd.Timestamp("2021-05-01").timestamp() * 1000)
    at.session_state["heat_table"] = {
        "selection": {"cell": [{"key": "AM-GR_AZ-KAL", "period": may_2021}]}
    }
    at.run()
    assert at.session_state[filters.SEGMENTS] == ["AM-GR_AZ-KAL"]
    assert (at.session_state[filters.DATE_FROM], at.session_state[filters.DATE_TO]) == (
        date(2021, 5, 1),
        date(2021, 5, 31),
    )
    at.switch_page("map_page.py").run()
    assert _metrics(at)["Incidents"] == "1"  # the May 2021 incursion
    # by province, both sides: the drone strike counts in Syunik
    at.switch_page("border_page.py").run()
    at.segmented_control(key="heat_level").set_value("province").run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1


def test_heat_frame_names_rows_and_writes_counts_and_deaths(fixture_url):
    from dashboard.app.border_page import heat_frame  # noqa: PLC0415 - a page module

    view_table = data.incident_table(fixture_url, data.store_version(fixture_url))
    mask = np.ones(len(view_table), dtype=bool)
    names = {"AM-GR_AZ-KAL": "Gegharkunik – Kalbajar", "AM-TV_AZ-QAZ": "Tavush – Gazakh"}
    frame = heat_frame(query.heat_counts(view_table, mask, "segment", "M"), names, "month")
    cells = {(r.name, r.label): r.text for r in frame.itertuples()}
    assert cells[("Tavush – Gazakh", "Jul 2020")] == "1 · 4†"  # Aygepar: 4 killed
    assert cells[("Gegharkunik – Kalbajar", "May 2021")] == "1"  # no deaths: no †
    assert not frame["key"].str.startswith("AM-SU").any()  # the drone strike is on no segment
    assert (frame["end"] > frame["period"]).all()


@pytest.mark.parametrize(
    ("page", "key"),
    [
        ("map_page.py", "map_picture"),
        ("timeline_page.py", "timeline_picture"),
        ("border_page.py", "heat_picture"),
    ],
)
def test_each_view_offers_a_png_and_an_svg(fixture_url, page, key):
    at = _app(synthetic="1")
    at.switch_page(page).run()
    assert not at.exception
    buttons = {b.proto.id.rsplit("-", 1)[-1]: b.proto.label for b in at.get("download_button")}
    labels = [b.proto.label for b in at.get("download_button")]
    assert "PNG" in labels and "SVG" in labels, buttons


def test_the_map_picture_is_the_filtered_view(fixture_url):
    from dashboard.app import map_page  # noqa: PLC0415 - a page module

    url = fixture_url
    version = data.store_version(url)
    filt = IncidentFilter(provinces=("AM-GR",), include_synthetic=True)
    view = data.build_view(url, filt)
    drawn = data.map_layers(url, version, filt, None, "am-az")
    svg = map_page.map_picture(view, drawn, "svg").decode()
    assert "3 incidents · 2020-07-12 – 2023-06-01 · Province: Gegharkunik" in svg
    assert map_page.map_picture(view, drawn, "png").startswith(b"\x89PNG")


def test_store_version_changes_when_a_store_is_replaced_by_one_of_the_same_size(tmp_path):
    """Write numbers alone would serve a stale cached table for a re-created store:
    the version names the store too."""
    url = f"sqlite:///{tmp_path / 'replaced.sqlite'}"
    upgrade_database(url)
    with open_store(url) as opened:
        opened.save_document(*_one_synthetic_document("first text"))
    before = data.store_version.__wrapped__(url)
    data.open_app_store.clear()
    (tmp_path / "replaced.sqlite").unlink()
    upgrade_database(url)
    with open_store(url) as opened:
        opened.save_document(*_one_synthetic_document("second text"))
    after = data.store_version.__wrapped__(url)
    assert before[1:] == after[1:] == ("1",)  # one write each
    assert before[0] != after[0]


def _one_synthetic_document(text: str):
    source = Source(
        id=f"src-{content_hash(text)[:8]}", title="Synthetic", content_hash=content_hash(text),
        publisher=SYNTHETIC_PUBLISHER, text=text,
    )  # fmt: skip
    incident = Incident(
        id=f"inc-{content_hash(text)[:8]}",
        date_start=date(2022, 9, 13), date_end=date(2022, 9, 13),
        date_precision=DatePrecision.DAY, event_type=EventType.BATTLES,
        location_precision=LocationPrecision.COUNTRY,
        citations=(Citation(source.id, excerpts=(Excerpt(0, 5, text[:5]),)),),
    )  # fmt: skip
    return source, [incident]


def test_hostile_publisher_and_title_are_escaped_in_the_source_panel():
    hostile = '<img src=x onerror="window.__bw=1">'
    source = Source(
        id="src-h", title=hostile, content_hash=content_hash(hostile), publisher=hostile,
        text="Synthetic text.",
    )  # fmt: skip
    html_out = panels._citation_html(Citation("src-h", claim=hostile), source)
    assert "<img" not in html_out
    assert "&lt;img src=x onerror=&quot;window.__bw=1&quot;&gt;" in html_out


def test_source_panel_lists_an_imported_records_dataset_fields(fixture_url, tmp_path):
    from dashboard.importers import import_file  # noqa: PLC0415

    fixtures = Path(__file__).resolve().parents[1] / "fixtures" / "imports"
    path = Path(shutil.copy(fixtures / "acled_sample.csv", tmp_path / "acled_sample.csv"))
    with open_store(fixture_url) as opened:
        import_file(path, "acled", opened)
    at = _app(synthetic="1", incident="acled:TST1")
    assert not at.exception
    page = _html(at)
    assert '<dl class="bw-panel bw-facts" data-testid="bw-dataset-fields">' in page
    assert "<dt>sub_event_type</dt><dd>Armed clash</dd>" in page
    assert "<dt>assoc_actor_2</dt><dd>Test Militia C; Test Unit D</dd>" in page
    assert any(e.label.startswith("Dataset fields (") for e in at.expander)
    # an incident from reports has none: no list
    assert "bw-dataset-fields" not in _html(_app(synthetic="1", incident=SOTK_ID))


def test_dataset_fields_are_escaped():
    html = str(panels.dataset_fields_html({"notes<b>": "<script>x</script>"}))
    assert "<script>" not in html and "<b>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
