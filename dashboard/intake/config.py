"""The intake config file (TOML): how politely to fetch, what to watch, where alerts go.

::

    [intake]
    contact = "mailto:desk@example.org"   # in the User-Agent: who to write to
    interval = "15m"                      # between runs without --once
    min_interval = 5                      # seconds between two requests to one host
    timeout = 20
    retries = 2
    max_bytes = 5_000_000
    max_redirects = 5
    allow_hosts = []                      # hosts allowed on private addresses
    dashboard_url = "http://localhost:8501"

    [[source]]
    name = "Ministry of Defence"
    url = "https://mod.example/rss"
    kind = "feed"                         # feed | listing | page
    selector = "h2.title a"               # listing pages only
    language = "hy"
    notes = "official statements"

    [[alert]]
    name = "Deaths on the border"
    filter = "country=AM&minfat=1"        # a dashboard link or its query string
    webhook = "https://hooks.example/x"
    email = "desk@example.org"

    [smtp]
    host = "localhost"
    port = 25
    sender = "borderwatch@example.org"
    user = ""                             # optional; password likewise
    starttls = false

SMTP settings may live in ``.streamlit/secrets.toml`` under ``[smtp]``
instead, beside the dashboard's other secrets (:func:`smtp_from_secrets`).
Every mistake is a :class:`ConfigError` naming the file and the entry.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dashboard.intake.fetch import DEFAULT_CONTACT, FetchPolicy
from dashboard.models import WatchedSource, WatchKind

DEFAULT_INTERVAL = 15 * 60.0
DEFAULT_DASHBOARD_URL = "http://localhost:8501"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


class ConfigError(ValueError):
    """A config file that cannot be used, and where."""


@dataclass(frozen=True)
class AlertSpec:
    """A saved filter and where its new incidents go."""

    name: str
    filter: str
    webhook: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    sender: str
    port: int = 25
    user: str | None = None
    password: str | None = None
    starttls: bool = False


@dataclass(frozen=True)
class IntakeConfig:
    policy: FetchPolicy = field(default_factory=FetchPolicy)
    interval: float = DEFAULT_INTERVAL
    sources: tuple[WatchedSource, ...] = ()
    alerts: tuple[AlertSpec, ...] = ()
    smtp: SmtpSettings | None = None
    dashboard_url: str = DEFAULT_DASHBOARD_URL


def parse_duration(text: str) -> float:
    """``"15m"``, ``"1h"``, ``"30s"``, ``"900"`` → seconds."""
    match = _DURATION.match(str(text))
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"{text!r} is not a duration like 30s, 15m, 1h or 1d")
    return float(match.group(1)) * _UNIT_SECONDS[match.group(2)]


def load_config(path: Path) -> IntakeConfig:
    """Read and check an intake config file."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return _config(data)
    except (TypeError, ValueError, KeyError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _config(data: dict[str, Any]) -> IntakeConfig:
    intake = dict(data.get("intake", {}))
    interval = parse_duration(intake.pop("interval", "15m"))
    dashboard_url = str(intake.pop("dashboard_url", DEFAULT_DASHBOARD_URL))
    known = set(FetchPolicy.__dataclass_fields__)
    unknown = set(intake) - known
    if unknown:
        raise ValueError(f"[intake] has unknown keys: {', '.join(sorted(unknown))}")
    if "allow_hosts" in intake:
        intake["allow_hosts"] = frozenset(intake["allow_hosts"])
    policy = FetchPolicy(**intake)
    sources = tuple(_source(i, entry) for i, entry in enumerate(data.get("source", [])))
    names = [s.name for s in sources]
    if len(set(names)) != len(names):
        raise ValueError("two [[source]] entries have the same name")
    alerts = tuple(_alert(i, entry) for i, entry in enumerate(data.get("alert", [])))
    smtp = _smtp(data["smtp"]) if "smtp" in data else None
    return IntakeConfig(policy, interval, sources, alerts, smtp, dashboard_url)


def _source(index: int, entry: dict[str, Any]) -> WatchedSource:
    where = f"[[source]] {index + 1} ({entry.get('name', 'unnamed')})"
    try:
        kind = WatchKind(entry.get("kind", "feed"))
    except ValueError as exc:
        raise ValueError(f"{where}: kind must be feed, listing or page") from exc
    if not str(entry.get("url", "")).startswith(("http://", "https://")):
        raise ValueError(f"{where}: url must be an http(s) URL")
    try:
        return WatchedSource(
            name=str(entry.get("name", "")), url=entry["url"], kind=kind,
            selector=entry.get("selector"), language=entry.get("language"),
            notes=entry.get("notes"),
        )  # fmt: skip
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from exc


def _alert(index: int, entry: dict[str, Any]) -> AlertSpec:
    where = f"[[alert]] {index + 1} ({entry.get('name', 'unnamed')})"
    if not entry.get("name") or "filter" not in entry:
        raise ValueError(f"{where}: needs a name and a filter")
    if not entry.get("webhook") and not entry.get("email"):
        raise ValueError(f"{where}: needs a webhook, an email, or both")
    return AlertSpec(entry["name"], entry["filter"], entry.get("webhook"), entry.get("email"))


def _smtp(entry: dict[str, Any]) -> SmtpSettings:
    if not entry.get("host") or not entry.get("sender"):
        raise ValueError("[smtp] needs a host and a sender")
    return SmtpSettings(
        host=entry["host"], sender=entry["sender"], port=int(entry.get("port", 25)),
        user=entry.get("user") or None, password=entry.get("password") or None,
        starttls=bool(entry.get("starttls", False)),
    )  # fmt: skip


def smtp_from_secrets(path: Path) -> SmtpSettings | None:
    """The ``[smtp]`` table of a Streamlit secrets file, if it has one."""
    if not path.is_file():
        return None
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return _smtp(data["smtp"]) if "smtp" in data else None
    except (tomllib.TOMLDecodeError, ValueError, TypeError) as exc:
        raise ConfigError(f"{path}: [smtp]: {exc}") from exc


__all__ = [
    "DEFAULT_CONTACT",
    "AlertSpec",
    "ConfigError",
    "IntakeConfig",
    "SmtpSettings",
    "load_config",
    "parse_duration",
    "smtp_from_secrets",
]
