"""One watch run straight from the module (the CLI tests cover the command around it)."""

from __future__ import annotations

import pytest
from intake_site import news_site
from local_web import serve

from dashboard import pipeline
from dashboard.gazetteer import load_gazetteer
from dashboard.intake.fetch import Fetcher, FetchPolicy
from dashboard.intake.run import watch_once
from dashboard.models import WatchedSource
from dashboard.store import Store

POLICY = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}), min_interval=0.0, retries=0)


@pytest.fixture(scope="module")
def gazetteer():
    return load_gazetteer()


def test_an_article_the_store_refuses_is_the_sources_failure_and_tried_again(
    store: Store, gazetteer, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = pipeline.extract_with_store

    def refuse_tegh(source, *args):
        if "Tegh" in (source.text or ""):
            raise ValueError("refused for the test")
        return real(source, *args)

    with serve() as site:
        news_site(site)
        store.save_watched_sources([WatchedSource("Feed", site.url("/feed.xml"))])
        monkeypatch.setattr(pipeline, "extract_with_store", refuse_tegh)
        first = watch_once(store, store.watch_states(), Fetcher(POLICY), gazetteer)
        (state,) = store.watch_states()
        monkeypatch.setattr(pipeline, "extract_with_store", real)
        second = watch_once(store, store.watch_states(), Fetcher(POLICY), gazetteer)

    (outcome,) = first.outcomes
    assert (outcome.new, len(outcome.failures)) == (1, 1)
    assert "refused for the test" in outcome.failures[0] and first.ingest.errors == []
    assert "1 articles failed" in state.last_error and state.etag is None  # not kept: retry
    assert (second.outcomes[0].new, second.ok) == (1, True)
    assert store.watch_states()[0].etag == '"feed-1"'
