"""A learner import goes through the real Redis to a real Celery worker; the status endpoint follows it."""
import io
import os
import subprocess
import sys
import time

import pytest

from ops import create_app
from ops.extensions import db
from tests import clock
from tests.conftest import REDIS_URL, base_config, login

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(__file__))))
SHEET = "이름,휴대전화,자치구,가능시간\n김영자,010-1111-2222,종로구,월 오전\n박순자,010-1111-3333,없는구,월 오전\n"


@pytest.mark.redis
def test_import_runs_in_a_worker_and_the_status_endpoint_reports_it(tmp_path, redis_prefix, monkeypatch):
    db_url = f"sqlite:///{tmp_path / 'import.db'}"
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(tmp_path, OPS_BROKER_URL=REDIS_URL, OPS_REDIS_PREFIX=redis_prefix,
                                 SQLALCHEMY_DATABASE_URI=db_url))
    with app.app_context():
        db.create_all()
        from ops.accounts.services import create_user

        create_user("staff@example.org", "staff", "correct-horse-battery")
        db.session.commit()
    staff = type("Login", (), {"email": "staff@example.org"})()
    env = {**os.environ, "OPS_BROKER_URL": REDIS_URL, "OPS_REDIS_PREFIX": redis_prefix,
           "OPS_DATABASE_URL": db_url, "OPS_INSTANCE_PATH": str(tmp_path / "instance")}
    worker = subprocess.Popen(
        [sys.executable, "-m", "tests.clock", "celery", "-A", "worker", "worker", "--pool=solo", "--concurrency=1",
         "--without-heartbeat", "--without-gossip", "--without-mingle", "-n", f"eodina-{redis_prefix}@%h",
         "--loglevel=WARNING"], env=clock.child_env(env), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        client = app.test_client()
        login(client, staff)
        response = client.post("/eodina/imports/new", data={"sheet": (io.BytesIO(SHEET.encode()), "l.csv"),
                                                             "consent_on_paper": "y"},
                               content_type="multipart/form-data")
        assert response.status_code == 302
        status_url = "/api/v1/eodina/imports/" + response.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
        body = client.get(status_url).get_json()
        deadline = time.time() + 60
        while body["status"] not in ("done", "failed") and time.time() < deadline:
            time.sleep(0.5)
            body = client.get(status_url).get_json()
        assert (body["status"], body["added"], len(body["errors"]), body["percent"]) == ("done", 1, 1, 100)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
