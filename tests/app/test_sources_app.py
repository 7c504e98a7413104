"""The Sources page under AppTest: watched sources with their state, new incidents marked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fixture_store import seed_fixture_url
from store_builders import report, sotk_incident
from streamlit.testing.v1 import AppTest

from dashboard.app.sources_page import last_visit
from dashboard.models import SYNTHETIC_PUBLISHER, WatchedSource, WatchKind
from dashboard.store import open_store
from dashboard.store.alerts import Alert
from dashboard.store.intake import FetchedItem

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app" / "main.py")
FEED = WatchedSource("Synthetic ministry feed", "https://mod.example/rss", WatchKind.FEED)
BROKEN = WatchedSource("Synthetic agency", "https://agency.example/news", WatchKind.PAGE)


@pytest.fixture
def watched_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'fixture.sqlite'}"
    seed_fixture_url(url)
    with open_store(url) as store:
        store.save_watched_sources([FEED, BROKEN])
        now = datetime.now(UTC)
        store.record_fetch(BROKEN.name, at=now, error="HTTP 503 Service Unavailable")
        item = FetchedItem(
            watched=FEED.name, link_url="https://mod.example/1", canonical_url="https://mod.example/1",
            final_url="https://mod.example/1", text_hash="h", author=None, raw=b"<html/>",
            raw_type="text/html", fetched_at=now,
        )  # fmt: skip
        source = report("src-watch", publisher=SYNTHETIC_PUBLISHER)
        store.save_fetched(source, [sotk_incident("src-watch", "inc-watch")], item)
        store.record_fetch(FEED.name, at=now, etag='"x"')
    monkeypatch.setenv("BORDERWATCH_DATABASE_URL", url)
    return url


def _sources_page(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    for name, value in {"synthetic": "1", **params}.items():
        at.query_params[name] = value
    at.run()
    return at.switch_page("sources_page.py").run()


def _frames(at: AppTest) -> dict[str, object]:
    return {frame.proto.id: frame.value for frame in at.dataframe}


def test_each_source_shows_its_state_items_and_incidents(watched_url: str) -> None:
    at = _sources_page()
    assert not at.exception
    table = at.dataframe[0].value.set_index("source")
    assert table.loc[FEED.name, ["items", "incidents"]].tolist() == [1, 1]
    assert table.loc[BROKEN.name, "last error"] == "HTTP 503 Service Unavailable"
    assert table.loc[BROKEN.name, "last success"] == "never"


def test_incidents_new_since_the_last_visit_are_marked(watched_url: str) -> None:
    before = (datetime.now(UTC) - timedelta(hours=1)).isoformat(timespec="seconds")
    at = _sources_page(seen=before)
    new = at.dataframe[1].value
    assert new.loc[new["incident"] == "inc-watch", "new"].tolist() == ["●"]
    assert any("1 new since your last visit" in c.value for c in at.caption)

    at.button(key="sources_seen").click().run()
    seen = at.query_params["seen"]
    seen = seen if isinstance(seen, str) else seen[0]
    assert last_visit({"seen": seen}) > datetime.fromisoformat(before)
    assert any("0 new since your last visit" in c.value for c in at.caption)


def test_synthetic_incidents_stay_out_unless_asked(watched_url: str) -> None:
    at = AppTest.from_file(APP, default_timeout=90).run()
    at = at.switch_page("sources_page.py").run()
    assert len(at.dataframe) == 1  # the sources, but no (synthetic) incident listed


def test_the_current_view_can_be_saved_as_an_alert(watched_url: str) -> None:
    with open_store(watched_url) as store:
        store.save_alert(Alert("Gegharkunik", "province=AM-GR", webhook="http://h.example/x"))
    at = _sources_page(country="AM", minfat="1")
    alerts = at.dataframe[-1].value
    assert alerts["alert"].tolist() == ["Gegharkunik"]
    (command,) = at.code
    assert "--filter 'country=AM&minfat=1&synthetic=1'" in command.value


def test_last_visit_reads_a_utc_time_and_ignores_junk() -> None:
    assert last_visit({"seen": "2026-12-07T06:00:00"}) == datetime(2026, 12, 7, 6, tzinfo=UTC)
    assert last_visit({"seen": "yesterday"}) is None
    assert last_visit({}) is None
