"""``borderwatch watch``: follow feeds and pages, ingest what is new, alert on saved filters."""

from __future__ import annotations

import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dashboard.cli.errors import border_gazetteer, fail
from dashboard.cli.options import border_option, url_option

if TYPE_CHECKING:
    from datetime import date, datetime

    from dashboard.extract.evidence import GazetteerLike
    from dashboard.intake.config import IntakeConfig, SmtpSettings
    from dashboard.models import WatchedSource
    from dashboard.store import Store

_KINDS = ("feed", "listing", "page")
# Where `borderwatch app` keeps the dashboard's secrets; [smtp] may live there too.
SECRETS = Path(".streamlit") / "secrets.toml"


@click.command("watch")
@click.argument("urls", nargs=-1)
@click.option("--once", is_flag=True, help="One run, then exit (for cron or a systemd timer).")
@click.option("--interval", help="Time between runs: 30s, 15m, 1h (default: the config's, or 15m).")
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d"]),
    help="Leave out articles a feed dates before YYYY-MM-DD.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Intake config (TOML): sources, politeness, alerts, SMTP.",
)
@click.option("--kind", type=click.Choice(_KINDS), default="feed", help="What the URLs given are.")
@click.option("--selector", help="CSS selector of a listing page's article links.")
@click.option("--contact", help="Who site owners may write to (in the User-Agent).")
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    help="Host that may be on a private address, e.g. 127.0.0.1 (repeatable).",
)
@url_option
@border_option
def watch_command(
    urls: tuple[str, ...],
    once: bool,
    interval: str | None,
    since: datetime | None,
    config_path: Path | None,
    kind: str,
    selector: str | None,
    contact: str | None,
    allow_hosts: tuple[str, ...],
    url: str | None,
    border: str | None,
) -> None:
    """Follow feeds and pages (URLs given, or the config's and the store's sources).

    Each run fetches every source politely and conditionally, ingests the
    articles not seen before (extracted, geocoded and merged as `ingest`
    does, the raw page kept), then sends saved alerts their new incidents,
    and prints a summary. Without --once it runs again every --interval until
    stopped. Exit status 1 when a --once run had any failure.
    """
    from dashboard import store
    from dashboard.intake.config import ConfigError, IntakeConfig, load_config, parse_duration

    try:
        config = load_config(config_path) if config_path else IntakeConfig()
        seconds = parse_duration(interval) if interval else config.interval
        given = _given_sources(urls, kind, selector)
    except (ConfigError, ValueError) as exc:
        fail(str(exc))
    config = _with_overrides(config, contact, allow_hosts)
    gazetteer = border_gazetteer(border)
    try:
        store_ = store.open_store(url, upgrade=True)
    except store.StoreError as exc:
        fail(str(exc))
    with store_:
        try:
            store_.save_watched_sources(config.sources)
            names = _watch_given(store_, given)
            _save_config_alerts(store_, config)
        except (store.StoreError, ValueError) as exc:
            fail(str(exc))
        day = since.date() if since is not None else None
        try:
            while True:
                ok = _run(store_, config, names, gazetteer, day)
                if once:
                    sys.exit(0 if ok else 1)
                time.sleep(seconds)
        except KeyboardInterrupt:  # each article is its own transaction: nothing half-written
            click.echo("stopped")


def _given_sources(urls: tuple[str, ...], kind: str, selector: str | None) -> list[WatchedSource]:
    from dashboard.models import WatchedSource, WatchKind

    for given in urls:
        if not given.startswith(("http://", "https://")):
            raise ValueError(f"{given}: not an http(s) URL")
    return [WatchedSource(u, u, WatchKind(kind), selector=selector) for u in urls]


def _watch_given(store_: Store, given: list[WatchedSource]) -> list[str] | None:
    """The names to watch: a URL already followed under a name (e.g. from the config) is
    that source, as configured (followed again if it was stopped); another is added under
    its URL. ``None``: all of them."""
    if not given:
        return None
    stored = {s.source.url: s for s in store_.watch_states(active_only=False)}
    new = [s for s in given if s.url not in stored]
    stopped = [stored[s.url].source for s in given if s.url in stored and not stored[s.url].active]
    store_.save_watched_sources([*new, *stopped])  # saving a stopped one follows it again
    return [stored[s.url].source.name if s.url in stored else s.name for s in given]


def _with_overrides(
    config: IntakeConfig, contact: str | None, allow_hosts: tuple[str, ...]
) -> IntakeConfig:
    policy = config.policy
    if contact:
        policy = replace(policy, contact=contact)
    if allow_hosts:
        policy = replace(policy, allow_hosts=policy.allow_hosts | frozenset(allow_hosts))
    return replace(config, policy=policy)


def _run(
    store_: Store,
    config: IntakeConfig,
    names: list[str] | None,
    gazetteer: GazetteerLike,
    since: date | None,
) -> bool:
    """One run and its summary; True when nothing failed.

    A store that cannot be reached fails this run, not the process: a long run
    tries again after the interval (sources' failures never get here).
    """
    from dashboard.intake.alerts import send_alerts
    from dashboard.intake.fetch import Fetcher
    from dashboard.intake.run import watch_once
    from dashboard.store import StoreError

    try:
        states = store_.watch_states(names)
        if not states:
            fail("nothing to watch: give URLs, or a --config with [[source]] entries")
        summary = watch_once(store_, states, Fetcher(config.policy), gazetteer, since=since)
        for warning in summary.ingest.warnings:
            click.echo(f"warning: {warning}", err=True)
        for line in summary.lines():
            click.echo(line)
        sent = send_alerts(store_, config.dashboard_url, _smtp(config))
    except StoreError as exc:
        click.echo(f"error: this run failed: {exc}", err=True)
        return False
    for line in sent.lines():
        click.echo(line)
    return summary.ok and not sent.errors


def _save_config_alerts(store_: Store, config: IntakeConfig) -> None:
    from dashboard.intake.alerts import check_link
    from dashboard.store.alerts import Alert

    for spec in config.alerts:
        check_link(spec.filter)
        store_.save_alert(Alert(spec.name, spec.filter, spec.webhook, spec.email))


def _smtp(config: IntakeConfig) -> SmtpSettings | None:
    """The config's [smtp], else the one in .streamlit/secrets.toml (where the dashboard runs)."""
    from dashboard.intake.config import ConfigError, smtp_from_secrets

    if config.smtp is not None:
        return config.smtp
    try:
        return smtp_from_secrets(SECRETS)
    except ConfigError as exc:
        click.echo(f"warning: {exc}", err=True)
        return None


@click.group("alert")
def alert_group() -> None:
    """Saved filters whose new incidents `watch` sends to a webhook or an email."""


@alert_group.command("add")
@click.argument("name")
@click.option("--filter", "link", required=True, help="A dashboard link or its query string.")
@click.option("--webhook", help="URL to POST new incidents to (JSON).")
@click.option("--email", help="Address to mail new incidents to (SMTP settings: README).")
@url_option
def alert_add_command(
    name: str, link: str, webhook: str | None, email: str | None, url: str | None
) -> None:
    """Save (or change) alert NAME: incidents created from now on that match it are sent."""
    from dashboard import store
    from dashboard.intake.alerts import check_link
    from dashboard.store.alerts import Alert

    if not webhook and not email:
        fail("give --webhook, --email, or both")
    try:
        check_link(link)
        with store.open_store(url, upgrade=True) as store_:
            store_.save_alert(Alert(name, link, webhook, email))
    except (store.StoreError, ValueError) as exc:
        fail(str(exc))
    click.echo(f"alert {name!r} saved")


@alert_group.command("list")
@url_option
def alert_list_command(url: str | None) -> None:
    """The saved alerts: name, filter and channels."""
    from dashboard import store

    try:
        with store.open_store(url) as store_:
            saved = store_.saved_alerts()
    except store.StoreError as exc:
        fail(str(exc))
    for alert in saved:
        where = ", ".join(f"{c} {getattr(alert, c)}" for c in alert.channels())
        click.echo(f"{alert.name}\t{alert.query}\t{where}")


@alert_group.command("remove")
@click.argument("name")
@url_option
def alert_remove_command(name: str, url: str | None) -> None:
    """Delete alert NAME (and the record of what it sent)."""
    from dashboard import store

    try:
        with store.open_store(url) as store_:
            removed = store_.delete_alert(name)
    except store.StoreError as exc:
        fail(str(exc))
    if not removed:
        fail(f"no alert named {name!r}")
    click.echo(f"alert {name!r} removed")


@click.group("watched")
def watched_group() -> None:
    """The feeds and pages `watch` follows, and stopping one."""


@watched_group.command("list")
@url_option
def watched_list_command(url: str | None) -> None:
    """Each source: name, kind, URL, last fetch, last error, items, incidents."""
    from dashboard import store

    try:
        with store.open_store(url) as store_:
            overview = store_.source_overview()
    except store.StoreError as exc:
        fail(str(exc))
    for row in overview:
        state = row.state
        fetched = f"{state.last_fetch_at:%Y-%m-%d %H:%M} UTC" if state.last_fetch_at else "never"
        stopped = "" if state.active else " (stopped)"
        click.echo(
            f"{state.source.name}{stopped}\t{state.source.kind.value}\t{state.source.url}\t"
            f"{fetched}\t{state.last_error or '-'}\t{row.items} items\t{row.incidents} incidents"
        )


@watched_group.command("stop")
@click.argument("name")
@url_option
def watched_stop_command(name: str, url: str | None) -> None:
    """Stop following NAME (its fetched articles and their reports stay; `watch` resumes it)."""
    from dashboard import store

    try:
        with store.open_store(url) as store_:
            stopped = store_.stop_watching(name)
    except store.StoreError as exc:
        fail(str(exc))
    if not stopped:
        fail(f"no watched source named {name!r}")
    click.echo(f"stopped following {name!r}")
