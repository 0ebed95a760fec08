"""Item 9 of issue 12: a person stops texts or withdraws consent (link in every text, their ticket page),
staff do it for a caller, and reminders then skip them with the reason in the outbox."""
import json

import pytest
from ops.accounts.services import create_user
from ops.extensions import db
from ops.notify import services as outbox
from ops.notify.models import OutboxMessage
from ops.notify.registry import message_template
from ops.notify.services import queue_message
from ops.people.consent import COLLECTION, SMS_REMINDERS
from ops.people.services import find_or_create_person, has_consent, record_consent
from ops.people.stop import stop_code
from tests.conftest import login

pytestmark = pytest.mark.pg

message_template("test.stop_reminder", ko="[테스트] 내일 교육이 있습니다.", en="[Test] Class tomorrow.")


@pytest.fixture
def sink(pg_app, tmp_path, monkeypatch):
    # texts go out at any hour here (the suite also runs at 23:59 Seoul time); the app exists already,
    # so its setting is changed, not the environment Config read
    monkeypatch.setitem(pg_app.config, "OPS_SMS_QUIET_HOURS", "off")
    path = tmp_path / "sms.jsonl"
    pg_app.config.update(OPS_SMS_PROVIDER="file", OPS_SMS_SINK=str(path))
    return path


def _person():
    person = find_or_create_person("김영희", "010-3333-4444")
    record_consent(person, COLLECTION, True)
    record_consent(person, SMS_REMINDERS, True)
    db.session.commit()
    return person


def _remind(person, key):
    message = queue_message(template="test.stop_reminder", dedup_key=key, person=person, purpose="reminder")
    db.session.commit()
    return message.id


def test_every_text_carries_the_persons_stop_link(pg_app, sink):
    person = _person()
    _remind(person, "r:1")
    outbox.dispatch_due()
    text = json.loads(sink.read_text().splitlines()[0])["text"]
    assert f"/stop/{stop_code(person.id)}" in text


def test_the_stop_link_stops_reminders_and_the_outbox_says_why(pg_app, sink):
    person = _person()
    client = pg_app.test_client()
    page = client.get(f"/stop/{stop_code(person.id)}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert client.post(f"/stop/{stop_code(person.id)}", data={"what": "texts"}).status_code == 200
    assert not has_consent(person, SMS_REMINDERS) and has_consent(person, COLLECTION)
    message_id = _remind(person, "r:after-stop")
    outbox.dispatch_due()
    row = db.session.get(OutboxMessage, message_id)
    assert row.status == "skipped" and row.last_error == outbox.WITHDRAWN
    assert not sink.exists() or sink.read_text() == ""


def test_withdrawing_every_consent_from_the_link(pg_app):
    person = _person()
    pg_app.test_client().post(f"/stop/{stop_code(person.id)}", data={"what": "all"})
    assert not has_consent(person, SMS_REMINDERS) and not has_consent(person, COLLECTION)


def test_an_altered_stop_link_is_404_and_changes_nothing(pg_app):
    person = _person()
    code = stop_code(person.id)
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert pg_app.test_client().post(f"/stop/{forged}", data={"what": "all"}).status_code == 404
    assert has_consent(person, SMS_REMINDERS)


def test_the_ticket_page_links_to_stopping_texts(pg_app):
    from tests.events.conftest import make_event, register_one

    registration = register_one(make_event(), 1, sms_consent=True)
    page = pg_app.test_client().get(f"/t/{registration.code}").get_data(as_text=True)
    assert f"/stop/{stop_code(registration.person_id)}" in page


def test_staff_stop_texts_for_a_caller(pg_app):
    person = _person()
    staff = create_user("desk@example.org", "staff", "correct-horse-battery")
    db.session.commit()
    client = pg_app.test_client()
    login(client, staff)
    response = client.post(f"/people/{person.id}/stop", data={"what": "texts"})
    assert response.status_code == 302 and not has_consent(person, SMS_REMINDERS)
    assert has_consent(person, COLLECTION)
