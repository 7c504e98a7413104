"""Ingest end to end: read → extract → store, one transaction per document."""

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from dashboard.cli import main
from dashboard.gazetteer import load_gazetteer
from dashboard.pipeline import SAMPLE_DIR, ensure_sample_store, ingest
from dashboard.query import load_incident_table
from dashboard.store import open_store

SAMPLE = SAMPLE_DIR / "csto-border-incident-2021-07-03.txt"

# Short texts written for these tests; marked synthetic in their metadata.
GOOD = "On 13 September 2022 troops opened fire on positions in Tavush."
OTHER = "On 14 September 2022 the Azerbaijani side shelled villages in Syunik."


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer("am-az")


def write_report(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.txt"
    path.write_text(text, encoding="utf-8")
    meta = {"title": f"Synthetic {name}", "published": "2022-09-15", "publisher": "synthetic"}
    (folder / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return path


def test_ingest_is_idempotent(store, gazetteer, tmp_path):
    write_report(tmp_path, "one", GOOD)
    write_report(tmp_path, "two", OTHER)
    first = ingest([tmp_path], store, gazetteer)
    assert (first.documents_read, first.incidents_created, first.errors) == (2, 2, [])
    again = ingest([tmp_path], store, gazetteer)
    assert (again.documents_unchanged, again.incidents_created) == (2, 0)
    assert store.count_incidents() == 2
    assert store.count_sources() == 2


def test_bad_file_is_reported_and_the_rest_go_in(store, gazetteer, tmp_path):
    write_report(tmp_path, "good", GOOD)
    (tmp_path / "broken.txt").write_bytes(b"\x00\x01\x02binary\x00" * 50)
    summary = ingest([tmp_path], store, gazetteer)
    assert summary.documents_read == 1
    assert summary.documents_failed == 1
    assert any("broken.txt" in e and "binary" in e for e in summary.errors)
    assert store.count_incidents() == 1


def test_json_list_keeps_its_good_items(store, gazetteer, tmp_path):
    items = [
        {"title": "Synthetic A", "published": "2022-09-15", "publisher": "synthetic", "text": GOOD},
        {"title": "Synthetic B", "text": ""},
        {
            "title": "Synthetic C",
            "published": "2022-09-15",
            "publisher": "synthetic",
            "text": OTHER,
        },
    ]
    (tmp_path / "batch.json").write_text(json.dumps(items), encoding="utf-8")
    summary = ingest([tmp_path], store, gazetteer)
    assert (summary.documents_read, summary.documents_failed) == (2, 1)
    assert any("item [1]" in e for e in summary.errors)
    assert store.count_incidents() == 2


def test_two_reports_of_one_incident_merge(store, gazetteer, tmp_path):
    write_report(tmp_path, "first", GOOD)
    write_report(
        tmp_path, "second", "Troops opened fire on positions in Tavush on 13 September 2022."
    )
    summary = ingest([tmp_path], store, gazetteer)
    assert (summary.incidents_created, summary.incidents_merged) == (1, 1)
    (incident_id,) = _incident_ids(store)
    assert store.get_incident(incident_id).reports == 2


def _incident_ids(store) -> list[str]:
    return list(load_incident_table(store).incidents["id"])


def test_sample_store_is_built_once(tmp_path, gazetteer):
    url = f"sqlite:///{tmp_path / 'sample.sqlite'}"
    assert ensure_sample_store(url, gazetteer) is True
    assert ensure_sample_store(url, gazetteer) is False
    with open_store(url) as store:
        assert (store.count_sources(), store.count_incidents()) == (1, 1)


# ----------------------------------------------------------------------- CLI


def test_cli_extract_json_on_the_founding_article():
    result = CliRunner().invoke(main, ["extract", str(SAMPLE), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["source"]["published"] == "2021-07-03"
    (incident,) = payload["incidents"]
    assert [p["code"] for p in incident["provinces"]] == ["AM-SU", "AM-GR"]
    assert {s["id"] for s in incident["segments"]} >= {"AM-SU_AZ-LAC", "AM-GR_AZ-KAL"}
    assert (incident["date_start"], incident["date_end"]) == ("2021-05-01", "2021-05-31")
    assert incident["date_precision"] == "month"
    assert incident["fatalities"] == 0
    assert "Dushanbe" not in {p["matched"] for p in incident["places"]}
    text = SAMPLE.read_text(encoding="utf-8")
    situation = next(e for e in incident["excerpts"] if e["text"].startswith("The situation in"))
    assert text[situation["start"] : situation["end"]] == situation["text"]
    highlighted = {s["matched"] for s in situation["spans"] if s["kind"] == "place"}
    assert {"Syunik", "Gegharkunik"} <= highlighted


def test_cli_ingest_exit_status_and_summary(tmp_path, monkeypatch):
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.sqlite'}")
    reports = tmp_path / "reports"
    reports.mkdir()
    write_report(reports, "good", GOOD)
    result = CliRunner().invoke(main, ["ingest", str(reports)])
    assert result.exit_code == 0, result.output
    assert "1 documents read (0 unchanged, 0 failed), 1 incidents created" in result.stdout
    result = CliRunner().invoke(main, ["ingest", str(reports), str(tmp_path / "missing")])
    assert result.exit_code == 1
    assert "no such file or folder" in result.stderr
