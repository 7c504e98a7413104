"""``borderwatch review`` and ``history`` against a store holding the one Sotk incident.

Run on SQLite and PostgreSQL (the ``empty_database_url`` fixture); codes are
checked against the bundled am-az layers.
"""

from __future__ import annotations

import dataclasses
import json

import pytest
from click.testing import CliRunner, Result
from store_builders import dataset_source, report, sotk_incident

from dashboard.cli import main
from dashboard.models import Citation, ReviewStatus
from dashboard.store import ImportedPlace, open_store

REVIEW = ("review", "inc-sotk", "--by", "alice", "--reason", "MoD update")


@pytest.fixture
def url(empty_database_url: str) -> str:
    with open_store(empty_database_url, upgrade=True) as store:
        store.save_document(report(), [sotk_incident()])
    return empty_database_url


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, [*args, "--url", url])


def test_review_corrects_the_incident_and_history_shows_it(url: str) -> None:
    done = run(
        url,
        *REVIEW,
        "--status", "confirmed",
        "--province", "am-tv",
        "--segment", "AM-TV_AZ-TOV",
        "--date-from", "2024-05-11",
        "--date-to", "2024-05-12",
        "--fatalities", "3",
        "--note", "two MoDs agree",
    )  # fmt: skip

    assert done.exit_code == 0, done.output
    assert done.output.startswith("inc-sotk: version 1 by alice (")
    with open_store(url) as store:
        incident = store.get_incident("inc-sotk")
        assert [p.code for p in incident.provinces] == ["AM-TV"]
        assert incident.provinces[0].name == "Tavush"
        assert [s.id for s in incident.segments] == ["AM-TV_AZ-TOV"]
        assert (incident.fatalities, incident.date_precision.value) == (3, "days")
        assert store.review_state("inc-sotk").status is ReviewStatus.CONFIRMED

    table = run(url, "history", "inc-sotk")
    assert table.exit_code == 0, table.output
    lines = table.output.splitlines()
    assert lines[0] == "inc-sotk: confirmed, version 1"
    assert lines[1].startswith("  v1 #")
    assert lines[1].endswith("alice  review: MoD update")
    assert "      fatalities: 2 → 3" in lines
    assert '      provinces: ["AM-GR", "AZ-KAL"] → ["AM-TV"]' in lines

    as_json = json.loads(run(url, "history", "inc-sotk", "--json").output)
    assert [(r["version"], r["by"], r["reason"]) for r in as_json] == [(1, "alice", "MoD update")]
    assert as_json[0]["changes"]["status"] == {"before": "unreviewed", "after": "confirmed"}
    assert as_json[0]["at"].endswith("+00:00")


def test_review_places_the_incident_on_a_gazetteer_place_or_a_point(url: str) -> None:
    done = run(
        url, *REVIEW, "--place", "settlement:gn:616041", "--event-type", "Battles",
        "--summary", "Clash at Sotk.",
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    with open_store(url) as store:
        incident = store.get_incident("inc-sotk")
        assert (incident.place_name, incident.location_precision.value) == ("Sotk", "near_place")
        assert [p.code for p in incident.provinces] == ["AM-GR"]
        assert (incident.event_type.value, incident.summary) == ("Battles", "Clash at Sotk.")

    # A point; an explicit province wins over the one the point lies in.
    done = run(url, *REVIEW, "--point", "41.05", "45.35", "--province", "AZ-TOV")
    assert done.exit_code == 0, done.output
    with open_store(url) as store:
        incident = store.get_incident("inc-sotk")
        assert (incident.lat, incident.lon, incident.place_name) == (41.05, 45.35, None)
        assert [p.code for p in incident.provinces] == ["AZ-TOV"]
        assert store.review_state("inc-sotk").locked == (
            "event_type", "place", "provinces", "segments", "summary",
        )  # fmt: skip

    assert "  v2 #" in run(url, "history", "inc-sotk").output


def test_history_of_an_unreviewed_incident_says_so(url: str) -> None:
    done = run(url, "history", "inc-sotk")
    assert done.output.splitlines() == [
        "inc-sotk: unreviewed, version 0",
        "  no revisions: nobody has reviewed it yet",
    ]
    assert json.loads(run(url, "history", "inc-sotk", "--json").output) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("review", "inc-nope", "--by", "a", "--reason", "r", "--fatalities", "1"), "'inc-nope'"),
        ((*REVIEW, "--province", "AM-XX"), "no province 'AM-XX' on border am-az"),
        ((*REVIEW, "--segment", "nowhere"), "no border segment 'nowhere'"),
        ((*REVIEW, "--status", "duplicate", "--duplicate-of", "inc-x"), "no incident 'inc-x'"),
        ((*REVIEW, "--fatalities", "2"), "changes nothing"),
        (REVIEW, "nothing to change"),
        ((*REVIEW, "--date-to", "2024-05-01"), "--date-to needs --date-from"),
        ((*REVIEW, "--date-from", "2024-05-12", "--date-to", "2024-05-01"), "ends (2024-05-01)"),
        ((*REVIEW, "--fatalities", "3", "--expected-version", "4"), "changed by someone"),
        ((*REVIEW, "--place", "nowhere"), "no place 'nowhere' in the gazetteer"),
        ((*REVIEW, "--place", "x", "--point", "40", "45"), "not both"),
        (("history", "inc-nope"), "no incident 'inc-nope'"),
    ],
)
def test_mistakes_exit_2_naming_what_is_wrong(
    url: str, args: tuple[str, ...], message: str
) -> None:
    done = run(url, *args)
    assert done.exit_code == 2, done.output
    assert done.output.startswith("borderwatch: error: ")
    assert message in done.output
    with open_store(url) as store:
        assert store.review_state("inc-sotk").version == 0


def test_reason_and_by_are_required(url: str) -> None:
    done = run(url, "review", "inc-sotk", "--fatalities", "3", "--by", "alice")
    assert done.exit_code == 2
    assert "Missing option '--reason'" in done.output


def test_split_source_separates_a_report_fused_with_a_record(url: str) -> None:
    source = dataset_source("ACLED test publisher", publisher="Example Agency")
    row = dataclasses.replace(
        sotk_incident(), id="acled:TST1", casualties=(), citations=(Citation(source.id),)
    )
    with open_store(url) as store:
        places = {"acled:TST1": ImportedPlace("acled", record_hash="acled:one")}
        assert store.save_incidents_bulk(
            [source], [row], places, store.report_index()
        ).incidents_fused

    split = (*REVIEW[:1], "acled:TST1", *REVIEW[2:], "--split-source", "src-1")
    done = run(url, *split)
    assert done.exit_code == 0, done.output
    assert done.output == (
        "acled:TST1: version 2 by alice; inc-sotk is its own incident again with its sources, "
        "version 2\n"
    )
    with open_store(url) as store:
        assert [c.source_id for c in store.get_incident("inc-sotk").citations] == ["src-1"]
    again = run(url, *split)
    assert again.exit_code == 2 and "no report fused with it brought source 'src-1'" in again.output
    mixed = run(url, *split, "--status", "confirmed")
    assert mixed.exit_code == 2 and "--split-source is a change of its own" in mixed.output
