"""Item 1 of issue 12: a ticket or enrolment reaches only its owner, never whoever knows a name and phone."""
import pytest
from sqlalchemy import func, select

from ops.education.models import Enrolment
from ops.events.models import Registration
from ops.extensions import db
from ops.notify.models import OutboxMessage
from tests.events.conftest import make_event, registrant

pytestmark = pytest.mark.pg

URL = "/api/v1/events/slw-2025/registrations"
FORM = {"name": "김철용", "phone": "010-1234-5678", "birth_year": "1950", "district": "jongno",
        "consent_collection": "y"}


def _texts(template: str) -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.template == template))


def test_registering_again_by_api_tells_the_number_on_file_and_not_the_ticket(pg_app):
    make_event()
    client = pg_app.test_client()
    first = client.post(URL, json=registrant(1)).get_json()
    again = client.post(URL, json=registrant(1))
    text = again.get_data(as_text=True)
    assert again.status_code == 200 and again.get_json()["already_registered"] is True
    assert first["ticket_code"] not in text and "/t/" not in text
    assert again.get_json()["phone"] == "010-****-0001" and again.get_json()["sent_again"] is True
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "events.ticket_again"))
    assert message.recipient == "010-2000-0001" and message.purpose == "service"


def test_the_ticket_is_sent_again_at_most_once_in_ten_minutes(pg_app, time_machine):
    from datetime import datetime, timezone

    time_machine.move_to(datetime.now(timezone.utc), tick=False)
    make_event()
    client = pg_app.test_client()
    client.post(URL, json=registrant(1))
    answers = [client.post(URL, json=registrant(1)).get_json()["sent_again"] for _ in range(3)]
    assert answers == [True, False, False] and _texts("events.ticket_again") == 1
    time_machine.shift(11 * 60)
    assert client.post(URL, json=registrant(1)).get_json()["sent_again"] is True
    assert _texts("events.ticket_again") == 2


def test_registering_again_by_form_shows_no_ticket(pg_app):
    event = make_event()
    client = pg_app.test_client()
    form = {k: v for k, v in registrant(2).items() if k != "consent"} | {"consent": "y"}
    client.post(f"/e/{event.slug}", data=form)
    code = db.session.scalar(select(Registration.code))
    again = client.post(f"/e/{event.slug}", data=form)
    assert again.status_code == 200 and code not in again.get_data(as_text=True)
    assert "Location" not in again.headers and "010-****-0002" in again.get_data(as_text=True)


def test_enrolling_again_texts_the_link_and_shows_no_enrolment(pg_app):
    from datetime import datetime

    from ops.education.services import create_course

    course = create_course(title_ko="시민 AI 특강", title_en="AI lecture", kind="smart_city_center",
                           audience="citizens", capacity=5, year=2025)
    db.session.commit()
    client = pg_app.test_client()
    client.post(f"/education/courses/{course.id}", data=FORM)
    code = db.session.scalar(select(Enrolment.code))
    again = client.post(f"/education/courses/{course.id}", data=FORM)
    assert again.status_code == 200 and code not in again.get_data(as_text=True)
    assert "010-****-5678" in again.get_data(as_text=True) and _texts("education.enrolled_again") == 1


def test_ticket_pages_are_not_stored_and_send_no_referrer(pg_app):
    make_event()
    client = pg_app.test_client()
    code = client.post(URL, json=registrant(3)).get_json()["ticket_code"]
    page = client.get(f"/t/{code}")
    assert page.status_code == 200
    assert "no-store" in page.headers["Cache-Control"] and page.headers["Referrer-Policy"] == "no-referrer"
    for image in (f"/qr/{code}.png", f"/qr/{code}.svg"):  # the QR admits its holder: no copy kept either
        qr = client.get(image)
        assert qr.status_code == 200 and qr.headers["Cache-Control"] == "no-store", image
