"""The JSON API: enrol with a staff token, clear 422 errors with nothing saved, cancel with promotions."""
import pytest
from sqlalchemy import func, select

from ops.accounts.services import issue_token
from ops.education.models import Enrolment
from ops.extensions import db

BODY = {"name": "김철용", "phone": "010-1234-5678", "consent": True}


@pytest.fixture
def headers(make_user):
    _token, raw = issue_token(make_user("staff"), "test")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def post(client, path, headers, body=None):
    return client.post(f"/api/v1/education{path}", json=body, headers=headers)


def test_enrolling_answers_201_then_200_for_the_same_person(app, client, headers, make_course):
    course = make_course(capacity=1)
    first = post(client, f"/courses/{course.id}/enrolments", headers, BODY)
    again = post(client, f"/courses/{course.id}/enrolments", headers, BODY)
    assert first.status_code == 201 and first.json["status"] == "confirmed"
    assert again.status_code == 200 and again.json["id"] == first.json["id"]


def test_a_full_course_answers_with_the_place_in_line(app, client, headers, make_course):
    course = make_course(capacity=1)
    post(client, f"/courses/{course.id}/enrolments", headers, BODY)
    second = post(client, f"/courses/{course.id}/enrolments", headers, {**BODY, "name": "이영희"})
    assert (second.json["status"], second.json["position"]) == ("waitlisted", 1)


def test_bad_input_is_422_per_field_and_saves_nothing(app, client, headers, make_course):
    course = make_course()
    response = post(client, f"/courses/{course.id}/enrolments", headers,
                    {"name": "", "phone": "12", "consent": False, "institution_id": "x"})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"name", "phone", "consent", "institution_id"}
    assert db.session.scalar(select(func.count(Enrolment.id))) == 0


def test_cancelling_names_who_moved_up(app, client, headers, make_course):
    course = make_course(capacity=1)
    first = post(client, f"/courses/{course.id}/enrolments", headers, BODY).json
    second = post(client, f"/courses/{course.id}/enrolments", headers, {**BODY, "name": "이영희"}).json
    response = post(client, f"/enrolments/{first['id']}/cancel", headers)
    assert response.json["status"] == "cancelled" and response.json["promoted"] == [second["id"]]
    assert post(client, f"/enrolments/{first['id']}/cancel", headers).status_code == 409


def test_a_citizen_token_is_refused(app, client, make_user, make_course):
    _token, raw = issue_token(make_user("citizen"), "test")
    db.session.commit()
    response = post(client, f"/courses/{make_course().id}/enrolments", {"Authorization": f"Bearer {raw}"}, BODY)
    assert response.status_code == 403
