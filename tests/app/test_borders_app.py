"""Several borders in one dashboard, run headless with AppTest: the picker, ``border=``.

One store holds the fixture's Armenia–Azerbaijan incidents and one Kyrgyz–Tajik
incident added here; each border shows its own layers, names and incidents.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from fixture_store import seed_fixture_url
from streamlit.testing.v1 import AppTest

from dashboard.app import filters
from dashboard.models import (
    SYNTHETIC_PUBLISHER,
    Citation,
    DatePrecision,
    EventType,
    Excerpt,
    Incident,
    LocationPrecision,
    ProvinceRef,
    SegmentRef,
    Source,
    content_hash,
)
from dashboard.store import open_store

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app" / "main.py")
KG_TJ_ID = "fx-kgtj-2022-09-16"


@pytest.fixture
def two_border_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The fixture store (7 am-az incidents) plus one synthetic Batken–Isfara clash."""
    url = f"sqlite:///{tmp_path / 'two.sqlite'}"
    seed_fixture_url(url)
    text = "SYNTHETIC: border guards exchanged fire between Batken and Isfara on 16 September."
    source = Source(
        id="src-kgtj",
        title="Clash at Batken",
        content_hash=content_hash("src-kgtj", text),
        url="https://example.org/synthetic/kgtj",
        publisher=SYNTHETIC_PUBLISHER,
        published=date(2022, 9, 16),
        text=text,
    )
    incident = Incident(
        id=KG_TJ_ID,
        date_start=date(2022, 9, 16),
        date_end=date(2022, 9, 16),
        date_precision=DatePrecision.DAY,
        event_type=EventType.BATTLES,
        location_precision=LocationPrecision.BORDER_SEGMENT,
        fatalities=1,
        provinces=(ProvinceRef("KG-B", "Batken", "KG"), ProvinceRef("TJ-SU", "Sughd", "TJ")),
        segments=(SegmentRef("KG-B.BATKEN_TJ-SU.ISFARA", "Batken – Isfara"),),
        citations=(Citation(source.id, excerpts=(Excerpt(0, len(text), text),)),),
    )
    with open_store(url) as opened:
        opened.save_document(source, [incident])
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", url)
    return url


def _app(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = value
    return at.run()


def _map_layers(at: AppTest) -> str:
    (component,) = [
        c for c in at.get("component_instance") if "st_folium" in c.proto.component_name
    ]
    args = json.loads(component.proto.json_args)
    return args["script"] + args["feature_group"]


def _incidents(at: AppTest) -> str:
    return {m.label: m.value for m in at.metric}["Incidents"]


def test_the_picker_switches_layers_names_incidents_and_the_link(two_border_url):
    at = _app(synthetic="1")
    assert not at.exception
    assert at.selectbox(key=filters.BORDER).value == "am-az"
    assert at.multiselect(key=filters.COUNTRIES).options == ["Armenia", "Azerbaijan"]
    layers = _map_layers(at)
    assert "Gegharkunik" in layers and "Batken" not in layers
    assert _incidents(at) == "7"  # the Kyrgyz–Tajik clash is not on this border
    assert "border" not in at.query_params  # the default border is not written

    at.selectbox(key=filters.BORDER).select("kg-tj").run()
    assert not at.exception
    assert at.multiselect(key=filters.COUNTRIES).options == ["Kyrgyzstan", "Tajikistan"]
    layers = _map_layers(at)
    assert "Batken" in layers and "Gegharkunik" not in layers
    assert "Kyrgyzstan" in layers and "Armenia" not in layers  # the country labels
    assert _incidents(at) == "1"
    assert at.query_params["border"] == "kg-tj"


def test_switching_border_drops_the_old_borders_region_filters(two_border_url):
    at = _app(synthetic="1", province="AM-GR")
    assert at.multiselect(key=filters.PROVINCES).value == ["AM-GR"]
    at.selectbox(key=filters.BORDER).select("kg-tj").run()
    assert at.multiselect(key=filters.PROVINCES).value == []
    assert "province" not in at.query_params
    assert _incidents(at) == "1"


def test_a_link_with_border_opens_that_border(two_border_url):
    at = _app(synthetic="1", border="kg-tj", province="KG-B")
    assert not at.exception
    assert at.selectbox(key=filters.BORDER).value == "kg-tj"
    assert at.multiselect(key=filters.COUNTRIES).options == ["Kyrgyzstan", "Tajikistan"]
    assert at.multiselect(key=filters.PROVINCES).value == ["KG-B"]  # a kg-tj code is known
    assert _incidents(at) == "1"
    assert "bw-url-notice" not in "".join(h.proto.body for h in at.get("html"))


def test_an_unknown_border_in_a_link_is_named_and_dropped(two_border_url):
    at = _app(synthetic="1", border="xx-yy")
    assert not at.exception
    notice = "".join(h.proto.body for h in at.get("html"))
    assert "border=xx-yy" in notice and "names no border" in notice
    assert at.selectbox(key=filters.BORDER).value == "am-az"
    assert "border" not in at.query_params
    assert _incidents(at) == "7"


def test_a_border_with_no_incidents_says_the_others_hold_them(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'am-az-only.sqlite'}"
    seed_fixture_url(url)  # Armenia–Azerbaijan incidents only
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", url)
    at = _app(synthetic="1", border="kg-tj")
    assert not at.exception
    info = " ".join(i.value for i in at.info)
    assert "No incident on the Kyrgyzstan–Tajikistan border yet" in info
    assert "borderwatch ingest --border kg-tj" in info
    assert "holds no incidents yet" not in info


def test_border_from_params_defaults_and_names_what_it_drops():
    known = ["am-az", "kg-tj"]
    assert filters.border_from_params([], known, "am-az") == ("am-az", None)
    assert filters.border_from_params(["kg-tj"], known, "am-az") == ("kg-tj", None)
    border, notice = filters.border_from_params(["<b>x</b>"], known, "kg-tj")
    assert border == "kg-tj" and notice is not None and "border=<b>x</b>" in notice
