"""One count everywhere: for the same filters the dashboard's KPIs, the API's numberMatched,
the brief and ``borderwatch export`` give the same numbers."""

from __future__ import annotations

import json
import urllib.request
from datetime import date
from urllib.parse import urlencode

import pytest
from click.testing import CliRunner
from served_api import api_server

from dashboard import briefs, query
from dashboard.app import data, filters
from dashboard.cli import main
from dashboard.geo.layers import load_border

PARAMS = {"from": "2021-01-01", "to": "2023-12-31", "province": "AM-GR,AZ-KAL"}


@pytest.mark.parametrize("text", [None, "shelling"])
def test_dashboard_api_brief_and_export_count_the_same(news_store, tmp_path, text) -> None:
    store, url = news_store
    provinces = PARAMS["province"].split(",")
    state = {
        filters.DATE_FROM: date(2021, 1, 1),
        filters.DATE_TO: date(2023, 12, 31),
        filters.PROVINCES: provinces,
        filters.TEXT: text or "",
    }
    filt = data.scope_filter(filters.filter_from_state(state, None), "am-az")
    view = data.build_view(url, filt, "am-az")
    kpis = query.summarise(view.table, view.mask)
    assert 0 < kpis.incidents < len(view.table)

    out = tmp_path / "export.geojson"
    options = ["--from", PARAMS["from"], "--to", PARAMS["to"]]
    options += [arg for code in provinces for arg in ("--province", code)]
    options += ["--text", text] if text else []
    result = CliRunner().invoke(main, ["export", "--out", str(out), "--url", url, *options])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text("utf-8"))["features"]

    brief = briefs.build_brief(
        store, load_border("am-az"), filt, dashboard_url="http://x/", with_map=False
    )

    params = {**PARAMS, "datetime": f"{PARAMS['from']}/{PARAMS['to']}", "f": "json"}
    del params["from"], params["to"]
    if text:
        params["q"] = text
    local = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with api_server(url, tmp_path) as base:
        items = f"{base}/collections/incidents/items?{urlencode(params)}"
        with local.open(f"{items}&limit=1000", timeout=60) as answer:
            page = json.load(answer)

    assert page["numberMatched"] == len(exported) == brief.summary.incidents == kpis.incidents
    assert sorted(f["id"] for f in page["features"]) == sorted(
        f["properties"]["id"] for f in exported
    )
    deaths = sum(f["properties"]["fatalities"] or 0 for f in exported)
    assert deaths == kpis.fatalities == brief.summary.fatalities
    reports = {s["id"] for f in exported for s in f["properties"]["sources"]}
    assert len(reports) == kpis.reports == brief.summary.reports
