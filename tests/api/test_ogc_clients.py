"""``borderwatch api`` read by clients no one here wrote: GDAL's OAPIF driver and plain HTTP.

GDAL (the one pyogrio ships) lists the collections and reads the incidents,
with a bbox and with an attribute filter, on SQLite and on PostgreSQL; what
it reads is what ``borderwatch export`` writes for the same filters.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyogrio
import pytest
import shapely
from click.testing import CliRunner
from served_api import api_server

from dashboard.cli import main

# Around Sotk and Vardenis (Gegharkunik): some of the fixture's points, not all.
BBOX = (45.5, 40.0, 46.5, 40.5)


def _exported(url: str, folder: Path, *filters: str) -> dict:
    out = folder / f"export-{len(list(folder.glob('export-*')))}.geojson"
    result = CliRunner().invoke(main, ["export", "--out", str(out), "--url", url, *filters])
    assert result.exit_code == 0, result.output
    return json.loads(out.read_text("utf-8"))


def _ids(features: list[dict]) -> list[str]:
    return sorted(f["properties"]["id"] for f in features)


def test_gdal_reads_what_export_writes(news_store, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # GDAL's curl goes straight to the test server
    _store, url = news_store
    everything = _exported(url, tmp_path)["features"]
    battles = _exported(url, tmp_path, "--event-type", "Battles")["features"]
    assert len(everything) > len(battles) > 0

    with api_server(url, tmp_path) as base:
        source = f"OAPIF:{base}"
        assert sorted(pyogrio.list_layers(source)[:, 0]) == ["incidents", "provinces", "segments"]

        read = pyogrio.read_dataframe(source, layer="incidents")
        assert sorted(read["id"]) == _ids(everything)
        by_id = {f["properties"]["id"]: f for f in everything}
        for row in read.itertuples():
            expected = by_id[row.id]
            assert row.review_status == expected["properties"]["review_status"]
            assert row.event_type == expected["properties"]["event_type"]
            if expected["geometry"] is None:
                assert row.geometry is None
            else:
                assert list(row.geometry.coords[0]) == pytest.approx(
                    expected["geometry"]["coordinates"]
                )

        in_box = pyogrio.read_dataframe(source, layer="incidents", bbox=BBOX)
        box = shapely.box(*BBOX)
        expected_in_box = [
            f
            for f in everything
            if f["geometry"] and box.intersects(shapely.geometry.shape(f["geometry"]))
        ]
        assert 0 < len(in_box) < len(everything)
        assert sorted(in_box["id"]) == _ids(expected_in_box)

        filtered = pyogrio.read_dataframe(source, layer="incidents", where="event_type = 'Battles'")
        assert sorted(filtered["id"]) == _ids(battles)

        segments = pyogrio.read_dataframe(source, layer="segments")
        assert {"am-az", "kg-tj"} <= set(segments["border"])
