"""Staff set how long a freed place is held (offer hours) and when enrolment closes, on creating a course
and on its staff page; bad values get a message and change nothing."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from ops.core.timeutil import seoul_to_utc, to_seoul
from ops.education.models import Course
from ops.education.services import enrolment_closes_at, enrolment_open
from ops.extensions import db

NEW = {"title_ko": "시민 AI 특강", "title_en": "", "kind": "smart_city_center", "audience": "citizens",
       "institution": "0", "year": "2025", "capacity": "30", "completion_percent": "80"}


def _settings(course, **fields):
    data = {"settings-capacity": str(course.capacity), "settings-open": "y",
            "settings-offer_hours": str(course.offer_hours)}
    data.update({f"settings-{k}": v for k, v in fields.items()})
    return data


def test_staff_set_offer_hours_and_the_closing_time_when_creating_a_course(app, client, login_as):
    login_as("staff")
    response = client.post("/education/manage/courses/new", data={
        **NEW, "offer_hours": "48", "enrol_closes_day": "2025-11-10", "enrol_closes_time": "18:00"})
    course = db.session.scalar(select(Course))
    assert response.status_code == 302
    assert course.offer_hours == 48
    assert (course.enrol_closes_at.month, course.enrol_closes_at.day, course.enrol_closes_at.hour) == (11, 10, 9)
    page = client.get(f"/education/manage/courses/{course.id}").get_data(as_text=True)
    assert "2025-11-10 18:00" in page and "48" in page


def test_a_course_made_without_them_keeps_the_defaults(app, client, login_as):
    login_as("staff")
    assert client.post("/education/manage/courses/new", data={**NEW, "offer_hours": ""}).status_code == 302
    course = db.session.scalar(select(Course))
    assert course.offer_hours == 24 and course.enrol_closes_at is None


@pytest.mark.parametrize("fields", [{"offer_hours": "-1"}, {"offer_hours": "337"}, {"offer_hours": "abc"},
                                    {"offer_hours": "24", "enrol_closes_day": "2025-11-10"},
                                    {"offer_hours": "24", "enrol_closes_time": "18:00"},
                                    {"offer_hours": "24", "enrol_closes_day": "2025-13-40", "enrol_closes_time": "18:00"}])
def test_bad_values_on_creating_get_a_message_and_make_no_course(app, client, login_as, fields):
    login_as("staff")
    response = client.post("/education/manage/courses/new", data={**NEW, **fields})
    assert response.status_code == 422 and 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Course)) is None


def test_the_messages_are_korean(app, client, login_as):
    login_as("staff")
    page = client.post("/education/manage/courses/new", data={**NEW, "offer_hours": "500"}).get_data(as_text=True)
    assert "0에서 336" in page
    page = client.post("/education/manage/courses/new",
                       data={**NEW, "offer_hours": "1", "enrol_closes_day": "2025-11-10"}).get_data(as_text=True)
    assert "날짜와 시각" in page


def test_staff_change_them_on_the_course_page_and_enrolment_follows(app, client, login_as, make_course):
    course = make_course(sessions=2)
    first = to_seoul(course.sessions[0].starts_at).replace(tzinfo=None)
    closes = first - timedelta(days=2)
    login_as("staff")
    response = client.post(f"/education/manage/courses/{course.id}/settings", data=_settings(
        course, offer_hours="0", enrol_closes_day=closes.date().isoformat(), enrol_closes_time=closes.strftime("%H:%M")))
    assert response.status_code == 302
    db.session.refresh(course)
    assert course.offer_hours == 0 and enrolment_closes_at(course) == seoul_to_utc(closes)
    assert enrolment_open(course, now=seoul_to_utc(closes) - timedelta(minutes=1))
    assert not enrolment_open(course, now=seoul_to_utc(closes))
    page = client.get(f"/education/manage/courses/{course.id}").get_data(as_text=True)
    assert closes.strftime("%Y-%m-%d %H:%M") in page and "직원이 정함" in page
    # Both fields emptied: enrolment closes when the first session starts again.
    client.post(f"/education/manage/courses/{course.id}/settings",
                data=_settings(course, enrol_closes_day="", enrol_closes_time=""))
    db.session.refresh(course)
    assert course.enrol_closes_at is None and enrolment_closes_at(course) == course.sessions[0].starts_at


def test_enrolment_cannot_close_after_the_last_session_and_bad_hours_change_nothing(app, client, login_as,
                                                                                     make_course):
    course = make_course(sessions=1, capacity=2)
    after = to_seoul(course.sessions[-1].ends_at).replace(tzinfo=None) + timedelta(hours=1)
    login_as("staff")
    response = client.post(f"/education/manage/courses/{course.id}/settings", data=_settings(
        course, capacity="5", enrol_closes_day=after.date().isoformat(), enrol_closes_time=after.strftime("%H:%M")),
        follow_redirects=True)
    assert "마지막 회차" in response.get_data(as_text=True)
    db.session.refresh(course)
    assert course.enrol_closes_at is None and course.capacity == 2
    response = client.post(f"/education/manage/courses/{course.id}/settings",
                           data=_settings(course, capacity="5", offer_hours="-3"), follow_redirects=True)
    assert "0에서 336" in response.get_data(as_text=True)
    db.session.refresh(course)
    assert course.offer_hours == 24 and course.capacity == 2
