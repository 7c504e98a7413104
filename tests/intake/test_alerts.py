"""Alerts: a saved filter's new incidents go once each to a local webhook and a local SMTP sink.

``store`` is tests/conftest.py's: every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from local_sinks import smtp_sink, webhook_receiver
from store_builders import OTHER_TEXT, report, sotk_incident

from dashboard.intake.alerts import check_link, filter_from_link, send_alerts
from dashboard.intake.config import SmtpSettings
from dashboard.store import Store
from dashboard.store.alerts import Alert

DASHBOARD = "http://dash.example:8501"
YEAR_BEFORE = date(2023, 5, 12)


def test_a_link_becomes_the_dashboards_filter() -> None:
    filt = filter_from_link(f"{DASHBOARD}/?from=2024-05-01&country=AM,AZ&minfat=1&q=shelling")
    assert (filt.date_from, filt.countries, filt.min_fatalities) == (
        date(2024, 5, 1), ("AM", "AZ"), 1
    )  # fmt: skip
    assert filt.text == "shelling" and not filt.include_synthetic
    with pytest.raises(ValueError, match="'from=2024-13-01' cannot be read"):
        check_link("from=2024-13-01")


def test_new_matching_incidents_go_once_to_the_webhook(store: Store) -> None:
    # Saved before the alert (another event: a year earlier), so never sent.
    old = replace(sotk_incident("src-old", "inc-old"), date_start=YEAR_BEFORE, date_end=YEAR_BEFORE)
    store.save_document(report("src-old", text=OTHER_TEXT), [old])
    with webhook_receiver() as hook:
        store.save_alert(Alert("Gegharkunik", "province=AM-GR", webhook=hook.url))
        store.save_alert(Alert("Elsewhere", "province=AZ-NX", webhook=hook.url))
        store.save_document(report("src-new"), [sotk_incident("src-new", "inc-new")])

        first = send_alerts(store, DASHBOARD, None)
        second = send_alerts(store, DASHBOARD, None)
    assert first.sent == ["Gegharkunik: 1 incidents to webhook"] and not first.errors
    assert second.sent == [] and not second.errors
    (payload,) = hook.received
    (item,) = payload["incidents"]
    assert (payload["alert"], item["id"]) == ("Gegharkunik", "inc-new")
    assert item["link"] == f"{DASHBOARD}/?incident=inc-new"
    assert item["excerpt"].startswith("Shelling hit Sotk")


def test_a_failed_webhook_is_tried_again_after_the_next_run(store: Store) -> None:
    with webhook_receiver() as hook:
        store.save_alert(Alert("All", "", webhook=hook.url))
        store.save_document(report(), [sotk_incident()])
        hook.status = 500
        failed = send_alerts(store, DASHBOARD, None)
        hook.status = 204
        retried = send_alerts(store, DASHBOARD, None)
    assert failed.errors == [f"All (webhook): webhook {hook.url}: HTTP 500"]
    assert retried.sent == ["All: 1 incidents to webhook"]
    assert len(hook.received) == 1


def test_new_incidents_are_mailed_with_the_excerpt_and_the_link(store: Store) -> None:
    with smtp_sink() as box:
        smtp = SmtpSettings(host="127.0.0.1", port=box.port, sender="bw@example.org")
        store.save_alert(Alert("Deaths", "minfat=1", email="desk@example.org"))
        store.save_document(report(), [sotk_incident()])
        sent = send_alerts(store, DASHBOARD, smtp)
        again = send_alerts(store, DASHBOARD, smtp)
    assert sent.sent == ["Deaths: 1 incidents to email"] and again.sent == []
    (message,) = box.messages
    assert message["To"] == "desk@example.org"
    assert "1 new incident for" in message["Subject"]
    body = message.get_payload(decode=True).decode()
    assert "Shelling hit Sotk on 12 May 2024" in body and f"{DASHBOARD}/?incident=inc-sotk" in body


def test_an_email_alert_without_smtp_settings_says_so(store: Store) -> None:
    store.save_alert(Alert("Deaths", "", email="desk@example.org"))
    store.save_document(report(), [sotk_incident()])
    result = send_alerts(store, DASHBOARD, None)
    assert result.sent == [] and "no [smtp] settings" in result.errors[0]
