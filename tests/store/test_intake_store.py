"""Live intake's tables: watched sources and their state, fetched articles and their versions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from store_builders import OTHER_TEXT, TEXT, report, sotk_incident

from dashboard.models import WatchedSource, WatchKind
from dashboard.store import Store
from dashboard.store.intake import FetchedItem

FEED = WatchedSource("Ministry feed", "https://mod.example/rss", WatchKind.FEED, language="hy")
AT = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)


def _item(url: str, text_hash: str, raw: bytes = b"<html>raw</html>") -> FetchedItem:
    return FetchedItem(
        watched=FEED.name, link_url=url + "?utm_source=rss", canonical_url=url, final_url=url,
        text_hash=text_hash, author="Desk", raw=raw, raw_type="text/html", fetched_at=AT,
    )  # fmt: skip


def test_watched_sources_are_kept_with_their_state_and_updated_by_name(store: Store) -> None:
    store.save_watched_sources([FEED])
    store.record_fetch(FEED.name, at=AT, etag='"e1"', last_modified="Mon")
    later = AT + timedelta(minutes=15)
    store.record_fetch(FEED.name, at=later, error="HTTP 500")
    (state,) = store.watch_states()
    assert state.source == FEED
    assert (state.etag, state.last_modified, state.last_ok_at) == ('"e1"', "Mon", AT)
    assert (state.last_fetch_at, state.last_error) == (later, "HTTP 500")

    store.save_watched_sources([WatchedSource(FEED.name, "https://mod.example/atom", notes="n")])
    (moved,) = store.watch_states([FEED.name])
    assert (moved.source.url, moved.source.notes) == ("https://mod.example/atom", "n")
    assert moved.etag is None  # another URL: the old validators mean nothing there


def test_a_fetched_article_keeps_its_evidence_and_a_changed_text_is_a_new_version(
    store: Store,
) -> None:
    store.save_watched_sources([FEED])
    url = "https://mod.example/news/1"
    result, version = store.save_fetched(report("src-1"), [sotk_incident()], _item(url, "h1"))
    assert (result.incidents_created, version) == (1, 1)
    assert store.known_links({url, url + "?utm_source=rss", "https://mod.example/other"}) == {
        url: AT, url + "?utm_source=rss": AT
    }  # fmt: skip
    assert store.intake_text_known("h1") == url
    assert store.intake_text_known("h2") is None

    changed = report("src-2", text=OTHER_TEXT)
    _result, version = store.save_fetched(changed, [], _item(url, "h2"))
    latest = store.latest_intake_item(url)
    assert (version, latest.version, latest.source_id, latest.text_hash) == (2, 2, "src-2", "h2")
    assert store.get_source("src-1").text == TEXT  # what the site said first stays

    (overview,) = store.source_overview()
    assert (overview.items, overview.incidents, overview.state.source.name) == (2, 1, FEED.name)


def test_new_incidents_of_watched_sources_since_a_time(store: Store) -> None:
    store.save_watched_sources([FEED])
    before = datetime.now(UTC) - timedelta(seconds=1)
    store.save_fetched(report("src-1"), [sotk_incident()], _item("https://mod.example/1", "h"))
    (new,) = store.intake_incidents_since(before)
    assert (new.incident_id, new.watched) == ("inc-sotk", FEED.name)
    assert store.intake_incidents_since(datetime.now(UTC) + timedelta(seconds=1)) == []


def test_a_stopped_source_is_not_watched_but_keeps_its_items(store: Store) -> None:
    store.save_watched_sources([FEED])
    store.save_fetched(report("src-1"), [sotk_incident()], _item("https://mod.example/1", "h"))
    assert store.stop_watching(FEED.name) and not store.stop_watching("nobody")
    assert store.watch_states() == []
    (overview,) = store.source_overview()
    assert (overview.state.active, overview.items) == (False, 1)
    store.save_watched_sources([FEED])  # named again: followed again
    assert [s.source.name for s in store.watch_states()] == [FEED.name]
