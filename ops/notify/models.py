from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db


class OutboxMessage(db.Model):
    """One message to send. Written in the transaction of the thing it is about, so a
    registration that commits always has its message and one that rolls back never does.
    ``dedup_key`` is unique: the same reminder can be queued any number of times and is
    stored (and so sent) once."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "status", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(10))  # sms | email
    recipient: Mapped[str] = mapped_column(String(254))  # phone or e-mail; shown masked
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="service")  # service | reminder
    template: Mapped[str] = mapped_column(String(60))
    locale: Mapped[str] = mapped_column(String(5), default="ko")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|sending|sent|failed|skipped
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    send_after: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None]
