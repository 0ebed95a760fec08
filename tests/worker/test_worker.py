"""A task goes through the real Redis to a real `celery -A worker worker` process and back."""
import os
import subprocess
import sys
import time

import pytest

from ops import create_app
from tests import clock
from tests.conftest import REDIS_URL, base_config


@pytest.mark.redis
def test_task_runs_in_a_real_worker_through_redis(tmp_path, redis_prefix, monkeypatch):
    db_url = f"sqlite:///{tmp_path / 'worker.db'}"
    env = {**os.environ, "OPS_BROKER_URL": REDIS_URL, "OPS_REDIS_PREFIX": redis_prefix,
           "OPS_DATABASE_URL": db_url, "OPS_INSTANCE_PATH": str(tmp_path / "instance")}
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.clock", "celery", "-A", "worker", "worker", "--pool=solo", "--concurrency=1",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"test-{redis_prefix}@%h",
         "--loglevel=WARNING"],
        env=clock.child_env(env), cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
        app = create_app(base_config(tmp_path, OPS_BROKER_URL=REDIS_URL, OPS_RESULT_BACKEND=REDIS_URL,
                                     OPS_REDIS_PREFIX=redis_prefix, SQLALCHEMY_DATABASE_URI=db_url))
        celery = app.extensions["celery"]
        assert not celery.conf.task_always_eager
        result = celery.send_task("ops.core.ping", args=["hello"])
        assert result.get(timeout=60) == {"reply": "hello", "database": True}
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()


def test_without_a_broker_tasks_run_in_process(app):
    from ops.core.tasks import ping

    assert app.extensions["celery"].conf.task_always_eager
    assert ping.delay("x").get() == {"reply": "x", "database": True}


def test_without_a_broker_a_serving_process_says_so_once_and_commands_do_not(tmp_path, monkeypatch, caplog):
    import ops.core.celery

    monkeypatch.setattr(ops.core.celery, "_said_in_process", False)
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    config = base_config(tmp_path)
    config["TESTING"] = False
    with caplog.at_level("WARNING", logger="ops.worker"):
        first, second = create_app(config), create_app(config)  # as every `ops` command does
        assert "tasks run in-process" not in caplog.text
        for app in (first, second, first):
            app.test_client().get("/healthz")
    assert caplog.text.count("tasks run in-process") == 1
