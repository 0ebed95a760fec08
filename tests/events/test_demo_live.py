"""`ops seed demo` adds, relative to the day it runs, an event open now with a waiting list and one
a few weeks ahead, recording nothing that has not happened yet."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ops.core.timeutil import seoul_today, utcnow
from ops.events import demo, services
from ops.events.models import Registration
from ops.extensions import db
from ops.passes.models import CheckIn

pytestmark = pytest.mark.pg


@pytest.fixture
def app(pg_app):
    return pg_app


def test_the_live_demo_events_are_open_with_a_waiting_list_and_nothing_ahead_recorded(app):
    demo.seed({})
    db.session.commit()
    (open_spec, _), (coming_spec, _) = demo.live_specs(seoul_today())
    now = utcnow()
    live, coming = services.event_by_slug(open_spec["slug"]), services.event_by_slug(coming_spec["slug"])
    for event in (live, coming):
        assert event.registration_opens_at <= now < event.registration_closes_at
    assert coming.first_day >= seoul_today() + timedelta(days=14)
    statuses = set(db.session.scalars(select(Registration.status).where(Registration.event_id == live.id)))
    assert {"confirmed", "waitlisted"} <= statuses
    assert db.session.scalar(select(func.max(Registration.created_at))) <= utcnow()
    assert db.session.scalar(select(func.max(CheckIn.at))) <= utcnow()
    assert db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.scope_id == coming.id)) == 0
