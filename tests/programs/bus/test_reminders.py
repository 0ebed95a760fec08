"""Reminders to the institution's contact: a week before and the day before an approved visit."""
from datetime import datetime

from sqlalchemy import select

from ops.extensions import db
from ops.notify.models import OutboxMessage
from ops.notify.registry import SOURCES
from ops.programs.bus import services

from .conftest import APRIL_1

# 2025-04-07 09:00 in Seoul is 00:00 UTC: today in Seoul is Monday 7 April.
MONDAY_MORNING = datetime(2025, 4, 7, 0, 0)


def reminders() -> list[tuple[str, int]]:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "reminder"))
    return sorted((m.template, m.data["date"]) for m in rows)


def test_a_week_before_the_contact_is_reminded_once(world):
    world.run(datetime(2025, 4, 14).date())
    db.session.commit()
    assert SOURCES["bus.visit_7_days"](MONDAY_MORNING) == 1
    assert SOURCES["bus.visit_7_days"](MONDAY_MORNING) == 0
    assert reminders() == [("bus.visit_7_days", "2025-04-14")]


def test_the_day_before_only_tomorrows_visits_are_reminded(world):
    world.run(datetime(2025, 4, 8).date())
    world.run(datetime(2025, 4, 9).date())
    db.session.commit()
    assert SOURCES["bus.visit_1_day"](MONDAY_MORNING) == 1
    assert reminders() == [("bus.visit_1_day", "2025-04-08")]


def test_requests_not_approved_get_no_reminder(world):
    world.request(datetime(2025, 4, 8).date(), today=APRIL_1)
    services.decline_visit(world.request(datetime(2025, 4, 14).date(), today=APRIL_1).id, "정비")
    db.session.commit()
    assert SOURCES["bus.visit_1_day"](MONDAY_MORNING) + SOURCES["bus.visit_7_days"](MONDAY_MORNING) == 0
