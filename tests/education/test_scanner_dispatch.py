"""Through the shared scanner API (built by events): an attendance code reaches education's handler."""

import pytest

from ops.accounts.services import issue_token
from ops.education.services import enrol, present_ids
from ops.extensions import db


def test_scanning_an_attendance_code_at_the_door_marks_the_learner_present(app, client, make_user, make_course,
                                                                           make_person, at_session):
    course = make_course()
    enrolment, _ = enrol(course, make_person())
    _token, raw = issue_token(make_user("staff"), "door")
    db.session.commit()
    at_session(course.sessions[0])
    headers = {"Authorization": f"Bearer {raw}"}
    first = client.post("/api/v1/checkin", json={"code": enrolment.code, "gate": "교육장"}, headers=headers)
    again = client.post("/api/v1/checkin", json={"code": enrolment.code, "gate": "교육장"}, headers=headers)
    assert first.status_code == 200 and first.json["result"] == "ok"
    assert again.status_code == 409 and again.json["result"] == "already_checked_in"
    assert present_ids(course.sessions[0]) == {enrolment.id}
