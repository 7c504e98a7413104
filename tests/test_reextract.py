"""Re-extraction end to end: a store ingested by an "old" extractor rebuilt by the current one.

The old extractor is the current one made worse (monkeypatched into the
pipeline for the ingest): re-extracting must then give the store a fresh
ingest gives, keep the ids of incidents whose window and places did not
change, and a second run must change nothing.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from store_builders import content_tables
from synthetic_reports import write_reports

from dashboard import pipeline, undated
from dashboard.cli import main
from dashboard.extract.incidents import Extraction, extract_incidents
from dashboard.gazetteer import load_gazetteer
from dashboard.models import Citation, ReviewStatus, Source, SourceKind, content_hash
from dashboard.reextract import reextract
from dashboard.store import Correction, ExcerptRef, Store, StoreError, open_store, schema

REPORTS = 6


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer("am-az")


def _worse(shift_days: int):
    """An "old extractor": a worse summary, and windows ``shift_days`` late (so other ids)."""

    def old_extractor(
        source: Source, gazetteer: Any, received: Any = None, store_day: Any = None
    ) -> Extraction:
        extraction = extract_incidents(source, gazetteer, received, store_day)
        worse = []
        for found in extraction.incidents:
            shift = timedelta(days=shift_days)
            incident = dataclasses.replace(
                found.incident,
                id=f"{found.incident.id}-old{shift_days}",
                date_start=found.incident.date_start + shift,
                date_end=found.incident.date_end + shift,
                summary=f"old: {found.incident.summary}",
            )
            if not shift_days:
                incident = dataclasses.replace(incident, id=found.incident.id)
            worse.append(dataclasses.replace(found, incident=incident))
        return dataclasses.replace(extraction, incidents=tuple(worse))

    return old_extractor


def _incidents(store: Store) -> dict[str, Any]:
    with store.engine.connect() as conn:
        ids = conn.execute(select(schema.incidents.c.id)).scalars().all()
    return {incident_id: store.get_incident(incident_id) for incident_id in ids}


def _snapshot(store: Store) -> dict[str, list[tuple[str, ...]]]:
    with store.engine.connect() as conn:
        return {
            table.name: sorted(tuple(map(repr, row)) for row in conn.execute(select(table)))
            for table in content_tables()
        }


@pytest.mark.parametrize("shift_days", [0, 3])
def test_reextract_after_an_upgrade_gives_what_a_fresh_ingest_gives(
    store, gazetteer, tmp_path, monkeypatch, shift_days
):
    write_reports(tmp_path / "reports", REPORTS)
    with monkeypatch.context() as patched:
        patched.setattr(undated, "extract_incidents", _worse(shift_days))
        pipeline.ingest([tmp_path / "reports"], store, gazetteer)
    with open_store(f"sqlite:///{tmp_path / 'fresh.sqlite'}", upgrade=True) as fresh:
        pipeline.ingest([tmp_path / "reports"], fresh, gazetteer)
        expected = _incidents(fresh)
    before = set(_incidents(store))

    summary = reextract(store, gazetteer)

    assert summary.ok, summary.errors
    assert (summary.sources_read, summary.sources_unchanged) == (REPORTS, 0)
    assert _incidents(store) == expected
    if shift_days:  # other windows: other ids, the old records removed
        assert summary.incidents_removed == len(before)
        assert not before & set(expected)
    else:  # same windows and places: same ids
        assert set(expected) == before
        assert summary.incidents_kept >= len(before)  # a merged pair may be rebuilt twice
    assert (summary.incidents_before, summary.incidents_after) == (len(before), len(expected))


def test_second_reextract_changes_nothing(store, gazetteer, tmp_path, monkeypatch):
    write_reports(tmp_path / "reports", REPORTS)
    with monkeypatch.context() as patched:
        patched.setattr(undated, "extract_incidents", _worse(1))
        pipeline.ingest([tmp_path / "reports"], store, gazetteer)
    reextract(store, gazetteer)
    before = _snapshot(store)

    again = reextract(store, gazetteer)

    assert (again.sources_read, again.sources_unchanged) == (REPORTS, REPORTS)
    assert _snapshot(store) == before


def test_dataset_records_are_left_alone(store, gazetteer, tmp_path):
    write_reports(tmp_path / "reports", 2)
    pipeline.ingest([tmp_path / "reports"], store, gazetteer)
    record = Source(
        id="acled:1",
        title="ACLED 1",
        content_hash=content_hash("acled", "1"),
        kind=SourceKind.DATASET_RECORD,
        publisher="ACLED",  # real: it never matches the synthetic reports' incidents
    )
    (some,) = list(_incidents(store).values())[:1]
    imported = dataclasses.replace(some, id="acled:1", citations=(Citation(record.id),))
    store.save_incidents_bulk([record], [imported])

    summary = reextract(store, gazetteer)

    assert summary.sources_read == 2
    assert store.get_incident("acled:1") == imported
    with pytest.raises(StoreError, match="dataset record"):
        reextract(store, gazetteer, source_ids=["acled:1"])


# ------------------------------------------------------- analysts' corrections


def _ingest_old(store, gazetteer, tmp_path, monkeypatch, shift_days):
    write_reports(tmp_path / "reports", 2)
    with monkeypatch.context() as patched:
        patched.setattr(undated, "extract_incidents", _worse(shift_days))
        pipeline.ingest([tmp_path / "reports"], store, gazetteer)
    return sorted(_incidents(store))


def _confirm_toll(store, incident_id, fatalities=99, summary=None):
    store.review_incident(
        incident_id,
        Correction(status=ReviewStatus.CONFIRMED, fatalities=fatalities, summary=summary),
        by="alice",
        reason="field report",
        expected_version=0,
    )


def test_reextract_keeps_a_correction_rederives_the_rest_and_flags_the_difference(
    store, gazetteer, tmp_path, monkeypatch
):
    first, second, *_ = _ingest_old(store, gazetteer, tmp_path, monkeypatch, shift_days=0)
    # The old extractor read the toll as the new one does, but the summary worse.
    _confirm_toll(store, first, summary="Analyst's summary")
    _confirm_toll(store, second)

    summary = reextract(store, gazetteer)

    assert summary.ok, summary.errors
    rebuilt = store.get_incident(first)
    assert (rebuilt.fatalities, rebuilt.summary) == (99, "Analyst's summary")
    assert rebuilt.reports >= 1
    state = store.review_state(first)
    assert (state.status, state.version) == (ReviewStatus.CONFIRMED, 1)
    # A new reading of the summary is news; the toll the analyst already overrode is not.
    assert state.flag.startswith(f"report {rebuilt.citations[0].source_id} reads summary as ")
    assert "fatalities" not in state.flag
    other = store.get_incident(second)
    assert other.fatalities == 99
    assert not other.summary.startswith("old: ")  # an unlocked field takes the fresh reading
    assert store.review_state(second).flag is None
    # A second run finds what the first left: nothing to write.
    assert reextract(store, gazetteer).sources_unchanged == 2


def test_reextract_keeps_a_reviewed_incident_no_report_gives_back_and_flags_it(
    store, gazetteer, tmp_path, monkeypatch
):
    old = _ingest_old(store, gazetteer, tmp_path, monkeypatch, shift_days=3)
    first = old[0]
    _confirm_toll(store, first)

    summary = reextract(store, gazetteer)

    assert summary.ok, summary.errors
    kept = store.get_incident(first)
    assert (kept.fatalities, kept.reports) == (99, 0)
    assert store.review_state(first).flag == "re-extraction no longer finds it in any report"
    remaining = set(_incidents(store))
    assert not (set(old) - {first}) & remaining  # unreviewed old records go, as before
    assert any(not i.endswith("-old3") for i in remaining)  # the fresh ones are there


TWO_SENTENCES = (
    "On 12 May 2022 troops opened fire on positions in Tavush. "
    "Two soldiers were killed in the shelling near Chinari.\n"
)


def test_reextract_sends_split_off_sentences_to_the_split_incident(
    store, gazetteer, tmp_path, monkeypatch
):
    (tmp_path / "two.txt").write_text(TWO_SENTENCES, encoding="utf-8")
    with monkeypatch.context() as patched:
        patched.setattr(undated, "extract_incidents", _worse(0))
        pipeline.ingest([tmp_path / "two.txt"], store, gazetteer)
    (incident,) = _incidents(store).values()
    (citation,) = incident.citations
    first, last = citation.excerpts
    _, created = store.split_incident(
        incident.id,
        [ExcerptRef(citation.source_id, last.start, last.end)],
        Correction(note="a second event"),
        by="alice",
        reason="two events in one report",
        expected_version=0,
    )

    summary = reextract(store, gazetteer)

    assert summary.ok, summary.errors
    original, split_off = store.get_incident(incident.id), store.get_incident(created.incident_id)
    assert [(e.start, e.end) for c in original.citations for e in c.excerpts] == [
        (first.start, first.end)
    ]
    assert not original.summary.startswith("old: ")  # re-derived, not left as it was
    assert [(e.start, e.end) for c in split_off.citations for e in c.excerpts] == [
        (last.start, last.end)
    ]
    assert store.review_state(created.incident_id).flag is None
    assert store.is_synthetic(created.incident_id) is store.is_synthetic(incident.id)


# ----------------------------------------------------------------------- CLI


def _run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_cli_reextract_prints_the_summary_and_a_second_run_changes_nothing(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", url)
    write_reports(tmp_path / "reports", 4)
    assert _run("ingest", str(tmp_path / "reports")).exit_code == 0
    with open_store(url) as store:
        (first, *_) = store.report_source_ids()
        before = _snapshot(store)

    result = _run("reextract")
    assert result.exit_code == 0, result.output
    assert "4 sources re-read (4 unchanged, 0 failed), incidents 4 → 4" in result.stdout
    result = _run("reextract", "--source", first)
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("1 sources re-read (1 unchanged")
    with open_store(url) as store:
        assert _snapshot(store) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--url", "foo://bar"], "unsupported database"),
        (["--source", "src-nothing"], "'src-nothing' is not stored"),
    ],
)
def test_cli_reextract_errors_are_clear(tmp_path, monkeypatch, args, message):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", url)
    assert _run("db", "upgrade").exit_code == 0
    result = _run("reextract", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("borderwatch: error: ")
    assert message in result.stderr
