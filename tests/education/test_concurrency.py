"""Enrolment races on the real PostgreSQL: never over capacity, the waiting list kept in order."""
import threading

import pytest
from sqlalchemy import func, select

from ops.education.models import CONFIRMED, WAITLISTED, Course, Enrolment
from ops.education.services import cancel_enrolment, enrol
from ops.extensions import db

pytestmark = pytest.mark.pg


def run_at_once(app, jobs):
    """Run each job in its own thread and session, all released together by a barrier."""
    barrier = threading.Barrier(len(jobs))
    errors = []

    def worker(job):
        with app.app_context():
            try:
                barrier.wait()
                job()
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported by the test
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    [t.start() for t in threads]
    [t.join() for t in threads]
    db.session.expire_all()
    return errors


def _enrol_job(course_id, person_id):
    def job():
        from ops.people.models import Person

        enrol(db.session.get(Course, course_id), db.session.get(Person, person_id))
    return job


def test_thirty_at_once_for_ten_places_confirm_exactly_ten(pg_app, make_course, make_person):
    course = make_course(capacity=10)
    people = [make_person().id for _ in range(30)]
    errors = run_at_once(pg_app, [_enrol_job(course.id, pid) for pid in people])
    assert errors == []
    statuses = dict(db.session.execute(select(Enrolment.status, func.count()).group_by(Enrolment.status)).all())
    assert statuses == {CONFIRMED: 10, WAITLISTED: 20}
    assert db.session.get(Course, course.id).taken == 10


def test_one_person_enrolling_from_eight_tabs_at_once_has_one_enrolment(pg_app, make_course, make_person):
    course, person = make_course(capacity=5), make_person()
    errors = run_at_once(pg_app, [_enrol_job(course.id, person.id) for _ in range(8)])
    assert errors == []
    assert db.session.scalar(select(func.count(Enrolment.id))) == 1
    assert db.session.get(Course, course.id).taken == 1


def test_simultaneous_cancellations_promote_the_first_in_line_each_once(pg_app, make_course, make_person):
    course = make_course(capacity=5, offer_hours=0)
    enrolments = [enrol(course, make_person())[0] for _ in range(12)]
    db.session.commit()
    holders = [e.id for e in enrolments[:5]]
    line = [e.id for e in enrolments[5:]]
    errors = run_at_once(pg_app, [(lambda eid=eid: cancel_enrolment(eid)) for eid in holders[:4]])
    assert errors == []
    confirmed = set(db.session.scalars(select(Enrolment.id).where(Enrolment.status == CONFIRMED)))
    assert confirmed == {holders[4], *line[:4]}
    assert db.session.get(Course, course.id).taken == 5
    waiting = db.session.scalars(select(Enrolment.id).where(Enrolment.status == WAITLISTED)
                                 .order_by(Enrolment.created_at, Enrolment.id)).all()
    assert waiting == line[4:]
