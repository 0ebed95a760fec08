"""Real worker processes against the real Redis and a PostgreSQL database shared with the test."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from ops import create_app
from ops.extensions import db
from tests import clock
from tests.conftest import REDIS_URL, base_config, empty_tables

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


@pytest.fixture
def shared(pg_database, redis_prefix, tmp_path, monkeypatch):
    """What the test and its workers share: database, Redis prefix, sink file, instance dir."""
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    env = {**os.environ, "OPS_DATABASE_URL": pg_database, "OPS_BROKER_URL": REDIS_URL, "OPS_RESULT_BACKEND": "",
           "OPS_REDIS_PREFIX": redis_prefix, "OPS_SMS_SINK": str(tmp_path / "sms.jsonl"),
           "OPS_INSTANCE_PATH": str(tmp_path / "instance"), "OPS_OUTBOX_LEASE": "2", "OPS_SMS_QUIET_HOURS": "off",
           "OPS_OUTBOX_BATCH": "20"}
    return {"env": env, "db": pg_database, "prefix": redis_prefix, "sink": tmp_path / "sms.jsonl",
            "tmp": tmp_path}


def broker_app(shared, broker=REDIS_URL, **extra):
    """An app on the shared database whose tasks go through ``broker`` (not run in-process)."""
    return create_app(base_config(shared["tmp"], SQLALCHEMY_DATABASE_URI=shared["db"], OPS_BROKER_URL=broker,
                                  OPS_RESULT_BACKEND=None, OPS_REDIS_PREFIX=shared["prefix"],
                                  OPS_SMS_SINK=str(shared["sink"]), **extra))


@pytest.fixture
def queue_app(shared):
    app = broker_app(shared)
    with app.app_context():
        empty_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def workers(shared):
    """Start `celery -A worker worker` processes (each in its own process group); all stopped at the end."""
    started: list[subprocess.Popen] = []

    def start(name: str, concurrency: int = 1, **env) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.clock", "celery", "-A", "worker", "worker", "--pool=prefork",
             f"--concurrency={concurrency}", "--without-heartbeat", "--without-gossip", "--without-mingle",
             "-n", f"{name}-{shared['prefix']}@%h", "--loglevel=WARNING"],
            env=clock.child_env({**shared["env"], **env}), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        started.append(process)
        return process

    yield start
    for process in started:  # nothing of theirs needs a clean stop: the database and prefix are dropped
        kill(process, signal.SIGKILL)
        process.wait()


def kill(process: subprocess.Popen, sig=signal.SIGKILL) -> None:
    """Signal the worker and its pool processes."""
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass


def wait_for(condition, timeout: float = 60, every: float = 0.05, tick=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if tick:
            tick()
        time.sleep(every)
    return False
