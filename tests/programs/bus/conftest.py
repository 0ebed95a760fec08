"""Bus fixtures, built through the services: one bus (25 seats, morning and afternoon), its 2025
seasons plus an open season around today (for pages, which use today's date), two
programmes and one host institution with a consenting contact.

Days are picked by the bus's own rules (`services.closed_reason`), never by the calendar:
``world.day_after(today, 3)`` is the third day from today on which the bus runs, and the
``bus_today`` fixture moves the clock to a day the bus runs when a test needs a visit today."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import pytest

from ops.core.timeutil import SEOUL, seoul_today
from ops.extensions import db
from ops.programs.bus import services

APRIL_1 = date(2025, 4, 1)  # a Tuesday in the spring season: "today" for service tests
MAY_5 = date(2025, 5, 5)  # Children's Day: a blackout


@dataclass
class BusWorld:
    bus: object
    am: object
    pm: object
    robot: object
    pilot: object
    institution: object

    def day_after(self, day: date, runs: int = 1) -> date:
        """The ``runs``-th day after ``day`` on which the bus runs (before it, with a negative ``runs``)."""
        step = timedelta(days=1 if runs > 0 else -1)
        for _ in range(abs(runs)):
            day += step
            while services.closed_reason(self.bus, day) is not None:
                day += step
        return day

    def request(self, day: date, *, slot=None, today: date = APRIL_1, programme=None, expected: int = 20,
                institution=None, **kwargs):
        return services.request_visit(institution or self.institution, slot_id=(slot or self.am).id, day=day,
                                      programme_id=(programme or self.robot).id, expected_participants=expected,
                                      today=today, **kwargs)

    def another_institution(self, n: int = 2):
        """Another host institution (one institution asks once per day and slot)."""
        return services.find_or_add_institution(f"성북 경로당 {n}", "senior_center", "seongbuk")

    def run(self, day: date, **kwargs):
        """An approved visit on ``day`` (requested three weeks before)."""
        visit = self.request(day, today=day - timedelta(days=21), **kwargs)
        return services.approve_visit(visit.id)


def build_world() -> BusWorld:
    today = seoul_today()
    bus = services.add_bus("체험버스 1호", 25, seasons=[
        (date(2025, 3, 1), date(2025, 7, 31)), (date(2025, 9, 1), date(2025, 11, 30)),
        (today - timedelta(days=30), today + timedelta(days=400))],
        slots=[("am", "오전", "Morning", time(10), time(12)), ("pm", "오후", "Afternoon", time(14), time(16))])
    services.add_blackout(bus, MAY_5, "어린이날")
    robot = services.add_programme("ai_robot", "AI 로봇 체험", "AI robot experience")
    pilot = services.add_programme("intergenerational", "세대통합 체험", "Intergenerational pilot", per_person=True)
    contact = services.add_contact("김담당", "010-2345-6789", consent=True, sms_consent=True)
    institution = services.find_or_add_institution("성북노인종합복지관", "welfare_center", "seongbuk", contact=contact)
    db.session.commit()
    am, pm = bus.slots
    return BusWorld(bus, am, pm, robot, pilot, institution)


@pytest.fixture
def world(app):
    return build_world()


@pytest.fixture
def pg_world(pg_app):
    return build_world()


@pytest.fixture
def bus_today(world, time_machine):
    """Today, moved forward (to 11:00 Seoul) to the next day the bus runs if it does not run today."""
    day = seoul_today()
    if services.closed_reason(world.bus, day) is not None:
        day = world.day_after(day)
        time_machine.move_to(datetime.combine(day, time(11), SEOUL), tick=True)
    assert seoul_today() == day
    return day
