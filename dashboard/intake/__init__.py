"""Live intake: follow feeds and pages, fetch what is new, hand it to the ingest pipeline.

A stage between the sources and extraction: where :mod:`dashboard.sources`
reads report *files*, this package reads the web, politely, and keeps the
evidence. One module per step:

- :mod:`.fetch`: polite HTTP (conditional requests, per-host pace, timeouts,
  retries, robots.txt, size cap, redirect limit, http(s) only, no private
  addresses unless allowed);
- :mod:`.parse`: feeds (feedparser), listing pages (a CSS selector) and
  articles (trafilatura) → links, or text and metadata; canonical URLs;
"""
