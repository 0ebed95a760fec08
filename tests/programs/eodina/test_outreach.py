"""Reaching people without the internet: the helpline on citizen pages and texts, and the call-back list."""
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from ops.core.timeutil import seoul_to_utc, seoul_today
from ops.extensions import db
from ops.notify.models import OutboxMessage
from ops.programs.eodina.models import CallbackRequest
from ops.programs.eodina.reminders import queue_lesson_day_before
from tests.conftest import login

CALL = {"name": "김할머니", "phone": "010-6666-1234", "consent_collection": "y", "note": "오전에 전화 주세요"}


def test_helpline_is_on_the_citizen_pages(client, app):
    app.config["EODINA_HELPLINE"] = "02-555-0100"
    for url in ("/eodina/join", "/eodina/learn", "/eodina/join/thanks", "/eodina/callback"):
        page = client.get(url).get_data(as_text=True)
        assert "02-555-0100" in page and 'href="tel:025550100"' in page, url


def test_lesson_text_carries_the_helpline(app, matched):
    app.config["EODINA_HELPLINE"] = "02-555-0100"
    ins, le, _c = matched
    # The day before the match's weekly slot (mon-am): a Sunday, 10:00 Seoul.
    today = seoul_today()
    sunday = today + timedelta(days=(6 - today.weekday()) % 7 or 7)
    from ops.people.services import record_consent
    from ops.people.consent import SMS_REMINDERS

    record_consent(le.person, SMS_REMINDERS, True)
    db.session.commit()
    assert queue_lesson_day_before(seoul_to_utc(datetime.combine(sunday, time(10)))) == 1
    message = db.session.scalar(select(OutboxMessage))
    from ops.notify.services import render

    assert "문의 02-555-0100" in render(message).body


def test_call_me_back_goes_on_the_staff_list_once(client, login_as):
    assert client.post("/eodina/callback?from=learn", data={**CALL, "source": "learn"}).status_code == 302
    assert client.post("/eodina/callback", data={**CALL, "source": "join"}).status_code == 302  # asked again
    assert db.session.scalar(select(func.count(CallbackRequest.id))) == 1
    row = db.session.scalar(select(CallbackRequest))
    assert (row.status, row.source, row.note) == ("to_call", "learn", "오전에 전화 주세요")
    client.get("/logout")
    login_as("staff")
    page = client.get("/eodina/callbacks").get_data(as_text=True)
    assert "김할머니" in page and 'href="tel:01066661234"' in page


def test_call_me_back_without_consent_is_refused_and_nothing_kept(client):
    response = client.post("/eodina/callback", data={**CALL, "consent_collection": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(CallbackRequest.id))) == 0


def test_staff_record_attempts_until_done(client, login_as):
    client.post("/eodina/callback", data=CALL)
    row = db.session.scalar(select(CallbackRequest))
    login_as("staff")
    client.post(f"/eodina/callbacks/{row.id}/call", data={"outcome": "no_answer"})
    client.post(f"/eodina/callbacks/{row.id}/call", data={"outcome": "done", "note": "가입 도와드림"})
    db.session.expire_all()
    row = db.session.get(CallbackRequest, row.id)
    assert (row.status, row.attempts) == ("done", 2) and row.done_at is not None
    assert "부재" in row.notes and "가입 도와드림" in row.notes
    assert client.post(f"/eodina/callbacks/{row.id}/call", data={"outcome": "done"}).status_code == 302
    assert db.session.get(CallbackRequest, row.id).attempts == 2  # a finished call is not counted again
    assert "김할머니" not in client.get("/eodina/callbacks").get_data(as_text=True)


def test_after_a_finished_call_the_same_person_can_ask_again(client, login_as):
    client.post("/eodina/callback", data=CALL)
    row = db.session.scalar(select(CallbackRequest))
    row.done_at = seoul_to_utc(datetime.combine(seoul_today(), time(10)))
    db.session.commit()
    client.post("/eodina/callback", data=CALL)
    assert db.session.scalar(select(func.count(CallbackRequest.id))) == 2
