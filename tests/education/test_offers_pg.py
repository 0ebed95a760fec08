"""On the real PostgreSQL, with the clock moved: a freed place is offered to the first in line, held for
them until the offer expires, then offered to the next; never given to two people."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ops.core.timeutil import to_seoul, utcnow
from ops.education.models import Course, Enrolment
from ops.education.services import (OfferGone, accept_offer, cancel_enrolment, enrol, enrolment_history,
                                    expire_offers)
from ops.extensions import db
from ops.notify.models import OutboxMessage

pytestmark = pytest.mark.pg


@pytest.fixture
def app(pg_app):
    return pg_app


@pytest.fixture
def full(make_course, make_person):
    """A one-place course (offers valid 24 hours): one holder and two in line."""
    course = make_course(capacity=1)
    holder, first, second = (enrol(course, make_person())[0] for _ in range(3))
    db.session.commit()
    return course, holder, first, second


def _status(enrolment_id):
    return db.session.scalar(select(Enrolment.status).where(Enrolment.id == enrolment_id))


def test_a_freed_place_is_offered_held_and_accepted_in_time(app, client, full, make_person, time_machine):
    course, holder, first, second = full
    cancel_enrolment(holder.id)
    db.session.commit()
    assert (_status(first.id), _status(second.id)) == ("offered", "waitlisted")
    assert first.offer_expires_at == pytest.approx(utcnow() + timedelta(hours=24), abs=timedelta(seconds=5))
    [text] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "education.offered")).all()
    assert text.person_id == first.person_id
    late, _ = enrol(course, make_person())  # the held place is not taken by someone new
    db.session.commit()
    assert late.status == "waitlisted"
    time_machine.move_to(to_seoul(utcnow()) + timedelta(hours=23), tick=True)
    page = client.post(f"/education/e/{first.code}/accept", follow_redirects=True).get_data(as_text=True)
    assert _status(first.id) == "confirmed"
    assert [h.what for h in enrolment_history(first)] == ["offered", "accepted"] and "확정" in page


def test_an_offer_not_accepted_in_time_moves_to_the_next_in_line(app, full, time_machine):
    course, holder, first, second = full
    cancel_enrolment(holder.id)
    db.session.commit()
    assert expire_offers() == 0  # not yet
    time_machine.move_to(to_seoul(first.offer_expires_at) + timedelta(minutes=1), tick=True)
    assert expire_offers() == 1
    db.session.commit()
    assert (_status(first.id), _status(second.id)) == ("cancelled", "offered")
    assert [h.what for h in enrolment_history(first)] == ["offered", "expired"]
    with pytest.raises(OfferGone):
        accept_offer(first.id)
    db.session.rollback()
    db.session.refresh(course)
    assert course.taken == 1


def test_no_offer_keeps_the_instant_promotion(app, make_course, make_person):
    course = make_course(capacity=1, offer_hours=0)
    holder, waiting = (enrol(course, make_person())[0] for _ in range(2))
    _, promoted = cancel_enrolment(holder.id)
    assert [p.id for p in promoted] == [waiting.id] and _status(waiting.id) == "confirmed"


def test_sweeps_and_a_late_accept_at_once_give_the_place_to_one_person(app, full, time_machine):
    course, holder, first, second = full
    cancel_enrolment(holder.id)
    db.session.commit()
    time_machine.move_to(to_seoul(first.offer_expires_at) + timedelta(seconds=1), tick=False)
    barrier = threading.Barrier(4)
    outcomes = []

    def job(fn):
        with app.app_context():
            barrier.wait()
            try:
                outcomes.append(fn())
                db.session.commit()
            except OfferGone:
                db.session.rollback()
                outcomes.append("gone")
            finally:
                db.session.remove()

    jobs = [expire_offers, expire_offers, expire_offers, lambda: accept_offer(first.id) and "accepted"]
    threads = [threading.Thread(target=job, args=(fn,)) for fn in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.expire_all()
    assert sorted(map(str, outcomes)) == ["0", "0", "1", "gone"]
    holding = db.session.scalar(select(func.count(Enrolment.id)).where(
        Enrolment.course_id == course.id, Enrolment.status.in_(("confirmed", "offered"))))
    assert holding == 1 and db.session.get(Course, course.id).taken == 1 and _status(second.id) == "offered"
