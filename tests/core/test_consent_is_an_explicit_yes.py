"""Item 2 of issue 12: consent is only an explicit yes (JSON ``true``; a form's ticked box), else 422."""
import pytest
from sqlalchemy import func, select

from ops.education.models import Enrolment
from ops.events.models import Registration
from ops.extensions import db
from ops.people.models import Consent, Person
from tests.events.conftest import make_event, registrant

pytestmark = pytest.mark.pg

URL = "/api/v1/events/slw-2025/registrations"
NOT_A_YES_IN_JSON = [0, 1, "no", "yes", "true", "y", "on", "", [], [True], {}, 1.0, None, False]
NOT_A_YES_IN_FORMS = ["no", "0", "1", "false", "true", "on", "yes", "Y", ""]


def _nothing_stored() -> bool:
    return (db.session.scalar(select(func.count(Registration.id))) == 0
            and db.session.scalar(select(func.count(Consent.id))) == 0)


@pytest.mark.parametrize("value", NOT_A_YES_IN_JSON, ids=repr)
def test_api_consent_other_than_true_is_422_naming_it(pg_app, value):
    make_event()
    response = pg_app.test_client().post(URL, json=registrant(1, consent=value))
    assert response.status_code == 422 and "consent" in response.get_json()["errors"]
    assert _nothing_stored()


@pytest.mark.parametrize("value", [v for v in NOT_A_YES_IN_JSON if v not in (None, False)], ids=repr)
def test_api_reminder_consent_other_than_true_or_false_is_422(pg_app, value):
    make_event()
    response = pg_app.test_client().post(URL, json=registrant(1, consent_sms=value))
    assert response.status_code == 422 and "consent_sms" in response.get_json()["errors"]
    assert _nothing_stored()


@pytest.mark.parametrize("sms,purposes", [(True, {"event_registration", "sms_reminders"}),
                                          (False, {"event_registration"})])
def test_api_true_is_a_yes(pg_app, sms, purposes):
    make_event()
    response = pg_app.test_client().post(URL, json=registrant(1, consent_sms=sms))
    assert response.status_code == 201
    granted = set(db.session.scalars(select(Consent.purpose).where(Consent.granted.is_(True))))
    assert granted == purposes


@pytest.mark.parametrize("value", NOT_A_YES_IN_FORMS)
def test_event_form_consent_other_than_the_box_value_is_refused(pg_app, value):
    event = make_event()
    form = {k: v for k, v in registrant(1).items() if k != "consent"} | {"consent": value}
    response = pg_app.test_client().post(f"/e/{event.slug}", data=form)
    assert response.status_code == 422 and _nothing_stored()


@pytest.mark.parametrize("value", NOT_A_YES_IN_FORMS)
def test_event_form_reminder_consent_other_than_the_box_value_is_refused(pg_app, value):
    event = make_event()
    form = {k: v for k, v in registrant(1).items() if k != "consent"} | {"consent": "y", "consent_sms": value}
    response = pg_app.test_client().post(f"/e/{event.slug}", data=form)
    assert response.status_code == 422 and _nothing_stored()


@pytest.mark.parametrize("value", NOT_A_YES_IN_FORMS)
def test_education_form_consent_other_than_the_box_value_is_refused(pg_app, value):
    from ops.education.services import create_course

    course = create_course(title_ko="시민 AI 특강", title_en="AI lecture", kind="smart_city_center",
                           audience="citizens", capacity=5, year=2025)
    db.session.commit()
    form = {"name": "김철용", "phone": "010-1234-5678", "consent_collection": value}
    response = pg_app.test_client().post(f"/education/courses/{course.id}", data=form)
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Enrolment.id))) == 0
    assert db.session.scalar(select(func.count(Person.id))) == 0
