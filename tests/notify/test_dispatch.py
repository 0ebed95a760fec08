"""The dispatcher: what is due goes out once, in the person's language, respecting consent and the night."""
from datetime import datetime, timedelta

from sqlalchemy import select

from ops.core.timeutil import utcnow
from ops.extensions import db
from ops.notify import channels, services
from ops.notify.models import OutboxMessage
from ops.people.consent import SMS_REMINDERS
from ops.people.services import withdraw_consent
from tests.notify.conftest import make_person, queue, sink_lines

LONG_AGO = datetime(2025, 1, 1)
SEOUL_NOON = datetime(2025, 6, 2, 3, 0)  # 12:00 in Seoul
SEOUL_22 = datetime(2025, 6, 2, 13, 0)  # 22:00 in Seoul


def _status(message):
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_a_due_reminder_is_written_to_the_sink_once_and_marked_sent(app, sink):
    message = queue(make_person(), "r:1")
    db.session.commit()
    assert services.dispatch_due() == {"sent": 1}
    assert services.dispatch_due() == {}
    lines = sink_lines(sink)
    assert [line["key"] for line in lines] == ["r:1"]
    assert lines[0]["text"].startswith("[테스트] 김영희님, 내일 교육 일정이 있습니다. 수신거부: http")
    row = _status(message)
    assert (row.status, row.attempts) == ("sent", 1) and row.sent_at is not None


def test_the_sink_and_its_log_line_never_hold_the_full_number(app, sink, caplog):
    queue(make_person(phone="010-9876-5432"), "r:mask")
    db.session.commit()
    with caplog.at_level("INFO", logger="ops.notify"):
        services.dispatch_due()
    assert "9876" not in sink.read_text(encoding="utf-8")
    assert "5432" in caplog.text and "9876" not in caplog.text


def test_english_speakers_get_the_english_text(app, sink):
    queue(make_person(), "r:en", locale="en")
    db.session.commit()
    services.dispatch_due()
    assert sink_lines(sink)[0]["text"].startswith("[Test] 김영희, you have 교육 tomorrow. Stop texts: http")


def test_a_reminder_without_consent_is_skipped_with_the_reason(app, sink):
    message = queue(make_person(consent=None), "r:noconsent")
    db.session.commit()
    services.dispatch_due()
    row = _status(message)
    assert row.status == "skipped" and "consent" in row.last_error
    assert sink_lines(sink) == []


def test_a_reminder_after_consent_was_withdrawn_is_skipped(app, sink):
    person = make_person()
    withdraw_consent(person, SMS_REMINDERS)
    message = queue(person, "r:withdrawn")
    db.session.commit()
    services.dispatch_due()
    assert _status(message).status == "skipped"


def test_a_service_message_needs_no_reminder_consent(app, sink):
    message = queue(make_person(consent=None), "ticket:1", purpose="service")
    db.session.commit()
    services.dispatch_due()
    assert _status(message).status == "sent"


def test_no_sms_at_night_it_waits_for_the_morning(app, sink):
    app.config["OPS_SMS_QUIET_HOURS"] = "21-8"
    message = queue(make_person(), "r:night", send_after=LONG_AGO)
    db.session.commit()
    assert services.dispatch_due(now=SEOUL_22) == {}
    assert _status(message).status == "pending"
    assert services.dispatch_due(now=SEOUL_NOON) == {"sent": 1}


def test_quiet_hours_are_on_by_default(tmp_path, monkeypatch):
    from ops import create_app
    from tests.conftest import base_config

    monkeypatch.delenv("OPS_SMS_QUIET_HOURS")
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    with create_app(base_config(tmp_path)).app_context():
        assert services.quiet_hours() == (21, 8)


def test_quiet_hours_run_from_21_to_8_seoul_time(app):
    app.config["OPS_SMS_QUIET_HOURS"] = "21-8"
    seoul = lambda h: datetime(2025, 6, 2, h, 0) - timedelta(hours=9)  # noqa: E731
    assert [services.in_quiet_hours(seoul(h)) for h in (7, 8, 20, 21)] == [True, False, False, True]
    assert services.quiet_hours_end(SEOUL_22) == datetime(2025, 6, 2, 23, 0)  # 08:00 next day in Seoul


def test_email_is_not_held_back_at_night(app, sink, monkeypatch):
    app.config["OPS_SMS_QUIET_HOURS"] = "21-8"
    sent = []
    monkeypatch.setattr(channels.SmtpMailer, "send", lambda self, m: sent.append(m) or channels.SENT)
    person = make_person(email="young@example.org")
    queue(person, "mail:night", template="test.mail", channel="email", purpose="service",
          data={"name": "김영희"}, send_after=LONG_AGO)
    db.session.commit()
    assert services.dispatch_due(now=SEOUL_22) == {"sent": 1}
    assert sent[0].subject == "[테스트] 안내"


def test_a_temporary_failure_is_retried_later_with_the_error_kept(app, sink, monkeypatch):
    def down(self, message):
        raise channels.TemporaryFailure("gateway down")

    monkeypatch.setattr(channels.FileSink, "send", down)
    message = queue(make_person(), "r:retry")
    db.session.commit()
    assert services.dispatch_due() == {"pending": 1}
    row = _status(message)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, "gateway down")
    assert row.send_after > utcnow() + timedelta(seconds=30)


def test_after_the_last_attempt_the_message_is_failed(app, sink, monkeypatch):
    app.config["OPS_OUTBOX_MAX_ATTEMPTS"] = 2
    monkeypatch.setattr(channels.FileSink, "send",
                        lambda self, m: (_ for _ in ()).throw(channels.TemporaryFailure("gateway down")))
    message = queue(make_person(), "r:giveup")
    db.session.commit()
    services.dispatch_due()
    services.dispatch_due(now=utcnow() + timedelta(hours=2))
    row = _status(message)
    assert (row.status, row.attempts, row.last_error) == ("failed", 2, "gateway down")


def test_an_unknown_template_fails_at_once_with_the_reason(app, sink):
    message = queue(make_person(), "r:bad", template="nobody.registered.this")
    db.session.commit()
    services.dispatch_due()
    row = _status(message)
    assert row.status == "failed" and "unknown template" in row.last_error


def test_a_message_whose_worker_died_is_claimed_again_after_the_lease(app, sink):
    message = queue(make_person(), "r:lease")
    db.session.commit()
    assert [m.id for m in services.claim_due("dead-worker", 10)] == [message.id]
    assert services.dispatch_due() == {}  # still leased to the dead worker
    later = utcnow() + timedelta(seconds=app.config["OPS_OUTBOX_LEASE"] + 1)
    assert services.dispatch_due(now=later) == {"sent": 1}
    assert _status(message).attempts == 2


def test_a_message_already_in_the_sink_when_its_worker_died_is_not_sent_twice(app, sink):
    message = queue(make_person(), "r:half")
    db.session.commit()
    claimed = services.claim_due("dead-worker", 10)
    channels.sms_provider(app.config).send(services.render(claimed[0]))  # sent, then SIGKILL before "sent"
    later = utcnow() + timedelta(seconds=app.config["OPS_OUTBOX_LEASE"] + 1)
    assert services.dispatch_due(now=later) == {"sent": 1}
    assert len(sink_lines(sink)) == 1
    assert _status(message).status == "sent"


def test_a_late_worker_cannot_mark_a_message_it_lost(app, sink):
    message = queue(make_person(), "r:lost")
    db.session.commit()
    services.claim_due("slow-worker", 10)
    later = utcnow() + timedelta(seconds=app.config["OPS_OUTBOX_LEASE"] + 1)
    services.claim_due("new-worker", 10, now=later)
    assert services._finish(message.id, "slow-worker", status="failed") is False
    assert _status(message).claimed_by == "new-worker"


def test_retry_puts_a_failed_message_back_due_now(app, sink):
    message = queue(make_person(), "r:again", template="nobody.registered.this")
    db.session.commit()
    services.dispatch_due()
    services.retry_message(message.id)
    db.session.commit()
    row = _status(message)
    assert (row.status, row.attempts, row.last_error) == ("pending", 0, None)


def test_a_sent_message_cannot_be_retried(app, sink):
    message = queue(make_person(), "r:done")
    db.session.commit()
    services.dispatch_due()
    try:
        services.retry_message(message.id)
    except services.NotRetryable:
        pass
    else:
        raise AssertionError("a sent message was put back in the queue")


def test_reminder_sources_are_each_called_and_one_failing_stops_no_other(app):
    from ops.notify import registry

    calls = []

    def good(now):
        calls.append(now)
        queue(make_person(), f"src:{now:%Y%m%d}")
        return 1

    def broken(now):
        raise RuntimeError("bug in an area")

    saved = dict(registry.SOURCES)
    registry.SOURCES.clear()
    registry.reminder_source("test.broken")(broken)
    registry.reminder_source("test.good")(good)
    try:
        assert services.run_reminder_sources() == {"test.broken": -1, "test.good": 1}
        assert services.run_reminder_sources()["test.good"] == 1
    finally:
        registry.SOURCES.clear()
        registry.SOURCES.update(saved)
    assert db.session.scalar(select(OutboxMessage.dedup_key)).startswith("src:")
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 1


def test_a_bug_in_a_channel_is_a_failed_try_not_a_stuck_queue(app, sink, monkeypatch):
    monkeypatch.setattr(channels.FileSink, "send", lambda self, m: {}["boom"])
    message = queue(make_person(), "r:bug")
    db.session.commit()
    assert services.dispatch_due() == {"pending": 1}
    assert _status(message).last_error == "unexpected error (KeyError)"


def test_a_message_its_workers_keep_dying_on_is_given_up(app, sink):
    app.config["OPS_OUTBOX_MAX_ATTEMPTS"] = 2
    message = queue(make_person(), "r:poison")
    db.session.commit()
    later = utcnow()
    for _ in range(2):  # two workers claimed it and died
        later += timedelta(seconds=app.config["OPS_OUTBOX_LEASE"] + 1)
        services.claim_due("dying", 10, now=later)
    later += timedelta(seconds=app.config["OPS_OUTBOX_LEASE"] + 1)
    assert services.dispatch_due(now=later) == {"failed": 1}
    assert "gave up" in _status(message).last_error
    assert sink_lines(sink) == []
