"""``borderwatch watch``: a local synthetic feed ingested once; a second run fetches nothing new."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from intake_site import news_site
from local_sinks import webhook_receiver
from local_web import Route, serve

from dashboard.cli import main
from dashboard.store import open_store

CONFIG = """
[intake]
contact = "mailto:tests@example.org"
min_interval = 0
retries = 0
timeout = 2
allow_hosts = ["127.0.0.1"]
"""


def _watch(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    config = tmp_path / "intake.toml"
    config.write_text(CONFIG, encoding="utf-8")
    database = f"sqlite:///{tmp_path / 'store.db'}"
    result = CliRunner().invoke(
        main, ["watch", *args, "--once", "--config", str(config), "--url", database]
    )
    return result.exit_code, result.stdout, result.stderr


def test_a_feed_is_ingested_once_and_a_second_run_fetches_nothing_new(tmp_path: Path) -> None:
    with serve() as site:
        news_site(site)
        feed = site.url("/feed.xml")
        code, out, err = _watch(tmp_path, feed)
        assert code == 0, out + err
        assert "2 new items" in out and "0 failures" in out
        assert f"{feed}: 2 links, 2 new, 0 changed" in out
        first_log = len(site.log)
        served = site.routes["/news/sotk-shelling"].body

        code, out, err = _watch(tmp_path, feed)
        assert code == 0, out + err
        assert f"{feed}: not modified" in out and "0 new items" in out
        # Only the feed was asked again (robots.txt once per run), and it answered 304.
        asked = [path for path, _ in site.log[first_log:]]
        assert asked == ["/robots.txt", "/feed.xml"]
        assert site.log[-1][1]["If-None-Match"] == '"feed-1"'

    with open_store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert store.count_sources() == 2
        assert store.count_incidents(include_synthetic=False) == 0  # the pages say synthetic
        assert store.count_incidents() >= 1
        (overview,) = store.source_overview()
        assert (overview.items, overview.state.last_error) == (2, None)
        (stored,) = [
            s for s in map(store.get_source, store.report_source_ids()) if "Sotk" in s.text
        ]
        kept = store.intake_evidence(stored.id)
        assert kept.raw == served and kept.final_url == site.url("/news/sotk-shelling")
        assert "Shelling hit Sotk on 12 May 2024" in stored.text and "tracker" not in stored.text


def test_without_an_etag_the_feed_is_read_again_but_known_articles_are_not(
    tmp_path: Path,
) -> None:
    with serve() as site:
        news_site(site, etag=None)
        feed = site.url("/feed.xml")
        assert _watch(tmp_path, feed)[0] == 0
        before = len(site.log)
        code, out, _ = _watch(tmp_path, feed)
        assert code == 0 and "2 links, 0 new" in out
        assert [path for path, _ in site.log[before:]] == ["/robots.txt", "/feed.xml"]


def test_one_failing_source_never_stops_the_others_and_says_why(tmp_path: Path) -> None:
    with serve() as site:
        news_site(site)
        site.routes["/broken.xml"] = Route(
            b"<rss><channel><item><title>cut", content_type="application/rss+xml"
        )
        site.routes["/down.xml"] = Route(b"down", status=500)
        code, out, _ = _watch(
            tmp_path, site.url("/down.xml"), site.url("/broken.xml"), site.url("/feed.xml")
        )
    assert code == 1
    assert "2 new items" in out and "2 failures" in out
    assert f"{site.url('/down.xml')}: FAILED: HTTP 500" in out
    assert "not a readable RSS or Atom feed" in out


def test_a_failed_article_is_retried_by_the_next_run(tmp_path: Path) -> None:
    with serve() as site:
        news_site(site)
        site.routes["/news/tegh-fire"] = Route(b"gone", status=503)
        code, out, _ = _watch(tmp_path, site.url("/feed.xml"))
        assert code == 1 and "1 new, 0 changed, 1 failed" in out and "HTTP 503" in out
        news_site(site)  # the article is back
        code, out, _ = _watch(tmp_path, site.url("/feed.xml"))
        assert code == 0 and "2 links, 1 new" in out


def test_a_changed_article_becomes_a_new_version_not_a_duplicate(tmp_path: Path) -> None:
    with serve() as site:
        page = site.url("/news/sotk-shelling")
        news_site(site)
        assert _watch(tmp_path, "--kind", "page", page)[0] == 0
        body = site.routes["/news/sotk-shelling"].body.replace(b"two soldiers", b"three soldiers")
        site.routes["/news/sotk-shelling"] = Route(body)
        code, out, _ = _watch(tmp_path, "--kind", "page", page)
        assert code == 0 and "0 new, 1 changed" in out
        code, out, _ = _watch(tmp_path, "--kind", "page", page)
        assert code == 0 and "1 unchanged" in out
    with open_store(f"sqlite:///{tmp_path / 'store.db'}") as store:
        assert store.count_sources() == 2
        assert store.latest_intake_item(page).version == 2


def test_a_listing_page_is_followed_by_its_selector(tmp_path: Path) -> None:
    listing = (
        b'<html><body><div class="list"><h2><a href="/news/sotk-shelling">S</a></h2>'
        b'<h2><a href="/news/tegh-fire">T</a></h2></div><a href="/about">About</a></body></html>'
    )
    with serve() as site:
        news_site(site)
        site.routes["/news"] = Route(listing)
        code, out, _ = _watch(
            tmp_path, "--kind", "listing", "--selector", ".list h2", site.url("/news")
        )
    assert code == 0 and "2 links, 2 new" in out
    assert site.asked("/about") == 0


def test_a_bad_url_or_nothing_to_watch_is_a_clear_error(tmp_path: Path) -> None:
    code, _, err = _watch(tmp_path, "file:///etc/passwd")
    assert code == 2 and "not an http(s) URL" in err
    code, _, err = _watch(tmp_path)
    assert code == 2 and "nothing to watch" in err


def test_a_run_sends_a_configured_alert_its_new_incidents_once(tmp_path: Path) -> None:
    with serve() as site, webhook_receiver() as hook:
        news_site(site, etag=None)
        alert = (
            f'\n[[alert]]\nname = "All synthetic"\nfilter = "synthetic=1"\nwebhook = "{hook.url}"\n'
        )
        config = tmp_path / "intake.toml"
        config.write_text(CONFIG + alert, encoding="utf-8")
        args = ["watch", site.url("/feed.xml"), "--once", "--config", str(config)]
        database = ["--url", f"sqlite:///{tmp_path / 'store.db'}"]
        first = CliRunner().invoke(main, args + database)
        second = CliRunner().invoke(main, args + database)
    assert first.exit_code == 0, first.output
    assert "alert All synthetic:" in first.stdout and "to webhook" in first.stdout
    assert "alert " not in second.stdout
    (payload,) = hook.received
    assert {i["link"].split("=")[0] for i in payload["incidents"]} == {
        "http://localhost:8501/?incident"
    }


def test_alerts_are_added_listed_and_removed(tmp_path: Path) -> None:
    database = ["--url", f"sqlite:///{tmp_path / 'store.db'}"]
    runner = CliRunner()
    added = runner.invoke(
        main, ["alert", "add", "Deaths", "--filter", "country=AM&minfat=1", "--email",
               "desk@example.org", *database],
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    listed = runner.invoke(main, ["alert", "list", *database])
    assert listed.stdout == "Deaths\tcountry=AM&minfat=1\temail desk@example.org\n"
    bad = runner.invoke(main, ["alert", "add", "X", "--filter", "to=soon", "--webhook",
                               "http://h.example", *database])  # fmt: skip
    assert bad.exit_code == 2 and "cannot be read" in bad.stderr
    assert runner.invoke(main, ["alert", "remove", "Deaths", *database]).exit_code == 0
    assert runner.invoke(main, ["alert", "remove", "Deaths", *database]).exit_code == 2


def test_since_leaves_out_older_feed_entries(tmp_path: Path) -> None:
    with serve() as site:
        news_site(site)  # the feed dates both entries 1 July 2024
        code, out, _ = _watch(tmp_path, site.url("/feed.xml"), "--since", "2024-07-02")
        assert code == 0 and "0 links, 0 new" in out
        assert site.asked("/news/sotk-shelling") == 0


def test_a_linked_file_that_is_not_html_is_a_named_failure(tmp_path: Path) -> None:
    with serve() as site:
        news_site(site)
        site.routes["/news/tegh-fire"] = Route(b"%PDF-1.7", content_type="application/pdf")
        code, out, _ = _watch(tmp_path, site.url("/feed.xml"))
    assert code == 1 and "1 new, 0 changed, 1 failed" in out
    assert "/news/tegh-fire: not an HTML page (Content-Type application/pdf)" in out


def test_watched_sources_are_listed_stopped_and_resumed(tmp_path: Path) -> None:
    database = ["--url", f"sqlite:///{tmp_path / 'store.db'}"]
    runner = CliRunner()
    with serve() as site:
        feed = site.url("/feed.xml")
        news_site(site)
        assert _watch(tmp_path, feed)[0] == 0
        listed = runner.invoke(main, ["watched", "list", *database]).stdout
        assert listed.startswith(f"{feed}\tfeed\t") and "2 items" in listed
        assert runner.invoke(main, ["watched", "stop", feed, *database]).exit_code == 0
        assert "(stopped)" in runner.invoke(main, ["watched", "list", *database]).stdout
        code, _, err = _watch(tmp_path)
        assert code == 2 and "nothing to watch" in err
        assert runner.invoke(main, ["watched", "stop", "nobody", *database]).exit_code == 2

        code, out, _ = _watch(tmp_path, feed)  # named again: followed again
        assert code == 0 and f"{feed}: not modified" in out
        assert "(stopped)" not in runner.invoke(main, ["watched", "list", *database]).stdout


def _atom(base: str, updated: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>Synthetic</title><entry><title>Sotk</title>"
        f"<link href='{base}/news/sotk-shelling'/>"
        f"<updated>{updated}</updated></entry></feed>"
    ).encode()


def test_an_entry_the_feed_says_was_updated_is_fetched_again_as_a_new_version(
    tmp_path: Path,
) -> None:
    with serve() as site:
        news_site(site)
        site.routes["/atom.xml"] = Route(_atom(site.base, "2024-05-12T08:00:00Z"),
                                         content_type="application/atom+xml")  # fmt: skip
        assert _watch(tmp_path, site.url("/atom.xml"))[0] == 0
        code, out, _ = _watch(tmp_path, site.url("/atom.xml"))
        assert code == 0 and "1 links, 0 new, 0 changed" in out  # not updated: not asked
        assert site.asked("/news/sotk-shelling") == 1

        page = site.routes["/news/sotk-shelling"]
        site.routes["/news/sotk-shelling"] = Route(page.body.replace(b"two soldiers", b"three"))
        later = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        site.routes["/atom.xml"] = Route(_atom(site.base, later),
                                         content_type="application/atom+xml")  # fmt: skip
        code, out, _ = _watch(tmp_path, site.url("/atom.xml"))
        assert code == 0 and "1 links, 0 new, 1 changed" in out


def test_a_url_already_configured_is_watched_as_that_source(tmp_path: Path) -> None:
    with serve() as site:
        news_site(site)
        config = tmp_path / "intake.toml"
        config.write_text(
            CONFIG + f'\n[[source]]\nname = "Feed"\nurl = "{site.url("/feed.xml")}"\n',
            encoding="utf-8",
        )
        database = f"sqlite:///{tmp_path / 'store.db'}"
        args = [
            "watch",
            site.url("/feed.xml"),
            "--once",
            "--config",
            str(config),
            "--url",
            database,
        ]
        result = CliRunner().invoke(main, args)
    assert (
        result.exit_code == 0
        and "1 sources" in result.stdout
        and "  Feed: 2 links" in result.stdout
    )


def test_without_once_it_runs_every_interval_until_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr("dashboard.cli.watch.time.sleep", sleep)
    config = tmp_path / "intake.toml"
    config.write_text(CONFIG, encoding="utf-8")
    with serve() as site:
        news_site(site)
        args = ["watch", site.url("/feed.xml"), "--interval", "2m", "--config", str(config),
                "--url", f"sqlite:///{tmp_path / 'store.db'}"]  # fmt: skip
        result = CliRunner().invoke(main, args)
    assert result.exit_code == 0 and waits == [120.0, 120.0]
    assert result.stdout.count("watch run ") == 2 and result.stdout.endswith("stopped\n")
