"""Test-only templates and helpers for the outbox (areas' real templates are not relied on)."""
from __future__ import annotations

import pytest

from ops.extensions import db
from ops.notify import registry
from ops.notify.services import queue_message
from ops.people.consent import SMS_REMINDERS
from ops.people.services import find_or_create_person, record_consent

TEMPLATES = {
    "test.reminder": dict(ko="[테스트] {name}님, 내일 {what} 일정이 있습니다.",
                          en="[Test] {name}, you have {what} tomorrow."),
    "test.mail": dict(ko="{name}님 안녕하세요", en="Hello {name}", subject_ko="[테스트] 안내", subject_en="[Test] Notice"),
}


@pytest.fixture(autouse=True)
def test_templates(app):
    """Depends on the app so that every area has registered its own templates before the snapshot."""
    saved = dict(registry.TEMPLATES)
    for name, texts in TEMPLATES.items():
        registry.message_template(name, **texts)
    yield
    registry.TEMPLATES.clear()
    registry.TEMPLATES.update(saved)


@pytest.fixture(autouse=True)
def daytime(monkeypatch):
    """Texts go out at any hour in these tests; the quiet-hours tests switch the night back on."""
    monkeypatch.setenv("OPS_SMS_QUIET_HOURS", "off")


@pytest.fixture
def sink(app, tmp_path):
    path = tmp_path / "sms.jsonl"
    app.config.update(OPS_SMS_PROVIDER="file", OPS_SMS_SINK=str(path))
    return path


def make_person(name="김영희", phone="010-1234-5678", *, consent=True, email=None):
    person = find_or_create_person(name, phone, email=email)
    if consent is not None:
        record_consent(person, SMS_REMINDERS, consent)
    db.session.flush()
    return person


def queue(person, key, *, template="test.reminder", purpose="reminder", **kwargs):
    data = kwargs.pop("data", {"name": person.name, "what": "교육"})
    return queue_message(template=template, dedup_key=key, person=person, data=data, purpose=purpose, **kwargs)


def sink_lines(path) -> list[dict]:
    import json

    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
