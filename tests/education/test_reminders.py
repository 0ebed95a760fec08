"""The day-before reminder of a session: once per confirmed learner, never to those still waiting."""
from datetime import datetime, time, timedelta

from sqlalchemy import select

from ops.core.timeutil import seoul_to_utc
from ops.education.reminders import queue_session_reminders
from ops.education.services import enrol
from ops.extensions import db
from ops.notify.models import OutboxMessage
from ops.notify.registry import SOURCES, TEMPLATES


def reminders():
    return db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.template == "education.session_day_before")).all()


def test_the_source_and_its_texts_are_registered(app):
    assert SOURCES["education.session_day_before"] is queue_session_reminders
    for name in ("education.enrolled", "education.waitlisted", "education.promoted", "education.session_day_before"):
        assert TEMPLATES[name]["ko"] and TEMPLATES[name]["en"]


def test_confirmed_learners_are_reminded_the_day_before_once(app, make_course, make_person):
    course = make_course(capacity=1)
    confirmed, _waiting = enrol(course, make_person())[0], enrol(course, make_person())[0]
    db.session.commit()
    day = course.sessions[0].seoul_date
    evening_before = seoul_to_utc(datetime.combine(day - timedelta(days=1), time(18)))
    assert queue_session_reminders(evening_before) == 1
    assert queue_session_reminders(evening_before + timedelta(hours=1)) == 0
    db.session.commit()
    [message] = reminders()
    assert message.person_id == confirmed.person_id and message.purpose == "reminder"
    assert message.data["time"] == "14:00"


def test_nothing_is_due_two_days_before(app, make_course, make_person):
    course = make_course()
    enrol(course, make_person())
    day = course.sessions[0].seoul_date
    assert queue_session_reminders(seoul_to_utc(datetime.combine(day - timedelta(days=2), time(18)))) == 0
