"""Where each area declares its reminders.

    from ops.notify.registry import reminder_source

    @reminder_source("events.day_before")
    def queue_event_reminders(now: datetime) -> int:
        # queue_message(..., purpose="reminder", dedup_key=f"event-day-before:{reg.id}:{day}") for
        # everything due around `now`; idempotent thanks to the dedup keys; return how many were new.

A beat task calls every source on a schedule; the dispatcher then sends what is due.
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable

SOURCES: dict[str, Callable[[datetime], int]] = {}


def reminder_source(name: str):
    def decorator(fn):
        SOURCES[name] = fn
        return fn

    return decorator
