"""Undated pages dated by the store: year-less days matched to stored incidents at their places."""

import json
from pathlib import Path

import pytest

from dashboard.gazetteer import load_gazetteer
from dashboard.pipeline import ingest
from dashboard.query import load_incident_table

# Short texts written for these tests; marked synthetic in their metadata.
DATED_2020 = "On 12 July 2020 Azerbaijani forces shelled the village of Movses in Tavush province."
DATED_2021 = "On 12 July 2021 Azerbaijani forces shelled the village of Movses in Tavush province."
UNDATED = (
    "Fighting that began on 12 July near Movses in Tavush lasted several days. "
    "Azerbaijani artillery shelled Movses and Aygepar."
)
UNDATED_AFTER_2021 = (
    "Since the escalation of April 2021 the villages have been quiet. "
    "Fighting that began on 12 July near Movses in Tavush lasted several days."
)
BACKGROUND_DAY = (
    "Azerbaijani forces opened fire on Movses in Tavush on Thursday. "
    "The village was first shelled on 12 July, residents recall."
)


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer("am-az")


def report(folder: Path, name: str, text: str, published: str | None = None) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    meta = {"title": f"Synthetic {name}", "publisher": "synthetic"}
    if published:
        meta["published"] = published
    (folder / f"{name}.meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder / f"{name}.txt"


def windows(store) -> list[tuple[str, str]]:
    table = load_incident_table(store).incidents
    return sorted(zip(table["date_start"].astype(str), table["date_end"].astype(str), strict=True))


@pytest.mark.parametrize("undated_first", [False, True], ids=["dated-first", "undated-first"])
def test_an_undated_page_joins_the_stored_incident_of_its_days(
    store, gazetteer, tmp_path, undated_first
):
    dated = report(tmp_path / "a", "dated", DATED_2020, "2020-07-13")
    undated = report(tmp_path / "b", "undated", UNDATED)
    batches = [[undated], [dated]] if undated_first else [[dated], [undated]]
    summaries = [ingest(batch, store, gazetteer) for batch in batches]
    assert windows(store) == [("2020-07-12", "2020-07-12")]
    assert all(s.ok for s in summaries)
    assert summaries[1].redated == int(undated_first)


def test_one_batch_in_either_order_gives_one_incident(store, gazetteer, tmp_path):
    report(tmp_path, "a-undated", UNDATED)
    report(tmp_path, "b-dated", DATED_2020, "2020-07-13")
    ingest([tmp_path], store, gazetteer)
    assert windows(store) == [("2020-07-12", "2020-07-12")]


def test_two_years_on_that_day_leave_the_page_undated(store, gazetteer, tmp_path):
    report(tmp_path / "a", "y2020", DATED_2020, "2020-07-13")
    report(tmp_path / "a", "y2021", DATED_2021, "2021-07-13")
    ingest([tmp_path / "a"], store, gazetteer)
    ingest([report(tmp_path / "b", "undated", UNDATED)], store, gazetteer)
    found = windows(store)
    assert ("2020-07-12", "2020-07-12") in found and ("2021-07-12", "2021-07-12") in found
    assert len(found) == 3  # the page keeps its own ingest window


def test_a_year_the_page_names_rules_out_earlier_years(store, gazetteer, tmp_path):
    report(tmp_path / "a", "y2020", DATED_2020, "2020-07-13")
    report(tmp_path / "a", "y2021", DATED_2021, "2021-07-13")
    ingest([tmp_path / "a"], store, gazetteer)
    ingest([report(tmp_path / "b", "undated", UNDATED_AFTER_2021)], store, gazetteer)
    assert windows(store) == [("2020-07-12", "2020-07-12"), ("2021-07-12", "2021-07-12")]


def test_a_day_named_only_as_background_does_not_date_the_page(store, gazetteer, tmp_path):
    ingest([report(tmp_path / "a", "dated", DATED_2020, "2020-07-13")], store, gazetteer)
    summary = ingest([report(tmp_path / "b", "undated", BACKGROUND_DAY)], store, gazetteer)
    found = windows(store)
    assert len(found) == 2 and ("2020-07-12", "2020-07-12") in found
    assert any("dated by the day it was ingested" in w for w in summary.warnings)


THURSDAY_2020 = (
    "On 16 July 2020 Azerbaijani forces shelled the village of Movses in Tavush province."
)
THURSDAY_2021 = (
    "On 15 July 2021 Azerbaijani forces shelled the village of Movses in Tavush province."
)
WEEKDAY_ONLY = "Azerbaijani forces shelled the village of Movses in Tavush before dawn on Thursday."


def test_a_weekday_at_the_same_place_dates_the_page_when_one_incident_fits(
    store, gazetteer, tmp_path
):
    ingest([report(tmp_path / "a", "dated", THURSDAY_2020, "2020-07-17")], store, gazetteer)
    ingest([report(tmp_path / "b", "undated", WEEKDAY_ONLY)], store, gazetteer)
    assert windows(store) == [("2020-07-16", "2020-07-16")]


def test_a_weekday_two_incidents_fit_leaves_the_page_undated(store, gazetteer, tmp_path):
    report(tmp_path / "a", "y2020", THURSDAY_2020, "2020-07-17")
    report(tmp_path / "a", "y2021", THURSDAY_2021, "2021-07-16")
    ingest([tmp_path / "a"], store, gazetteer)
    ingest([report(tmp_path / "b", "undated", WEEKDAY_ONLY)], store, gazetteer)
    assert len(windows(store)) == 3
