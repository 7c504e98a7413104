"""The source panel's "who said what" for a record fused with reports (dashboard.app.fused)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
import streamlit as st
from store_builders import dataset_source, report, sotk_incident
from streamlit.testing.v1 import AppTest

from dashboard.app import fused
from dashboard.models import CasualtyCount, CasualtyKind, Citation, Source, content_hash
from dashboard.store import ImportedPlace, open_store
from dashboard.store.fusion import FusedReport

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app" / "main.py")

RECORD_SOURCE = dataset_source("Example Agency (invented)", publisher="Example Agency")
DAY = date(2019, 1, 3)  # no other fixture incident that day


def _report_source(title: str = "Report src-f") -> Source:
    return Source(id="src-f", title=title, content_hash=content_hash(title), text="Text.")


def _record():
    return dataclasses.replace(
        sotk_incident(), id="acled:ARM1234", fatalities=3, casualties=(),
        citations=(Citation(RECORD_SOURCE.id), Citation("src-f")), date_start=DAY, date_end=DAY,
    )  # fmt: skip


def _fused_report() -> FusedReport:
    killed = (CasualtyCount(CasualtyKind.KILLED, "AM", 2),)
    return FusedReport("inc-f", ("src-f",), 2, killed, "3 Jan 2019", "Sotk")


def test_the_label_counts_reports_and_names_the_record() -> None:
    sources = {RECORD_SOURCE.id: RECORD_SOURCE, "src-f": _report_source()}
    assert fused.sources_label(_record(), "acled", sources) == "1 report + ACLED ARM1234"
    assert fused.record_label("ucdp:930001", "ucdp") == "UCDP GED 930001"


def test_each_sources_figures_stand_apart_and_are_escaped() -> None:
    sources = {RECORD_SOURCE.id: RECORD_SOURCE, "src-f": _report_source("<b>MoD</b>")}
    html = str(
        fused.fused_figures_html(
            _record(), "acled", [_fused_report()], sources, lambda c: f"Armenia {c[0].count}"
        )
    )
    assert "<dt>ACLED ARM1234</dt><dd>3 killed</dd>" in html
    assert "<dt>&lt;b&gt;MoD&lt;/b&gt;</dt><dd>2 killed — Armenia 2 — 3 Jan 2019, Sotk</dd>" in html
    assert "5 killed" not in html  # never summed


def test_the_panel_shows_who_said_what(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'fused.sqlite'}"
    with open_store(url, upgrade=True) as store:
        text_incident = dataclasses.replace(
            sotk_incident("src-f", incident_id="inc-f"), date_start=DAY, date_end=DAY
        )
        store.save_document(report("src-f"), [text_incident])
        row = dataclasses.replace(_record(), citations=(Citation(RECORD_SOURCE.id),))
        places = {row.id: ImportedPlace("acled", record_hash="acled:x")}
        store.save_incidents_bulk([RECORD_SOURCE], [row], places, store.report_index())
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", url)
    monkeypatch.setenv("BORDERWATCH_CACHE_DIR", str(tmp_path / "cache"))
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["incident"] = "acled:ARM1234"
    at.run()
    st.cache_data.clear()
    st.cache_resource.clear()
    assert not at.exception
    page = "\n".join(h.proto.body for h in at.get("html"))
    assert "1 report + ACLED ARM1234" in page
    assert "<dt>ACLED ARM1234</dt><dd>3 killed</dd>" in page
    assert "<dt>Report src-f</dt><dd>2 killed" in page
