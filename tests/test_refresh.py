"""Tests for dashboard.refresh: a table refreshed by changed rows equals one read whole.

Each step writes to the store the way the product does (ingest, a merge by
event, an analyst's correction and merge, a bulk import, a dataset's
deletions) and then checks the refreshed table against a full read. Tests
taking ``store`` run on SQLite and PostgreSQL (see conftest.py).
"""

from __future__ import annotations

import dataclasses
from datetime import date

import numpy as np
import pandas as pd
import pytest
from store_builders import (
    GR,
    OTHER_TEXT,
    dataset_source,
    report,
    sotk_incident,
    vague_incident,
)

from dashboard import refresh
from dashboard.models import Citation, DatePrecision, LocationPrecision, ReviewStatus
from dashboard.query import IncidentTable, load_incident_table
from dashboard.refresh import refresh_incident_table
from dashboard.store import Correction, ImportedPlace, Store, open_store
from dashboard.store.corrections import DateWindow


def assert_same_table(refreshed: IncidentTable, whole: IncidentTable) -> None:
    pd.testing.assert_frame_equal(refreshed.incidents, whole.incidents)
    pd.testing.assert_frame_equal(refreshed.provinces, whole.provinces)
    pd.testing.assert_frame_equal(refreshed.segments, whole.segments)
    pd.testing.assert_frame_equal(refreshed.countries, whole.countries)
    pd.testing.assert_frame_equal(refreshed.citations, whole.citations)
    np.testing.assert_array_equal(refreshed.reports, whole.reports)
    assert refreshed.version == whole.version


def refreshed_equals_whole(store: Store, table: IncidentTable) -> IncidentTable:
    refreshed = refresh_incident_table(store, table)
    assert_same_table(refreshed, load_incident_table(store))
    return refreshed


def imported(n: int, day: int) -> object:
    incident = dataclasses.replace(
        sotk_incident("test:acled", f"acled:T{n}"),
        date_start=date(2024, 5, day),
        date_end=date(2024, 5, day),
        casualties=(),
    )
    return dataclasses.replace(incident, citations=(Citation(source_id="test:acled"),))


def test_every_kind_of_write_shows_in_the_refreshed_table(store: Store) -> None:
    table = load_incident_table(store)
    assert len(table) == 0 and table.version.seq == 0

    store.save_document(report(), [sotk_incident(), vague_incident()])
    table = refreshed_equals_whole(store, table)
    assert list(table.incidents["id"]) == ["inc-vague", "inc-sotk"]  # by date, then id

    # Another report of the Sotk event: one incident, two reports.
    store.save_document(report("src-2", OTHER_TEXT), [sotk_incident("src-2")])
    table = refreshed_equals_whole(store, table)
    assert table.reports.tolist() == [1, 2]

    # Bulk import: new incidents placed among the old by date.
    rows = [imported(n, day) for n, day in ((1, 12), (2, 3), (3, 12))]
    store.save_incidents_bulk([dataset_source("acled")], rows)
    table = refreshed_equals_whole(store, table)
    assert list(table.incidents["id"]) == [
        "inc-vague",
        "acled:T2",
        "acled:T1",
        "acled:T3",
        "inc-sotk",
    ]

    # An analyst moves the vague incident to a province and a day, and confirms another.
    day = date(2024, 5, 20)
    correction = Correction(provinces=(GR,), window=DateWindow(day, day, DatePrecision.DAY))
    store.review_incident(
        "inc-vague", correction, by="ana", reason="the ministry named it", expected_version=0
    )
    store.review_incident(
        "acled:T1",
        Correction(status=ReviewStatus.CONFIRMED),
        by="ana",
        reason="checked",
        expected_version=0,
    )
    table = refreshed_equals_whole(store, table)
    assert table.provinces[table.provinces["code"] == "AM-GR"].shape[0] >= 1

    # The dataset deletes two records.
    store.delete_records({"acled:T2": None, "acled:T3": 1717000000})
    table = refreshed_equals_whole(store, table)
    assert "acled:T2" not in set(table.incidents["id"])


def test_fusion_and_country_only_records_show_in_the_refreshed_table(store: Store) -> None:
    """A dataset record fused with the report of its event (the report's citations move,
    the report incident becomes its duplicate), and a record known only to a country."""
    store.save_document(report(), [sotk_incident()])
    table = load_incident_table(store)
    record = imported(9, 12)
    country_only = dataclasses.replace(
        imported(10, 20),
        location_precision=LocationPrecision.COUNTRY,
        lat=None,
        lon=None,
        place_name=None,
        distance_km=None,
        provinces=(),
        segments=(),
    )
    places = {
        "acled:T9": ImportedPlace("acled", "Armenia", "Gegharkunik", None, True, True),
        "acled:T10": ImportedPlace("acled", "Azerbaijan", None, None, True, True),
    }
    store.save_incidents_bulk(
        [dataset_source("acled", publisher="Example Agency")],
        [record, country_only],
        places,
        store.report_index(),
    )
    table = refreshed_equals_whole(store, table)
    assert table.countries["country"].tolist() == ["AZ"]
    assert store.review_state("inc-sotk").status == ReviewStatus.DUPLICATE  # fused
    reports = dict(zip(table.incidents["id"], table.reports, strict=True))
    assert reports["acled:T9"] == 2  # its dataset row and the report


def test_an_unchanged_store_gives_back_the_same_table(store: Store) -> None:
    store.save_document(report(), [sotk_incident()])
    table = load_incident_table(store)
    assert refresh_incident_table(store, table) is table


def test_an_analyst_merge_moves_report_counts(store: Store) -> None:
    store.save_document(report(), [sotk_incident(), vague_incident()])
    table = load_incident_table(store)
    store.merge_incidents(
        "inc-sotk", "inc-vague", by="ana", reason="same event", keep_version=0, other_version=0
    )
    refreshed_equals_whole(store, table)


def test_a_table_read_back_with_arrow_strings_keeps_its_types(store: Store) -> None:
    """The dashboard serves a table read back from Parquet (Arrow strings): fresh rows
    take its column types, so filters stay fast and the values stay equal."""
    store.save_document(report(), [sotk_incident()])
    whole = load_incident_table(store)
    arrow = dataclasses.replace(
        whole,
        incidents=whole.incidents.astype({"id": "string[pyarrow]", "summary": "string[pyarrow]"}),
    )
    store.save_document(report("src-2", OTHER_TEXT), [vague_incident("src-2")])
    refreshed = refresh_incident_table(store, arrow)
    assert refreshed.incidents["id"].dtype == "string[pyarrow]"
    now = load_incident_table(store)
    assert refreshed.incidents["id"].tolist() == now.incidents["id"].tolist()
    assert refreshed.incidents["summary"].tolist() == now.incidents["summary"].tolist()


def test_another_store_at_the_same_url_is_read_whole(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    with open_store(url, upgrade=True) as first:
        first.save_document(report(), [sotk_incident()])
        table = load_incident_table(first)
    (tmp_path / "a.sqlite").unlink()
    with open_store(url, upgrade=True) as second:
        second.save_document(report("src-2", OTHER_TEXT), [vague_incident("src-2")])
        refreshed = refresh_incident_table(second, table)
        assert refreshed.incidents["id"].tolist() == ["inc-vague"]
        assert refreshed.version.store_id != table.version.store_id


@pytest.mark.parametrize("max_runs", [0, 10_000])
def test_merging_by_runs_and_by_gathering_agree(monkeypatch, max_runs: int) -> None:
    """Both ways of putting fresh rows among kept ones give the same frame as a plain
    list merge, for many random cases (the runs are used when few, else one gather)."""
    monkeypatch.setattr(refresh, "_MAX_RUNS", max_runs)
    rng = np.random.default_rng(7)
    for _ in range(50):
        old = pd.DataFrame(
            {"name": pd.array([f"o{i}" for i in range(30)], dtype="str"), "n": np.arange(30)}
        )
        kept = np.sort(rng.choice(30, size=int(rng.integers(0, 31)), replace=False))
        fresh_count = int(rng.integers(0, 6))
        fresh = pd.DataFrame(
            {"name": pd.array([f"f{i}" for i in range(fresh_count)], dtype="str"),
             "n": 100 + np.arange(fresh_count)}
        )  # fmt: skip
        inserted_at = np.sort(rng.integers(0, len(kept) + 1, size=fresh_count))
        expected = list(old["name"].to_numpy()[kept])
        for offset, (at, name) in enumerate(zip(inserted_at, fresh["name"], strict=True)):
            expected.insert(int(at) + offset, name)
        merged = refresh._merge(old, kept, fresh, inserted_at)
        assert list(merged["name"]) == expected
        assert merged["name"].dtype == old["name"].dtype
