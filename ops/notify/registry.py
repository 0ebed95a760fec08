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


# --- Message templates ----------------------------------------------------------------------
# Each area declares the texts of its messages, in Korean and English, with {placeholders}
# filled from the outbox row's ``data``:
#
#     message_template("events.ticket",
#                      ko="[서울디지털재단] {event} 입장권: {url}",
#                      en="[Seoul Digital Foundation] Your ticket for {event}: {url}")

TEMPLATES: dict[str, dict[str, str | None]] = {}


def message_template(name: str, *, ko: str, en: str, subject_ko: str | None = None,
                     subject_en: str | None = None) -> None:
    TEMPLATES[name] = {"ko": ko, "en": en, "subject_ko": subject_ko, "subject_en": subject_en}
