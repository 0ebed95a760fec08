"""The citizen's side: the course list, the mobile enrolment form, their page with the QR, cancelling."""
from sqlalchemy import func, select

from ops.education.models import CITY_STAFF, CONFIRMED, Enrolment
from ops.extensions import db
from ops.people.models import Consent

FORM = {"name": "김철용", "phone": "010-1234-5678", "birth_year": "1950", "district": "jongno",
        "consent_collection": "y", "consent_sms": "y"}


def test_open_citizen_courses_are_listed(app, client, make_course):
    make_course()
    staff_only = make_course(audience=CITY_STAFF, kind="prompt")
    staff_only.title_ko = "직원 전용 과정"
    db.session.commit()
    page = client.get("/education").get_data(as_text=True)
    assert "시민 AI 특강" in page and "직원 전용 과정" not in page


def test_enrolling_from_the_form_records_consent_and_shows_the_qr(app, client, make_course):
    course = make_course()
    response = client.post(f"/education/courses/{course.id}", data=FORM)
    enrolment = db.session.scalar(select(Enrolment))
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/education/e/{enrolment.code}")
    assert enrolment.status == CONFIRMED
    assert {c.purpose for c in db.session.scalars(select(Consent))} == {"collection", "sms_reminders"}
    page = client.get(f"/education/e/{enrolment.code}").get_data(as_text=True)
    assert f"/qr/{enrolment.code}.png" in page and "김*용" in page


def test_a_wrong_phone_number_is_refused_with_nothing_saved(app, client, make_course):
    course = make_course()
    response = client.post(f"/education/courses/{course.id}", data={**FORM, "phone": "02-123-4567"})
    assert response.status_code == 422 and db.session.scalar(select(func.count(Enrolment.id))) == 0


def test_without_consent_nothing_is_saved(app, client, make_course):
    course = make_course()
    response = client.post(f"/education/courses/{course.id}", data={**FORM, "consent_collection": ""})
    assert response.status_code == 422 and db.session.scalar(select(func.count(Enrolment.id))) == 0


def test_enrolling_twice_keeps_one_enrolment_and_does_not_show_it_again(app, client, make_course):
    course = make_course()
    client.post(f"/education/courses/{course.id}", data=FORM)
    second = client.post(f"/education/courses/{course.id}", data=FORM)
    code = db.session.scalar(select(Enrolment.code))
    assert second.status_code == 200 and code not in second.get_data(as_text=True)
    assert "010-****-5678" in second.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Enrolment.id))) == 1


def test_a_staff_course_has_no_public_form(app, client, make_course):
    course = make_course(audience=CITY_STAFF, kind="prompt")
    assert client.post(f"/education/courses/{course.id}", data=FORM).status_code == 422
    assert db.session.scalar(select(func.count(Enrolment.id))) == 0


def test_the_learner_cancels_from_their_page(app, client, make_course):
    course = make_course()
    client.post(f"/education/courses/{course.id}", data=FORM)
    enrolment = db.session.scalar(select(Enrolment))
    assert client.post(f"/education/e/{enrolment.code}/cancel").status_code == 302
    db.session.refresh(enrolment)
    assert enrolment.status == "cancelled"


def test_a_forged_enrolment_code_is_not_found(app, client):
    assert client.get("/education/e/A.EDU-1.AAAAAAAA.BBBBBBBBBBBBBBBB").status_code == 404


def test_cancelling_asks_first_and_changes_nothing_until_confirmed(app, client, make_course):
    course = make_course()
    client.post(f"/education/courses/{course.id}", data=FORM)
    enrolment = db.session.scalar(select(Enrolment))
    assert client.get(f"/education/e/{enrolment.code}/cancel").status_code == 200
    db.session.refresh(enrolment)
    assert enrolment.status == CONFIRMED
