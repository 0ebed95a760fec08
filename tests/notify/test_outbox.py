"""Queueing: the outbox row lives and dies with the caller's transaction, and wakes the dispatcher on commit."""
import pytest
from sqlalchemy import func, select

from ops.extensions import db
from ops.notify import services
from ops.notify.models import OutboxMessage
from tests.notify.conftest import make_person, queue


@pytest.fixture
def wakes(monkeypatch):
    calls = []
    monkeypatch.setattr(services, "wake_dispatcher", lambda: calls.append(1) or True)
    return calls


def _count():
    return db.session.scalar(select(func.count()).select_from(OutboxMessage))


def test_a_commit_that_queued_messages_wakes_the_dispatcher_once(app, wakes):
    person = make_person()
    queue(person, "w:1")
    queue(person, "w:2")
    assert wakes == []  # not before the commit
    db.session.commit()
    assert wakes == [1]
    db.session.commit()
    assert wakes == [1]


def test_a_rolled_back_registration_leaves_no_message_and_wakes_nobody(app, wakes):
    queue(make_person(), "w:rollback")
    db.session.rollback()
    db.session.commit()
    assert _count() == 0 and wakes == []


def test_queueing_the_same_key_twice_stores_one_message(app, wakes):
    person = make_person()
    first = queue(person, "w:same")
    assert queue(person, "w:same").id == first.id
    db.session.commit()
    assert _count() == 1


def test_without_a_broker_under_tests_the_wake_up_is_left_to_the_sweep(app):
    assert services.wake_dispatcher() is False


# --- Staff page ---------------------------------------------------------------------------

def _failed_and_sent(sink):
    person = make_person(phone="010-2222-3333")
    queue(person, "p:bad", template="nobody.registered.this")
    queue(person, "p:good")
    db.session.commit()
    services.dispatch_due()


def test_staff_see_messages_with_status_and_reason_and_masked_numbers(app, client, login_as, sink):
    _failed_and_sent(sink)
    login_as("staff")
    page = client.get("/notify/outbox").get_data(as_text=True)
    assert "010-****-3333" in page and "2222" not in page
    assert "Unknown message text (nobody.registered.this)" in page or "알 수 없는 메시지 문안 (nobody.registered.this)" in page


def test_staff_can_filter_the_outbox_by_status(app, client, login_as, sink):
    _failed_and_sent(sink)
    login_as("staff")
    page = client.get("/notify/outbox?status=sent").get_data(as_text=True)
    assert "test.reminder" in page and "nobody.registered.this" not in page


def test_citizens_cannot_see_the_outbox(app, client, login_as):
    login_as("citizen")
    assert client.get("/notify/outbox").status_code == 403


def test_retry_needs_the_forms_csrf_token(csrf_app, make_user, tmp_path):
    csrf_app.config["OPS_SMS_SINK"] = str(tmp_path / "sms.jsonl")
    message = queue(make_person(), "p:csrf", template="nobody.registered.this")
    db.session.commit()
    services.dispatch_due()
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    user = make_user("staff")
    client.post("/login", data={"email": user.email, "password": "correct-horse-battery", "csrf_token": token})
    assert client.post(f"/notify/outbox/{message.id}/retry").status_code == 400
    response = client.post(f"/notify/outbox/{message.id}/retry", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(OutboxMessage, message.id).status == "pending"


def test_without_a_broker_outside_tests_the_commit_sends_at_once(tmp_path, monkeypatch):
    from ops import create_app
    from tests.conftest import base_config

    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    config = base_config(tmp_path, OPS_SMS_SINK=str(tmp_path / "sms.jsonl"))
    config["TESTING"] = False
    dev = create_app(config)
    with dev.app_context():
        db.create_all()
        queue(make_person(consent=True), "dev:1")
        db.session.commit()
        assert db.session.scalar(select(OutboxMessage.status)) == "sent"
    assert "dev:1" in (tmp_path / "sms.jsonl").read_text(encoding="utf-8")


def test_the_send_command_sends_what_is_due(app, sink):
    queue(make_person(), "cli:1")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "sent: 1" in result.output
