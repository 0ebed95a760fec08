"""Time is stored in UTC and shown in Asia/Seoul."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")


def utcnow() -> datetime:
    """Now, as a naive UTC datetime (how every timestamp column stores time)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def to_seoul(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(SEOUL)


def seoul_today() -> date:
    return datetime.now(SEOUL).date()


def seoul_to_utc(value: datetime) -> datetime:
    """A naive Seoul wall-clock time as naive UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=SEOUL)
    return value.astimezone(timezone.utc).replace(tzinfo=None)
