"""30,000 reminders due at once, sent to the file sink by one worker with two processes.

    .venv/bin/python bench/reminders.py [--count 30000]

Uses a PostgreSQL database and a Redis key prefix of its own (OPS_TEST_PG_URL,
OPS_TEST_REDIS_URL, as the tests do) and removes both afterwards. Prints the time from
handing the work to the worker until the last message is marked sent, messages per
second, and the sink's lines counted by key: every reminder exactly once.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

PG_ADMIN_URL = os.environ.get("OPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("OPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def seed(count: int) -> None:
    """People who agreed to reminders, and one reminder each, all due now (bulk, untimed)."""
    from ops.core.timeutil import utcnow
    from ops.extensions import db
    from ops.notify.models import OutboxMessage
    from ops.people.consent import NOTICES, SMS_REMINDERS
    from ops.people.models import Consent, Person

    now = utcnow() - timedelta(seconds=1)
    db.session.execute(insert(Person), [{"name": f"벤치{i}", "phone": f"010-{2000 + i // 10000:04d}-{i % 10000:04d}",
                                         "created_at": now, "updated_at": now} for i in range(count)])
    ids = db.session.scalars(select(Person.id).order_by(Person.id)).all()
    db.session.execute(insert(Consent), [{"person_id": pid, "purpose": SMS_REMINDERS, "granted": True,
                                          "version": NOTICES[SMS_REMINDERS].version, "recorded_at": now,
                                          "source": "bench"} for pid in ids])
    db.session.execute(insert(OutboxMessage), [
        {"channel": "sms", "recipient": f"010-{2000 + i // 10000:04d}-{i % 10000:04d}", "person_id": pid,
         "purpose": "reminder", "template": "notify.text", "locale": "ko", "data": {"text": f"내일 교육이 있습니다 ({i})"},
         "dedup_key": f"bench:{i}", "status": "pending", "attempts": 0, "send_after": now, "created_at": now}
        for i, pid in enumerate(ids)])
    db.session.commit()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=30000)
    args = parser.parse_args()

    name = f"ops_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db_url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    prefix = f"ops-bench-{uuid.uuid4().hex[:8]}:"
    workdir = Path(tempfile.mkdtemp(prefix="ops-bench-"))
    sink = workdir / "sms.jsonl"
    env = {**os.environ, "OPS_DATABASE_URL": db_url, "OPS_BROKER_URL": REDIS_URL, "OPS_RESULT_BACKEND": REDIS_URL,
           "OPS_REDIS_PREFIX": prefix, "OPS_SMS_PROVIDER": "file", "OPS_SMS_SINK": str(sink),
           "OPS_INSTANCE_PATH": str(workdir / "instance"),
           "OPS_SMS_QUIET_HOURS": "off"}  # a benchmark run at night must not wait for the morning
    os.environ.update({k: env[k] for k in ("OPS_INSTANCE_PATH",)})

    from ops import create_app
    from ops.extensions import db
    from ops.notify.models import OutboxMessage

    app = create_app({"SQLALCHEMY_DATABASE_URI": db_url, "OPS_BROKER_URL": REDIS_URL, "OPS_RESULT_BACKEND": REDIS_URL,
                      "OPS_REDIS_PREFIX": prefix})
    worker = None
    try:
        with app.app_context():
            db.create_all()
            seed(args.count)
            print(f"queued {args.count} reminders due now")
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "worker", "worker", "--pool=prefork", "--concurrency=2",
                 "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"bench-{prefix}@%h",
                 "--loglevel=WARNING"], env=env, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL)
            celery = app.extensions["celery"]
            celery.send_task("ops.core.ping").get(timeout=120)  # the worker is up
            started = time.monotonic()
            for _ in range(2):  # one dispatcher per worker process
                celery.send_task("ops.notify.dispatch")
            while True:
                db.session.expire_all()
                sent = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                         .where(OutboxMessage.status == "sent"))
                if sent >= args.count:
                    break
                if time.monotonic() - started > 900:
                    print(f"gave up after 900 s with {sent} sent")
                    return 1
                time.sleep(0.2)
            elapsed = time.monotonic() - started
            statuses = dict(db.session.execute(select(OutboxMessage.status, func.count())
                                               .group_by(OutboxMessage.status)).all())
        keys = Counter(json.loads(line)["key"] for line in sink.read_text(encoding="utf-8").splitlines())
        expected = {f"bench:{i}" for i in range(args.count)}
        duplicated = sum(1 for n in keys.values() if n > 1)
        lost = len(expected - set(keys))
        print(f"elapsed: {elapsed:.1f} s for {args.count} messages ({args.count / elapsed:.0f} messages/s), "
              f"one worker, --concurrency=2 (prefork)")
        print(f"sink lines: {sum(keys.values())}, distinct reminders: {len(keys)}, duplicated: {duplicated}, "
              f"lost: {lost}; outbox: {statuses}")
        return 0 if duplicated == 0 and lost == 0 else 1
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        import redis

        client = redis.Redis.from_url(REDIS_URL)
        for key in client.scan_iter(match=prefix + "*", count=1000):
            client.delete(key)


if __name__ == "__main__":
    sys.exit(main())
