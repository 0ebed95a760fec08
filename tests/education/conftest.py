"""Education fixtures: courses with sessions and people, built through the services."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ops.core.timeutil import to_seoul, utcnow
from ops.education.models import CITIZENS
from ops.education.services import add_session, create_course
from ops.extensions import db
from ops.people.services import find_or_create_person


def seoul_now() -> datetime:
    return to_seoul(utcnow()).replace(tzinfo=None, second=0, microsecond=0)


def earlier_today(minutes: int) -> datetime:
    """Seoul time some minutes ago, but not before today's midnight there (a session that
    started "30 minutes ago" at 00:10 would be yesterday's, and the door looks for today's)."""
    now = seoul_now()
    return max(now - timedelta(minutes=minutes), now.replace(hour=0, minute=0))


@pytest.fixture
def make_course():
    def make(*, capacity=2, sessions=1, audience=CITIZENS, kind="smart_city_center", institution=None,
             first: datetime | None = None, completion_percent=80, year=2025, **kwargs):
        course = create_course(title_ko="시민 AI 특강", title_en="AI lecture", kind=kind, audience=audience,
                               institution=institution, capacity=capacity, completion_percent=completion_percent,
                               year=year, **kwargs)
        # By default the first session is next week: enrolment is open until it starts.
        start = first or (seoul_now() + timedelta(days=7)).replace(hour=14, minute=0)
        for n in range(sessions):
            add_session(course, starts=start + timedelta(days=7 * n), ends=start + timedelta(days=7 * n, hours=2),
                        place="서울스마트시티센터", teacher="박강사")
        db.session.commit()
        db.session.refresh(course)
        return course

    return make


@pytest.fixture
def make_person():
    counter = {"n": 0}

    def make(name: str | None = None):
        counter["n"] += 1
        person = find_or_create_person(name or f"홍길동{counter['n']}", f"010-5555-{counter['n']:04d}")
        db.session.commit()
        return person

    return make


@pytest.fixture
def at_session(time_machine):
    """Move the clock to some minutes after a session starts (Seoul time), when attendance is taken."""
    def move(session, minutes: int = 10):
        time_machine.move_to(to_seoul(session.starts_at) + timedelta(minutes=minutes), tick=True)

    return move
