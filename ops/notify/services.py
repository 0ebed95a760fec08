"""Queueing messages into the outbox (sending is the workers' job)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.timeutil import utcnow
from ..extensions import db
from .models import OutboxMessage


def queue_message(*, template: str, dedup_key: str, person=None, recipient: str | None = None,
                  channel: str = "sms", data: dict | None = None, locale: str = "ko",
                  purpose: str = "service", send_after: datetime | None = None) -> OutboxMessage | None:
    """Add a message to the outbox inside the caller's transaction; the caller commits.

    Sending is the workers' job: after the commit the dispatcher is woken (a broker
    outage only delays it until the next scheduled sweep), so areas need do nothing more.

    Returns the existing message when one with this ``dedup_key`` is already queued
    (nothing is queued twice), or None when there is nobody to send to.
    ``purpose`` is "reminder" for reminders (which need the person's SMS consent)
    or "service" for what the person asked for (their ticket, a waiting-list place).
    """
    if recipient is None and person is not None:
        recipient = person.email if channel == "email" else person.phone
    if not recipient:
        return None
    existing = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == dedup_key))
    if existing is not None:
        return existing
    message = OutboxMessage(channel=channel, recipient=recipient, person_id=getattr(person, "id", None),
                            purpose=purpose, template=template, locale=locale if locale in ("ko", "en") else "ko",
                            data=data or {}, dedup_key=dedup_key[:200], send_after=send_after or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(message)
            db.session.flush()
    except IntegrityError:  # queued by a concurrent transaction a moment ago
        return db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedup_key == dedup_key))
    return message
