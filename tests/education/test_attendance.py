"""Attendance: the scanner's kind-A handler, the roll call, and the completion rule."""
from datetime import timedelta

import pytest
from flask import current_app

from ops.education.attendance import admit_attendee
from ops.education.services import NotAttendanceTime, cancel_enrolment, enrol, is_complete, present_ids, record_attendance, roll_call
from ops.extensions import db
from ops.passes.codes import sign_code, verify_code
from ops.passes.scan import SCAN_HANDLERS
from tests.education.conftest import seoul_now


def scan(enrolment, **kwargs):
    """As the shared scanner calls it: inside a request (whose language the answer uses)."""
    with current_app.test_request_context("/api/v1/checkin", method="POST"):
        return admit_attendee(verify_code(enrolment.code), gate="교육장", by_user=None, **kwargs)


@pytest.fixture
def today_course(make_course):
    """A course with two weekly sessions, the first next week (tests enrol, then go to the session)."""
    return make_course(capacity=1, sessions=2)


def test_the_attendance_kind_is_answered_by_education(app):
    assert SCAN_HANDLERS["A"] is admit_attendee


def test_scanning_on_the_day_marks_the_learner_present_at_todays_session(app, today_course, make_person, at_session):
    enrolment, _ = enrol(today_course, make_person("김철용"))
    db.session.commit()
    at_session(today_course.sessions[0])
    outcome = scan(enrolment)
    db.session.commit()
    assert outcome.result == "ok" and outcome.status == 200 and outcome.name == "김*용"
    assert enrolment.id in present_ids(today_course.sessions[0])
    assert enrolment.id not in present_ids(today_course.sessions[1])


def test_a_second_scan_is_already_checked_in_with_the_first_time_and_gate(app, today_course, make_person,
                                                                          at_session):
    enrolment, _ = enrol(today_course, make_person())
    at_session(today_course.sessions[0])
    scan(enrolment)
    db.session.commit()
    outcome = scan(enrolment)
    assert outcome.result == "already_checked_in" and outcome.status == 409
    assert outcome.first_gate == "교육장" and outcome.as_json()["first_at"].endswith("Z")


def test_a_waiting_learner_is_not_confirmed(app, today_course, make_person, at_session):
    enrol(today_course, make_person())
    waiting, _ = enrol(today_course, make_person())
    db.session.commit()
    at_session(today_course.sessions[0])
    outcome = scan(waiting)
    assert (outcome.result, outcome.status) == ("not_confirmed", 422)


def test_a_cancelled_enrolment_is_refused(app, today_course, make_person, at_session):
    enrolment, _ = enrol(today_course, make_person())
    cancel_enrolment(enrolment.id)
    db.session.commit()
    at_session(today_course.sessions[0])
    assert scan(enrolment).result == "cancelled"


def test_a_day_without_a_session_is_the_wrong_day(app, make_course, make_person):
    course = make_course(first=seoul_now() + timedelta(days=2))
    enrolment, _ = enrol(course, make_person())
    db.session.commit()
    outcome = scan(enrolment)
    assert (outcome.result, outcome.status) == ("wrong_day", 422)


def test_the_scanner_can_name_the_session(app, make_course, make_person, at_session):
    course = make_course(sessions=2)
    enrolment, _ = enrol(course, make_person())
    db.session.commit()
    at_session(course.sessions[1])
    outcome = scan(enrolment, occasion=str(course.sessions[1].id))
    db.session.commit()
    assert outcome.result == "ok" and present_ids(course.sessions[1]) == {enrolment.id}


def test_a_session_of_another_course_is_the_wrong_day(app, make_course, make_person):
    course, other = make_course(), make_course()
    enrolment, _ = enrol(course, make_person())
    db.session.commit()
    assert scan(enrolment, occasion=str(other.sessions[0].id)).result == "wrong_day"


def test_a_validly_signed_code_nobody_holds_is_unknown(app):
    with current_app.test_request_context("/api/v1/checkin", method="POST"):
        outcome = admit_attendee(sign_code("A", "EDU-999"), gate=None, by_user=None)
    assert (outcome.result, outcome.status) == ("unknown", 404)


def test_roll_call_marks_the_ticked_and_unmarks_the_unticked(app, make_course, make_person, at_session):
    course = make_course(capacity=5)
    session = course.sessions[0]
    a, b, c = (enrol(course, make_person())[0] for _ in range(3))
    at_session(session)
    record_attendance(c, session)
    marked, unmarked = roll_call(session, {a.id, b.id})
    db.session.commit()
    assert (marked, unmarked) == (2, 1) and present_ids(session) == {a.id, b.id}


def test_roll_call_ignores_people_not_confirmed_in_the_course(app, make_course, make_person, at_session):
    course = make_course(capacity=1)
    _holder, waiting = (enrol(course, make_person())[0] for _ in range(2))
    at_session(course.sessions[0])
    marked, _ = roll_call(course.sessions[0], {waiting.id, 99999})
    assert marked == 0


def test_completion_needs_the_courses_share_of_sessions(app, make_course, make_person, at_session):
    course = make_course(sessions=5, completion_percent=80)
    enrolment, _ = enrol(course, make_person())
    for session in course.sessions[:3]:
        at_session(session)
        record_attendance(enrolment, session)
    at_session(course.sessions[-1], minutes=60 * 24)
    assert not is_complete(enrolment)  # 3 of 5 is 60 %
    record_attendance(enrolment, course.sessions[3], now=course.sessions[3].starts_at)
    assert is_complete(enrolment)  # 4 of 5 is 80 %


def test_the_rule_met_before_the_last_session_is_not_yet_completion(app, make_course, make_person, at_session):
    course = make_course(sessions=5, completion_percent=80)
    enrolment, _ = enrol(course, make_person())
    for session in course.sessions[:4]:
        at_session(session)
        record_attendance(enrolment, session)
    assert not is_complete(enrolment)  # 4 of 5, but the course is not over
    at_session(course.sessions[-1], minutes=60 * 3)
    assert is_complete(enrolment)


@pytest.mark.parametrize("minutes", [-31, 2 * 60 + 121, -60 * 24 * 7])
def test_attendance_is_refused_outside_the_sessions_window(app, make_course, make_person, at_session, minutes):
    """Opens 30 minutes before the start and closes 2 hours after the (2-hour) session ends."""
    course = make_course(capacity=2)
    session = course.sessions[0]
    enrolment, _ = enrol(course, make_person())
    db.session.commit()
    at_session(session, minutes=minutes)
    with pytest.raises(NotAttendanceTime):
        record_attendance(enrolment, session)
    with pytest.raises(NotAttendanceTime):
        roll_call(session, {enrolment.id})
    outcome = scan(enrolment, occasion=str(session.id))
    assert (outcome.result, outcome.status) == ("not_now", 422) and outcome.detail
    assert present_ids(session) == set()


@pytest.mark.parametrize("minutes", [-30, 0, 2 * 60 + 120])
def test_attendance_is_taken_at_the_edges_of_the_window(app, make_course, make_person, at_session, minutes):
    course = make_course(capacity=2)
    session = course.sessions[0]
    enrolment, _ = enrol(course, make_person())
    at_session(session, minutes=minutes)
    record_attendance(enrolment, session, now=session.starts_at + timedelta(minutes=minutes))
    assert present_ids(session) == {enrolment.id}


def test_roll_call_keeps_a_scan_made_meanwhile_without_failing(app, make_course, make_person, monkeypatch,
                                                               at_session):
    from ops.education import services

    course = make_course(capacity=2)
    session = course.sessions[0]
    a, _b = enrol(course, make_person())[0], enrol(course, make_person())[0]
    db.session.commit()
    at_session(session)
    # The page was loaded before the learner was scanned at the door.
    monkeypatch.setattr(services, "present_ids", lambda _session: set())
    record_attendance(a, session)
    marked, _ = roll_call(session, {a.id})
    monkeypatch.undo()
    assert marked == 0 and present_ids(session) == {a.id}
