"""Exactly once with real workers: SIGKILL mid-batch, two workers at once, and Redis down."""
import json
import time
from collections import Counter

import pytest
from sqlalchemy import func, select

from ops.extensions import db
from ops.notify.models import OutboxMessage
from ops.notify.services import queue_message
from tests.worker.conftest import broker_app, kill, wait_for

pytestmark = [pytest.mark.pg, pytest.mark.redis]


def queue_many(n: int, prefix: str = "fault") -> set[str]:
    keys = set()
    for i in range(n):
        key = f"{prefix}:{i}"
        queue_message(template="notify.text", dedup_key=key, recipient=f"010-5555-{i % 10000:04d}",
                      data={"text": f"안내 {i}"})
        keys.add(key)
    db.session.commit()
    return keys


def sink_keys(path) -> Counter:
    if not path.exists():
        return Counter()
    return Counter(json.loads(line)["key"] for line in path.read_text(encoding="utf-8").splitlines())


def sent_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == "sent"))


def sweep(app):
    app.extensions["celery"].send_task("ops.notify.dispatch")


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_twice(queue_app, shared, workers):
    first = workers("doomed", concurrency=2)
    keys = queue_many(2000)  # the commit wakes the dispatcher through Redis
    sweep(queue_app)
    assert wait_for(lambda: len(sink_keys(shared["sink"])) > 0, every=0.01), "the first worker never started sending"
    kill(first)
    first.wait()
    assert len(sink_keys(shared["sink"])) < len(keys), "the batch finished before the kill"

    workers("rescuer")
    last = [0.0]

    def beat():  # the periodic sweep, every second instead of every minute
        if time.monotonic() - last[0] > 1:
            last[0] = time.monotonic()
            sweep(queue_app)

    assert wait_for(lambda: sent_count() == len(keys), timeout=90, tick=beat), f"only {sent_count()} sent"
    written = sink_keys(shared["sink"])
    assert set(written) == keys
    assert max(written.values()) == 1


def test_two_workers_at_once_share_the_work_without_duplicates(queue_app, shared, workers):
    # A long lease: no message may be taken over, so each is claimed exactly once.
    workers("left", OPS_OUTBOX_LEASE="300")
    workers("right", OPS_OUTBOX_LEASE="300")
    keys = queue_many(600)
    for _ in range(4):
        sweep(queue_app)
    assert wait_for(lambda: sent_count() == len(keys), timeout=90), f"only {sent_count()} sent"
    written = sink_keys(shared["sink"])
    assert set(written) == keys and max(written.values()) == 1
    claims = db.session.scalars(select(OutboxMessage.attempts)).all()
    assert set(claims) == {1}, "a message was claimed more than once"


def test_while_redis_is_down_the_registration_commits_and_the_message_follows(queue_app, shared, workers):
    down = broker_app(shared, broker="redis://127.0.0.1:1/0")
    with down.app_context():
        started = time.monotonic()
        queue_message(template="notify.text", dedup_key="outage:1", recipient="010-7777-0001",
                      data={"text": "등록되었습니다"})
        db.session.commit()  # must not raise although the wake-up cannot be delivered
        assert time.monotonic() - started < 5
        db.session.remove()
    assert db.session.scalar(select(OutboxMessage.status).where(OutboxMessage.dedup_key == "outage:1")) == "pending"

    workers("after-outage")
    sweep(queue_app)  # Redis is back: the periodic sweep sends what waited
    assert wait_for(lambda: sent_count() == 1, timeout=60)
    assert sink_keys(shared["sink"]) == Counter({"outage:1": 1})
