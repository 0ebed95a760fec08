"""Events fixtures: events built through the services, staff API tokens."""
from __future__ import annotations

from datetime import timedelta

import pytest

from ops.accounts.services import create_user, issue_token
from ops.core.timeutil import seoul_today
from ops.events import services
from ops.extensions import db


def make_event(slug: str = "slw-2025", *, days=None, capacity=20, waitlist=True, ticket_types=None, **extra):
    """An event open for registration whose days include today (so its tickets can be checked in)."""
    today = seoul_today()
    event = services.create_event(
        slug=slug, title_ko="스마트라이프위크", title_en="Smart Life Week", venue_ko="코엑스", venue_en="COEX",
        days=days or [today, today + timedelta(days=1)],
        ticket_types=ticket_types or [dict(name="visitor", capacity=capacity, waitlist=waitlist)], **extra)
    db.session.commit()
    return event


def registrant(n: int = 1, **extra) -> dict:
    fields = dict(name=f"김민{n:03d}", phone=f"010-2000-{n:04d}", ticket_type="visitor", consent=True, country="KR")
    fields.update(extra)
    return fields


@pytest.fixture
def event(app):
    return make_event()


@pytest.fixture
def token_for():
    """A bearer header for a new user of the given role."""
    counter = {"n": 0}

    def make(role: str = "staff") -> dict:
        counter["n"] += 1
        user = create_user(f"scanner-{role}-{counter['n']}@example.org", role, "correct-horse-battery")
        _token, raw = issue_token(user, "gate scanner")
        db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return make


def register_one(event, n: int = 1, **extra):
    registered = services.register(event, **registrant(n, **extra))
    db.session.commit()
    return registered.registration
