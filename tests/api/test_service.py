"""Tests for dashboard.api.service: pages of the dashboard's incidents, on both backends."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from fixture_store import SOTK_ID, fixture_documents

from dashboard.api.service import IncidentService, selection
from dashboard.geo.layers import load_border
from dashboard.store import Correction

DASHBOARD = "https://dashboard.example/"


@pytest.fixture
def service(store) -> Iterator[IncidentService]:
    """The fixture documents as they are: every one published by "synthetic"."""
    for source, incidents in fixture_documents():
        store.save_document(source, incidents)
    served = IncidentService(store, load_border("am-az"), DASHBOARD)
    yield served
    served.close()


def test_synthetic_incidents_only_when_asked(service) -> None:
    assert service.count(selection([])) == 0
    asked = selection([("synthetic", "true")])
    total = service.count(asked)
    assert total == len(fixture_documents()) - 1  # the second Sotk report merges
    assert service.page(selection([]), 0, 10)["features"] == []


def test_pages_cover_the_selection_once_in_date_order(service) -> None:
    asked = selection([("synthetic", "true")])
    total = service.count(asked)
    seen = []
    for offset in range(0, total, 3):
        page = service.page(asked, offset, 3)
        assert page["numberMatched"] == total
        assert page["numberReturned"] == len(page["features"])
        seen += [(f["properties"]["date_start"], f["id"]) for f in page["features"]]
    assert seen == sorted(seen)
    assert len({i for _, i in seen}) == total


def test_a_date_window_meeting_the_interval_is_kept(service) -> None:
    # The month-precision incursion (May 2021) meets an interval that only touches May.
    touching = selection([("synthetic", "true")], datetime_="2021-05-31/2021-06-15")
    ids = [f["id"] for f in service.page(touching, 0, 100)["features"]]
    assert ids == ["fx-segment-2021-05"]


def test_bbox_keeps_incidents_whose_point_lies_inside(service) -> None:
    around_sotk = selection([("synthetic", "true")], bbox=[45.9, 40.2, 45.95, 40.25])
    assert [f["id"] for f in service.page(around_sotk, 0, 100)["features"]] == [SOTK_ID]


def test_a_feature_links_to_the_incident_in_the_dashboard(service) -> None:
    feature = service.feature(SOTK_ID)
    assert feature is not None
    assert feature["properties"]["dashboard_link"] == f"{DASHBOARD}?incident={SOTK_ID}"
    assert feature["properties"]["date_window"]
    assert len(feature["properties"]["sources"]) == 2
    assert service.feature("no-such-incident") is None


def test_a_write_to_the_store_is_served_after_the_watcher_sees_it(store) -> None:
    documents = fixture_documents()
    store.save_document(*documents[0])
    served = IncidentService(store, load_border("am-az"), DASHBOARD, refresh_seconds=0.05)
    asked = selection([("synthetic", "true")])
    try:
        assert served.count(asked) == 1
        for source, incidents in documents[2:4]:
            store.save_document(source, incidents)
        # The watcher may read the store between the two writes: wait for both.
        deadline = time.monotonic() + 60
        while served.count(asked) != 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert served.count(asked) == 3
    finally:
        served.close()


def test_since_keeps_the_incidents_created_or_changed_after_a_time(store) -> None:
    documents = fixture_documents()
    store.save_document(*documents[0])
    time.sleep(0.02)
    between = datetime.now(UTC)
    time.sleep(0.02)
    source, incidents = documents[2]
    store.save_document(source, incidents)
    served = IncidentService(store, load_border("am-az"), DASHBOARD)
    try:
        newer = selection([("synthetic", "true"), ("since", between.isoformat())])
        assert [f["id"] for f in served.page(newer, 0, 10)["features"]] == [incidents[0].id]
        # An analyst's change later makes the first incident "changed since" too.
        first = documents[0][1][0].id
        store.review_incident(
            first, Correction(note="checked"), by="ana", reason="seen", expected_version=0
        )
        served.close()
        served = IncidentService(store, load_border("am-az"), DASHBOARD)
        assert served.count(newer) == 2
        later = selection([("synthetic", "true"), ("since", datetime.now(UTC).isoformat())])
        assert served.count(later) == 0
    finally:
        served.close()
    with pytest.raises(ValueError, match="since: 'yesterday' is not an RFC 3339 date-time"):
        selection([("since", "yesterday")])


def test_unknown_codes_are_refused(service) -> None:
    with pytest.raises(ValueError, match="unknown segment='nowhere'"):
        service.count(selection([("segment", "nowhere")]))
