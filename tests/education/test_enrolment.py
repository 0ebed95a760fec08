"""Enrolment: places, the waiting list in order, the same person twice, cancellation."""
import pytest
from sqlalchemy import select

from ops.education.models import CANCELLED, CONFIRMED, INSTITUTION, WAITLISTED, Course
from ops.education.services import (AlreadyCancelled, CourseClosed, NotForThisInstitution, cancel_enrolment,
                                    create_institution, enrol, position_in_line, set_capacity)
from ops.extensions import db
from ops.notify.models import OutboxMessage


def test_places_fill_then_people_wait_in_line(app, make_course, make_person):
    course = make_course(capacity=2)
    results = [enrol(course, make_person())[0] for _ in range(4)]
    db.session.commit()
    assert [e.status for e in results] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert [position_in_line(e) for e in results[2:]] == [1, 2]
    assert db.session.get(Course, course.id).taken == 2


def test_the_same_person_twice_gets_their_existing_enrolment(app, make_course, make_person):
    course, person = make_course(), make_person()
    first, created = enrol(course, person)
    again, created_again = enrol(course, person)
    db.session.commit()
    assert created and not created_again and again.id == first.id
    assert db.session.get(Course, course.id).taken == 1


def test_enrolling_queues_the_confirmation_with_the_attendance_page(app, make_course, make_person):
    enrolment, _ = enrol(make_course(), make_person())
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    assert message.template == "education.enrolled" and message.purpose == "service"
    assert message.data["url"].endswith(f"/education/e/{enrolment.code}")


def test_cancelling_gives_the_place_to_the_first_in_line_and_tells_them_at_once(app, make_course, make_person):
    course = make_course(capacity=1, offer_hours=0)
    holder, first, second = (enrol(course, make_person())[0] for _ in range(3))
    db.session.commit()
    cancelled, promoted = cancel_enrolment(holder.id)
    db.session.commit()
    assert cancelled.status == CANCELLED and promoted == [first]
    assert first.status == CONFIRMED and second.status == WAITLISTED
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "education.promoted"))
    assert message.person_id == first.person_id and message.purpose == "service"


def test_a_waiting_person_cancelling_frees_no_place(app, make_course, make_person):
    course = make_course(capacity=1)
    _holder, waiting, behind = (enrol(course, make_person())[0] for _ in range(3))
    db.session.commit()
    _cancelled, promoted = cancel_enrolment(waiting.id)
    db.session.commit()
    assert promoted == [] and behind.status == WAITLISTED and position_in_line(behind) == 1


def test_cancelling_twice_is_refused(app, make_course, make_person):
    enrolment, _ = enrol(make_course(), make_person())
    cancel_enrolment(enrolment.id)
    db.session.commit()
    with pytest.raises(AlreadyCancelled):
        cancel_enrolment(enrolment.id)


def test_after_cancelling_the_person_can_enrol_again(app, make_course, make_person):
    course, person = make_course(), make_person()
    first, _ = enrol(course, person)
    cancel_enrolment(first.id)
    second, created = enrol(course, person)
    db.session.commit()
    assert created and second.id != first.id and second.status == CONFIRMED


def test_more_places_promote_the_waiting_list(app, make_course, make_person):
    course = make_course(capacity=1, offer_hours=0)
    _holder, waiting = (enrol(course, make_person())[0] for _ in range(2))
    promoted = set_capacity(course, 2)
    db.session.commit()
    assert promoted == [waiting] and waiting.status == CONFIRMED


def test_an_institution_course_refuses_people_of_another_institution(app, make_course, make_person):
    own, other = create_institution("서울교통공사"), create_institution("서울의료원")
    course = make_course(audience=INSTITUTION, kind="data_admin", institution=own)
    with pytest.raises(NotForThisInstitution):
        enrol(course, make_person(), institution=other)
    assert enrol(course, make_person(), institution=own)[0].status == CONFIRMED


def test_a_closed_course_takes_nobody(app, make_course, make_person):
    course = make_course()
    course.open = False
    with pytest.raises(CourseClosed):
        enrol(course, make_person())
