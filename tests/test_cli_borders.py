"""``--border`` on the commands that read a border's gazetteer or layers: extract, ingest,
reextract and export (import and demo had it already).

The report below is SYNTHETIC, written for these tests (as in
tests/extract/test_kg_tj_reports.py): it names a district on each side of the
Kyrgyz–Tajik border, so on kg-tj it lands on Batken and Sughd, and on the
default am-az border it is outside coverage.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.query import load_incident_table
from dashboard.store import open_store

REPORT = (
    "Fighting broke out on the border between Batken District of Kyrgyzstan and Isfara "
    "District of Tajikistan on 16 September 2022; one Tajik soldier was killed."
)


@pytest.fixture(autouse=True)
def default_border(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default is am-az unless a test says otherwise, whatever the caller's shell has."""
    monkeypatch.delenv("BORDERWATCH_BORDER", raising=False)


@pytest.fixture
def report(tmp_path: Path) -> Path:
    path = tmp_path / "batken.txt"
    path.write_text(REPORT, encoding="utf-8")
    meta = {"title": "Clash at Batken (synthetic)", "published": "2022-09-17", "language": "en"}
    (tmp_path / "batken.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return path


@pytest.fixture
def url(tmp_path: Path) -> str:
    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    open_store(database, upgrade=True).close()
    return database


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def _province_codes(url: str) -> set[str]:
    with open_store(url) as opened:
        return set(load_incident_table(opened).provinces["code"])


def test_extract_places_a_batken_report_on_the_border_asked_for(report: Path):
    meta = str(report.with_suffix(".meta.json"))
    code, out, err = run("extract", str(report), "--meta", meta, "--json", "--border", "kg-tj")
    assert code == 0, err
    (incident,) = json.loads(out)["incidents"]
    assert {p["code"] for p in incident["provinces"]} == {"KG-B", "TJ-SU"}
    code, out, _ = run("extract", str(report), "--meta", meta, "--json")  # the default: am-az
    assert code == 0
    assert json.loads(out)["incidents"] == []


def test_extract_refuses_an_unknown_border(report: Path):
    code, _, err = run("extract", str(report), "--border", "xx-yy")
    assert code == 2
    assert "no built layers for border 'xx-yy'" in err and "kg-tj" in err


def test_ingest_and_reextract_use_the_border_asked_for(report: Path, url: str):
    code, _, err = run("ingest", str(report), "--url", url, "--border", "kg-tj")
    assert code == 0, err
    assert _province_codes(url) == {"KG-B", "TJ-SU"}
    code, _, err = run("reextract", "--url", url, "--border", "kg-tj")
    assert code == 0, err
    assert _province_codes(url) == {"KG-B", "TJ-SU"}  # re-read on kg-tj, still placed there
    run("reextract", "--url", url)  # on the default am-az, the report is outside coverage
    assert not _province_codes(url) & {"KG-B", "TJ-SU"}


def test_ingest_with_an_unknown_border_writes_nothing(report: Path, url: str):
    code, _, err = run("ingest", str(report), "--url", url, "--border", "xx-yy")
    assert code == 2
    assert "no built layers for border 'xx-yy'" in err
    with open_store(url) as opened:
        assert opened.count_sources() == 0


def test_export_keeps_the_incidents_of_its_border(report: Path, url: str, tmp_path: Path):
    assert run("ingest", str(report), "--url", url, "--border", "kg-tj")[0] == 0
    samples = Path(__file__).resolve().parents[1] / "samples" / "reports"
    assert run("ingest", str(samples), "--url", url)[0] == 0  # am-az reports, the default
    for border, wanted in (("kg-tj", {"KG", "TJ"}), ("am-az", {"AM", "AZ"})):
        out = tmp_path / f"{border}.geojson"
        code, _, err = run("export", "--out", str(out), "--url", url, "--border", border)
        assert code == 0, err
        features = json.loads(out.read_text("utf-8"))["features"]
        assert features, border
        countries = {p["country"] for f in features for p in f["properties"]["provinces"]}
        assert countries and countries <= wanted, (border, countries)
