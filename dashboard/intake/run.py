"""One watch run: every watched source fetched, its new articles ingested, a summary kept.

Per source: the feed, listing or page is fetched conditionally (its stored
ETag and Last-Modified); a 304 ends there. Otherwise its article links are
read, those fetched before are passed over (as linked or as their canonical
URL) unless the feed says they were updated since, and each new one is fetched, read and handed to
:func:`dashboard.pipeline.ingest_fetched`, which extracts, geocodes and merges
it like any report. Dedupe happens twice: an article whose canonical URL is
stored with the same text is unchanged, one whose text is stored under
another URL is a duplicate; a changed text is the article's next version.

One failing source or article never stops the others: each failure is kept
on its source (``last_error``) and in the summary, with why. When any article
of a source failed, its new validators are not kept, so the next run reads
the listing again and retries that article (the others are known by then).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from dashboard import pipeline
from dashboard.extract.evidence import GazetteerLike
from dashboard.intake.fetch import Fetched, Fetcher, FetchError
from dashboard.intake.parse import (
    Article,
    Link,
    Links,
    ParseError,
    canonical,
    feed_links,
    listing_links,
    read_article,
)
from dashboard.models import Source, SourceKind, WatchKind, content_hash
from dashboard.sources import source_id
from dashboard.sources.scripts import guess_language
from dashboard.store import Store, StoreError
from dashboard.store.intake import FetchedItem, WatchState


@dataclass
class SourceOutcome:
    """What one run did with one watched source."""

    name: str
    not_modified: bool = False
    links: int = 0
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    duplicates: int = 0
    error: str | None = None
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def line(self) -> str:
        if self.error:
            return f"{self.name}: FAILED: {self.error}"
        if self.not_modified:
            return f"{self.name}: not modified"
        parts = [f"{self.links} links", f"{self.new} new", f"{self.changed} changed"]
        if self.unchanged:
            parts.append(f"{self.unchanged} unchanged")
        if self.duplicates:
            parts.append(f"{self.duplicates} duplicates")
        if self.failures:
            parts.append(f"{len(self.failures)} failed")
        return f"{self.name}: " + ", ".join(parts)


@dataclass
class WatchSummary:
    """A run's summary: per source, plus what ingest made of the new articles."""

    started: datetime
    outcomes: list[SourceOutcome] = field(default_factory=list)
    ingest: pipeline.IngestSummary = field(default_factory=pipeline.IngestSummary)

    @property
    def failures(self) -> list[str]:
        found = [f"{o.name}: {o.error}" for o in self.outcomes if o.error]
        found += [f"{o.name}: {f}" for o in self.outcomes for f in o.failures]
        return found + self.ingest.errors

    @property
    def ok(self) -> bool:
        return not self.failures

    def lines(self) -> list[str]:
        new = sum(o.new for o in self.outcomes)
        changed = sum(o.changed for o in self.outcomes)
        head = (
            f"watch run {self.started:%Y-%m-%d %H:%M} UTC: {len(self.outcomes)} sources, "
            f"{new} new items, {changed} changed, {self.ingest.incidents_created} incidents "
            f"created, {self.ingest.incidents_merged} merged, {len(self.failures)} failures"
        )
        lines = [head, *(f"  {o.line()}" for o in self.outcomes)]
        # A source's own failure is on its line; its articles' and ingest's are listed here.
        lines += [f"  failure: {o.name}: {why}" for o in self.outcomes for why in o.failures]
        lines += [f"  failure: {why}" for why in self.ingest.errors]
        lines += [f"  warning: {o.name}: {why}" for o in self.outcomes for why in o.warnings]
        return lines


def watch_once(
    store: Store,
    states: Sequence[WatchState],
    fetcher: Fetcher,
    gazetteer: GazetteerLike,
    *,
    since: date | None = None,
) -> WatchSummary:
    """Fetch every source in ``states`` once and ingest what is new."""
    run = _Run(store, fetcher, gazetteer, since, WatchSummary(started=datetime.now(UTC)))
    for state in states:
        run.watch(state)
    try:
        pipeline.redate_undated(store, gazetteer, run.summary.ingest)
    except StoreError as exc:
        run.summary.ingest.errors.append(f"redating undated reports: {exc}")
    return run.summary


@dataclass
class _Run:
    """What every step of one run shares."""

    store: Store
    fetcher: Fetcher
    gazetteer: GazetteerLike
    since: date | None
    summary: WatchSummary

    def watch(self, state: WatchState) -> None:
        """One source, never raising: what goes wrong ends up in its outcome and the store."""
        source = state.source
        outcome = SourceOutcome(source.name)
        self.summary.outcomes.append(outcome)
        try:
            fetched = self.fetcher.fetch(
                source.url, etag=state.etag, last_modified=state.last_modified
            )
            if fetched.not_modified:
                outcome.not_modified = True
                self._keep(outcome, fetched.fetched_at, state.etag, state.last_modified)
                return
            if source.kind is WatchKind.PAGE:
                outcome.links = 1
                self.article(state, Link(source.url), fetched, outcome)
            else:
                self.follow(state, fetched, outcome)
        except (FetchError, ParseError, StoreError) as exc:
            own = isinstance(exc, FetchError) and exc.url == source.url
            outcome.error = exc.reason if own else str(exc)
            self._record_error(outcome, outcome.error)
            return
        except Exception as exc:  # a bug reading one source must not stop the others
            outcome.error = f"{type(exc).__name__}: {exc}"
            self._record_error(outcome, outcome.error)
            return
        if outcome.failures:
            first = outcome.failures[0]
            self._record_error(outcome, f"{len(outcome.failures)} articles failed, first: {first}")
        else:
            self._keep(outcome, fetched.fetched_at, fetched.etag, fetched.last_modified)

    def follow(self, state: WatchState, fetched: Fetched, outcome: SourceOutcome) -> None:
        """A feed's or listing's new articles, each fetched and ingested on its own."""
        found = _links(state, fetched)
        outcome.warnings.extend(found.warnings)
        links = [
            link for link in found.links
            if self.since is None or link.published is None or link.published >= self.since
        ]  # fmt: skip
        outcome.links = len(links)
        known = self.store.known_links(
            {u for link in links for u in (link.url, canonical(link.url))}
        )
        for link in links:
            if not _worth_fetching(link, known):
                continue
            try:
                self.article(state, link, self.fetcher.fetch(link.url), outcome)
            except FetchError as exc:
                outcome.failures.append(str(exc))
            except ParseError as exc:
                outcome.failures.append(f"{link.url}: {exc}")
            except Exception as exc:  # a bug reading one page must not stop the others
                outcome.failures.append(f"{link.url}: {type(exc).__name__}: {exc}")

    def article(self, state: WatchState, link: Link, page: Fetched, outcome: SourceOutcome) -> None:
        """Read one fetched article; ingest it unless its text is already stored."""
        article = read_article(page.body, page.content_type, page.final_url)
        text_hash = content_hash(article.text)
        latest = self.store.latest_intake_item(article.canonical_url)
        if latest is not None and latest.text_hash == text_hash:
            outcome.unchanged += 1
            return
        if latest is None and self.store.intake_text_known(text_hash):
            outcome.duplicates += 1
            return
        evidence = FetchedItem(
            watched=state.source.name, link_url=link.url, canonical_url=article.canonical_url,
            final_url=page.final_url, text_hash=text_hash, author=article.author,
            raw=page.body, raw_type=page.content_type or "application/octet-stream",
            fetched_at=page.fetched_at,
        )  # fmt: skip
        source = _report(article, link, state)
        version = pipeline.ingest_fetched(
            source, evidence, self.store, self.gazetteer, self.summary.ingest
        )
        if version is None:  # its error is the source's, so the next run tries it again
            outcome.failures.append(self.summary.ingest.errors.pop())
        elif version == 1:
            outcome.new += 1
        else:
            outcome.changed += 1

    def _keep(
        self, outcome: SourceOutcome, at: datetime, etag: str | None, modified: str | None
    ) -> None:
        try:
            self.store.record_fetch(outcome.name, at=at, etag=etag, last_modified=modified)
        except StoreError as exc:
            outcome.error = f"cannot keep its state: {exc}"

    def _record_error(self, outcome: SourceOutcome, error: str) -> None:
        try:
            self.store.record_fetch(outcome.name, at=datetime.now(UTC), error=error)
        except StoreError as exc:
            outcome.error = f"{error}; and cannot keep it: {exc}"


def _worth_fetching(link: Link, known: dict[str, datetime]) -> bool:
    """New, or updated (the feed says) since it was last fetched: a changed article's next
    version. Otherwise it is not asked for again."""
    last = known.get(link.url) or known.get(canonical(link.url))
    return last is None or (link.updated is not None and link.updated > last)


def _links(state: WatchState, fetched: Fetched) -> Links:
    if state.source.kind is WatchKind.FEED:
        return feed_links(fetched.body, fetched.final_url)
    selector = state.source.selector or "a"
    return listing_links(fetched.body, fetched.content_type, fetched.final_url, selector)


def _report(article: Article, link: Link, state: WatchState) -> Source:
    """The report an article becomes; its id is a file's (text and URL), so ingest's rules hold."""
    digest = content_hash(article.text, article.canonical_url)
    language = article.language or state.source.language or guess_language(article.text)
    return Source(
        id=source_id(digest),
        title=article.title or link.title or article.canonical_url,
        content_hash=digest,
        kind=SourceKind.REPORT,
        url=article.canonical_url,
        publisher=article.publisher or state.source.name,
        published=article.published or link.published,
        language=language,
        text=article.text,
    )
