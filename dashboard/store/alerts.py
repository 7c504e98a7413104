"""Saved alerts and what each one sent: so every newly matching incident goes once per channel.

An alert is a dashboard filter (a link's query string) with a webhook and/or
an email address. Only incidents created after the alert was saved are new
to it (saving an alert does not send the whole archive), and an incident
goes to a channel once: its delivery is recorded only after the channel
accepted it, so a failed send is tried again after the next run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, and_, delete, insert, select, update

from dashboard.store import schema as db

CHANNELS = ("webhook", "email")


@dataclass(frozen=True)
class Alert:
    name: str
    query: str
    webhook: str | None = None
    email: str | None = None
    created_at: datetime | None = None

    def channels(self) -> list[str]:
        return [c for c in CHANNELS if getattr(self, c)]


def save_alert(conn: Connection, alert: Alert) -> None:
    """Add an alert, or change one by name (it keeps its creation time)."""
    table = db.alerts
    values = {"query": alert.query, "webhook": alert.webhook, "email": alert.email}
    exists = conn.execute(select(table.c.name).where(table.c.name == alert.name)).first()
    if exists:
        conn.execute(update(table).where(table.c.name == alert.name).values(**values))
    else:
        created = alert.created_at or datetime.now(UTC)
        conn.execute(insert(table).values(name=alert.name, created_at=created, **values))


def delete_alert(conn: Connection, name: str) -> bool:
    return conn.execute(delete(db.alerts).where(db.alerts.c.name == name)).rowcount > 0


def list_alerts(conn: Connection) -> list[Alert]:
    rows = conn.execute(select(db.alerts).order_by(db.alerts.c.name))
    return [Alert(r.name, r.query, r.webhook, r.email, _utc(r.created_at)) for r in rows]


def undelivered(conn: Connection, alert: Alert, channel: str) -> list[str]:
    """Incidents created since the alert was saved that ``channel`` has not been sent."""
    incidents, sent = db.incidents, db.alert_deliveries
    delivered = select(sent.c.incident_id).where(
        and_(sent.c.alert == alert.name, sent.c.channel == channel)
    )
    query = (
        select(incidents.c.id)
        .where(incidents.c.created_at >= alert.created_at)
        .where(incidents.c.id.not_in(delivered))
        .order_by(incidents.c.created_at, incidents.c.id)
    )
    return list(conn.execute(query).scalars())


def record_deliveries(
    conn: Connection, alert: str, channel: str, incident_ids: Sequence[str], at: datetime
) -> None:
    if incident_ids:
        conn.execute(
            insert(db.alert_deliveries),
            [{"alert": alert, "incident_id": i, "channel": channel, "sent_at": at}
             for i in incident_ids],
        )  # fmt: skip


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)
