"""Live intake: follow feeds and pages, fetch what is new, hand it to the ingest pipeline.

A stage between the sources and extraction: where :mod:`dashboard.sources`
reads report *files*, this package reads the web, politely, and keeps the
evidence. One module per step:

- :mod:`.fetch`: polite HTTP (conditional requests, per-host pace, timeouts,
  retries, robots.txt, size cap, redirect limit, http(s) only, no private
  addresses unless allowed);
- :mod:`.parse`: feeds (feedparser), listing pages (a CSS selector) and
  articles (trafilatura) → links, or text and metadata; canonical URLs;
- :mod:`.config`: the intake config file (TOML): politeness, sources, alerts, SMTP;
- :mod:`.run`: one watch run over the watched sources, each new article handed
  to :func:`dashboard.pipeline.ingest_fetched` (so it is extracted, geocoded and
  merged like any report), and its summary;
- :mod:`.alerts`: after a run, each saved filter's newly matching incidents to a
  webhook and/or an email, once each.

The watch state and the evidence (raw page, final URL, fetch time) live in the
store (:mod:`dashboard.store.intake`); ``borderwatch watch`` is the wiring
(:mod:`dashboard.cli.watch`).

Public names: :class:`Fetcher`, :class:`FetchPolicy`, :class:`FetchError`,
:func:`watch_once`, :class:`WatchSummary`, :func:`load_config`, :class:`IntakeConfig`.
"""

from dashboard.intake.config import IntakeConfig, load_config
from dashboard.intake.fetch import Fetcher, FetchError, FetchPolicy
from dashboard.intake.run import WatchSummary, watch_once

__all__ = [
    "FetchError",
    "FetchPolicy",
    "Fetcher",
    "IntakeConfig",
    "WatchSummary",
    "load_config",
    "watch_once",
]
