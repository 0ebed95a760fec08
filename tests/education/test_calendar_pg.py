"""On the real PostgreSQL, with the clock moved: nothing is recorded before it happens, and citizens
see only what they can still join."""
from datetime import timedelta

import pytest

from ops.accounts.services import issue_token
from ops.education.models import Enrolment
from ops.education.services import EnrolmentClosed, courses_for_institution, create_institution, enrol
from ops.extensions import db
from tests.education.conftest import seoul_now

pytestmark = pytest.mark.pg


@pytest.fixture
def app(pg_app):
    return pg_app


def test_enrolment_closes_when_the_first_session_starts(app, client, make_course, make_person, at_session):
    course = make_course(sessions=2)
    at_session(course.sessions[0], minutes=-1)
    enrolment, created = enrol(course, make_person())
    assert created and enrolment.late_reason is None
    db.session.commit()
    at_session(course.sessions[0], minutes=0)
    with pytest.raises(EnrolmentClosed):
        enrol(course, make_person())
    db.session.rollback()
    page = client.get(f"/education/courses/{course.id}").get_data(as_text=True)
    assert 'name="phone"' not in page and "마감" in page
    answer = client.post(f"/education/courses/{course.id}", data={
        "name": "김늦음", "phone": "010-4444-1234", "consent_collection": "y"})
    assert answer.status_code == 302
    assert [e.id for e in db.session.scalars(db.select(Enrolment))] == [enrolment.id]


def test_staff_can_set_another_closing_time(app, make_course, make_person, at_session):
    course = make_course()
    course.enrol_closes_at = course.sessions[0].starts_at - timedelta(days=2)
    db.session.commit()
    at_session(course.sessions[0], minutes=-2 * 24 * 60 - 1)
    enrol(course, make_person())
    at_session(course.sessions[0], minutes=-2 * 24 * 60)
    with pytest.raises(EnrolmentClosed):
        enrol(course, make_person())


def test_staff_add_someone_late_with_the_reason_on_record(app, client, make_user, make_course, at_session):
    course = make_course(capacity=3)
    staff = make_user("staff")
    _token, raw = issue_token(staff, "desk")
    db.session.commit()
    at_session(course.sessions[0], minutes=20)
    headers = {"Authorization": f"Bearer {raw}"}
    body = {"name": "김늦음", "phone": "010-4444-1234", "consent": True}
    refused = client.post(f"/api/v1/education/courses/{course.id}/enrolments", json=body, headers=headers)
    assert refused.status_code == 422 and "late_reason" in refused.json["errors"]
    added = client.post(f"/api/v1/education/courses/{course.id}/enrolments",
                        json={**body, "late_reason": "  버스가 늦게 와서  "}, headers=headers)
    assert added.status_code == 201
    record = db.session.get(Enrolment, added.json["id"])
    db.session.refresh(course)
    assert record.late_reason == "버스가 늦게 와서" and record.enrolled_by_id == staff.id and course.taken == 1


def test_a_coordinator_is_not_offered_a_course_that_has_started(app, make_course, at_session):
    institution = create_institution("서울교통공사")
    course = make_course(audience="city_staff", kind="prompt")
    db.session.commit()
    assert courses_for_institution(institution) == [course]
    at_session(course.sessions[0])
    assert courses_for_institution(institution) == []


def test_citizens_see_past_courses_under_past_only(app, client, make_course, at_session):
    past = make_course(first=(seoul_now() - timedelta(days=200)).replace(hour=14, minute=0))
    past.title_ko = "지난 AI 특강"
    running = make_course(sessions=3)
    running.title_ko = "진행 중인 AI 특강"
    coming = make_course(first=(seoul_now() + timedelta(days=20)).replace(hour=14, minute=0))
    coming.title_ko = "다가오는 AI 특강"
    db.session.commit()
    at_session(running.sessions[1])
    page = client.get("/education").get_data(as_text=True)
    joinable, _, finished = page.partition("지난 교육")
    assert "다가오는 AI 특강" in joinable and "남은 자리" in joinable.split("다가오는 AI 특강")[1]
    assert "진행 중인 AI 특강" not in joinable and "지난 AI 특강" not in joinable
    assert "지난 AI 특강" in finished and "남은 자리" not in finished and "대기 신청" not in finished
