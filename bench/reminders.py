"""30,000 reminders due at once, sent to the file sink by one worker with two processes.

    .venv/bin/python bench/reminders.py [--count 30000]

Uses a fresh PostgreSQL database on OPS_TEST_PG_URL's server (migrated) and a Redis key
prefix of its own on OPS_BENCH_BROKER_URL (default redis://127.0.0.1:6379/0), and removes
both afterwards. Prints the time from handing the work to the worker until the last message
is marked sent, and messages per second. Checks that every reminder was sent exactly once
(outbox rows all sent, each claimed once; the sink holds one line per reminder, none lost,
none doubled, each with its own text) and exits 1 with a WRONG line for each difference.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import BROKER, REDIS_PREFIX, ROOT, Checks, app_env, prepared_app  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

GIVE_UP_AFTER = 900  # seconds


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
    if BROKER is None:
        print("bench/reminders.py needs Redis (OPS_BENCH_BROKER_URL, default redis://127.0.0.1:6379/0)")
        return 2

    from ops.extensions import db
    from ops.notify.models import OutboxMessage

    workdir = Path(tempfile.mkdtemp(prefix="ops-bench-"))
    sink = workdir / "sms.jsonl"
    # Read by the app here and by the worker (its environment is a copy of this one).
    os.environ.update(OPS_SMS_PROVIDER="file", OPS_SMS_SINK=str(sink),
                      OPS_SMS_QUIET_HOURS="off")  # a benchmark run at night must not wait for the morning
    checks = Checks()
    try:
        with prepared_app() as (url, instance, app), app.app_context():
            seed(args.count)
            print(f"queued {args.count} reminders due now")
            worker = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "worker", "worker", "--pool=prefork", "--concurrency=2",
                 "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"bench-{REDIS_PREFIX}@%h",
                 "--loglevel=WARNING"], env=app_env(url, instance), cwd=ROOT, start_new_session=True,
                stdout=subprocess.DEVNULL)
            try:
                celery = app.extensions["celery"]
                celery.send_task("ops.core.ping").get(timeout=120)  # the worker is up
                started = time.monotonic()
                for _ in range(2):  # one dispatcher per worker process
                    celery.send_task("ops.notify.dispatch")
                while True:
                    db.session.expire_all()
                    sent = db.session.scalar(select(func.count()).select_from(OutboxMessage)
                                             .where(OutboxMessage.status == "sent"))
                    if sent >= args.count or time.monotonic() - started > GIVE_UP_AFTER:
                        break
                    time.sleep(0.2)
                elapsed = time.monotonic() - started
            finally:
                os.killpg(worker.pid, signal.SIGTERM)
                worker.wait(timeout=60)
            db.session.expire_all()
            rows = {key: (row_id, attempts) for key, row_id, attempts in db.session.execute(
                select(OutboxMessage.dedup_key, OutboxMessage.id, OutboxMessage.attempts))}
            statuses = dict(db.session.execute(select(OutboxMessage.status, func.count())
                                               .group_by(OutboxMessage.status)).all())
        lines = [json.loads(line) for line in sink.read_text(encoding="utf-8").splitlines()] if sink.exists() else []
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    keys = Counter(line["key"] for line in lines)
    expected = {f"bench:{i}" for i in range(args.count)}
    print(f"elapsed: {elapsed:.1f} s for {sent} of {args.count} messages ({sent / elapsed:.0f} messages/s), "
          f"one worker, --concurrency=2 (prefork)")
    print(f"sink lines: {len(lines)}, distinct reminders: {len(keys)}; outbox: {statuses}")
    checks.equal("outbox: every reminder marked sent", statuses, {"sent": args.count})
    claimed_again = sorted(key for key, (_id, attempts) in rows.items() if attempts != 1)
    checks.equal("outbox: each reminder claimed once", claimed_again[:5], [])
    checks.equal("sink: one line per reminder", len(lines), args.count)
    checks.equal("sink: reminders lost", sorted(expected - set(keys))[:5], [])
    checks.equal("sink: reminders doubled", sorted(key for key, n in keys.items() if n > 1)[:5], [])
    checks.equal("sink: lines for no reminder", sorted(set(keys) - expected)[:5], [])
    mismatched = [line["key"] for line in lines if line["key"] in expected and (
        rows.get(line["key"], (None,))[0] != line["id"] or f"({line['key'].split(':')[1]})" not in line["text"])]
    checks.equal("sink: each line is its own reminder's row and text", mismatched[:5], [])
    return checks.verdict()


if __name__ == "__main__":
    sys.exit(main())
