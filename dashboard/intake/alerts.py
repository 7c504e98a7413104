"""Alerts: after a run, newly matching incidents of each saved filter go to a webhook or an email.

An alert's filter is a dashboard link (or its query string): it selects
incidents exactly as the dashboard's sidebar would
(:meth:`~dashboard.query.IncidentFilter.from_params`, :func:`~dashboard.query.filter_mask`).
Each run, every channel of every alert gets the incidents created since the
alert was saved that match it and that it was not sent yet, in one message
(:class:`Notice`): each incident's window, place, summary, the start of its
first excerpt and its dashboard link. A channel that fails is named in the
summary and tried again next run; nothing is recorded as sent until the
webhook answered 2xx or the SMTP server accepted the mail.

Webhooks get JSON (``{"alert", "filter", "incidents": [...]}``) by POST;
e-mails are plain text. The webhook URL is the user's own configuration, so
unlike fetched pages it may be on a private address (a team's chat server).
"""

from __future__ import annotations

import json
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import urllib3

from dashboard import query
from dashboard.intake.config import SmtpSettings
from dashboard.store import Store, StoreError
from dashboard.store.alerts import Alert

EXCERPT_CHARS = 300
_LISTS = ("country", "province", "segment", "type", "review")
TIMEOUT = 20.0


def filter_from_link(link: str) -> query.IncidentFilter:
    """The filter a dashboard link (or just its query string) describes."""
    text = link.split("?", 1)[1] if "?" in link else link
    raw = parse_qs(text.lstrip("?"), keep_blank_values=False)
    params: dict[str, Any] = {}
    for name, values in raw.items():
        if name in _LISTS:
            params[name] = [v for value in values for v in value.split(",") if v]
        elif name in ("from", "to"):
            params[name] = date.fromisoformat(values[0])
        elif name == "minfat":
            params[name] = int(values[0])
        elif name == "synthetic":
            params[name] = values[0].lower() in ("1", "true", "yes", "on")
        else:
            params[name] = values[0]
    return query.IncidentFilter.from_params(params)


def check_link(link: str) -> None:
    """Raise ValueError naming the bad value if ``link`` cannot be read as a filter."""
    try:
        filter_from_link(link)
    except ValueError as exc:
        raise ValueError(f"filter {link!r} cannot be read: {exc}") from exc


@dataclass(frozen=True)
class Notice:
    """One message: the alert and its new incidents, ready for a channel."""

    alert: Alert
    incidents: list[dict[str, Any]]

    def payload(self) -> dict[str, Any]:
        return {"alert": self.alert.name, "filter": self.alert.query, "incidents": self.incidents}

    def subject(self) -> str:
        count = len(self.incidents)
        return f"borderwatch: {count} new incident{'s' * (count != 1)} for “{self.alert.name}”"

    def text(self) -> str:
        lines = [self.subject(), f"Filter: {self.alert.query}", ""]
        for item in self.incidents:
            lines += [
                f"{item['date']} · {item['place'] or 'unplaced'} · {item['event_type']}",
                item["summary"],
                f"“{item['excerpt']}”" if item["excerpt"] else "(no excerpt)",
                item["link"],
                "",
            ]
        return "\n".join(lines)


@dataclass
class AlertSummary:
    sent: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"  alert {line}" for line in self.sent] + [
            f"  failure: alert {why}" for why in self.errors
        ]


def send_alerts(
    store: Store,
    dashboard_url: str,
    smtp: SmtpSettings | None,
    table: query.IncidentTable | None = None,
) -> AlertSummary:
    """Send every alert's new matching incidents on each of its channels."""
    summary = AlertSummary()
    alerts = store.saved_alerts()
    if not alerts:
        return summary
    table = table if table is not None else query.load_incident_table(store)
    for alert in alerts:
        try:
            matching = _matching_ids(store, table, alert)
        except (ValueError, StoreError) as exc:
            summary.errors.append(f"{alert.name}: {exc}")
            continue
        for channel in alert.channels():
            _send_channel(
                store, alert, channel, matching=matching, dashboard_url=dashboard_url,
                smtp=smtp, summary=summary,
            )  # fmt: skip
    return summary


def _matching_ids(store: Store, table: query.IncidentTable, alert: Alert) -> set[str]:
    filt = filter_from_link(alert.query)
    text_ids = query.search_incident_ids(store, filt.text) if filt.text else None
    mask = query.filter_mask(table, filt, text_ids)
    return set(table.incidents["id"].to_numpy()[mask])


def _send_channel(
    store: Store,
    alert: Alert,
    channel: str,
    *,
    matching: set[str],
    dashboard_url: str,
    smtp: SmtpSettings | None,
    summary: AlertSummary,
) -> None:
    new = [i for i in store.undelivered_incidents(alert, channel) if i in matching]
    if not new:
        return
    notice = Notice(alert, _incident_items(store, new, dashboard_url))
    try:
        if channel == "webhook":
            post_webhook(alert.webhook or "", notice)
        else:
            send_email(smtp, alert.email or "", notice)
        store.record_deliveries(alert.name, channel, new, datetime.now(UTC))
    except (AlertError, StoreError) as exc:
        summary.errors.append(f"{alert.name} ({channel}): {exc}")
        return
    summary.sent.append(f"{alert.name}: {len(new)} incidents to {channel}")


def _incident_items(store: Store, ids: Sequence[str], dashboard_url: str) -> list[dict[str, Any]]:
    heads = store.excerpt_heads(ids, EXCERPT_CHARS)
    items = []
    for incident_id in ids:
        incident = store.get_incident(incident_id)
        if incident is None:
            continue
        provinces = ", ".join(p.name for p in incident.provinces)
        items.append({
            "id": incident.id,
            "date": incident.date_start.isoformat() if incident.date_start == incident.date_end
                    else f"{incident.date_start}..{incident.date_end}",
            "event_type": incident.event_type.value,
            "place": provinces,
            "summary": incident.summary,
            "excerpt": heads.get(incident_id, ""),
            "link": f"{dashboard_url.rstrip('/')}/?incident={quote(incident.id)}",
        })  # fmt: skip
    return items


class AlertError(Exception):
    """A channel that did not accept a notice."""


def post_webhook(url: str, notice: Notice) -> None:
    """POST the notice as JSON; anything but a 2xx answer is an :class:`AlertError`."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise AlertError(f"webhook {url!r} is not an http(s) URL")
    body = json.dumps(notice.payload(), ensure_ascii=False).encode("utf-8")
    try:
        response = urllib3.request(
            "POST", url, body=body, headers={"Content-Type": "application/json"},
            timeout=TIMEOUT, retries=False, redirect=False,
        )  # fmt: skip
    except urllib3.exceptions.HTTPError as exc:
        raise AlertError(f"webhook {url}: {exc}") from exc
    if not 200 <= response.status < 300:
        raise AlertError(f"webhook {url}: HTTP {response.status}")


def send_email(smtp: SmtpSettings | None, to: str, notice: Notice) -> None:
    """Send the notice as a plain-text mail through the configured SMTP server."""
    if smtp is None:
        raise AlertError("no [smtp] settings (in the intake config or .streamlit/secrets.toml)")
    message = EmailMessage()
    message["Subject"] = notice.subject()
    message["From"] = smtp.sender
    message["To"] = to
    message.set_content(notice.text())
    try:
        with smtplib.SMTP(smtp.host, smtp.port, timeout=TIMEOUT) as server:
            if smtp.starttls:
                server.starttls()
            if smtp.user:
                server.login(smtp.user, smtp.password or "")
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise AlertError(f"email to {to} via {smtp.host}:{smtp.port}: {exc}") from exc
