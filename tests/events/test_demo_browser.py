"""The demo is alive on any day: on the events demo data as `ops seed demo` makes it, a real headless
Chromium registers for the event open today, opens the ticket, and staff check it in on the scanner."""
from __future__ import annotations

import threading

import pytest
from werkzeug.serving import make_server

from ops import create_app
from ops.accounts.services import create_user
from ops.core.timeutil import seoul_today
from ops.events import demo
from ops.extensions import db
from tests.conftest import base_config
from tests.events.test_browser import page  # noqa: F401 (the Chromium tab fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_server(tmp_path, monkeypatch):
    """The app with the events demo seeded today, on a real HTTP server (CSRF on, as in production)."""
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(tmp_path, WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
        staff = create_user("door@example.org", "staff", "correct-horse-battery", name="Door Staff")
        db.session.commit()
        demo.seed({"users": {"staff": staff}})
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_a_newcomer_registers_on_the_demo_today_and_is_checked_in(demo_server, page):  # noqa: F811
    slug = demo.live_specs(seoul_today())[0][0]["slug"]
    page.goto(f"{demo_server}/e/{slug}")
    page.fill("#name", "홍길동")
    page.fill("#phone", "010-7777-1234")
    page.check("#consent")
    page.click("button[type=submit].big")
    page.wait_for_url("**/t/T.*")
    code = page.inner_text(".ticket-code").strip()

    page.goto(f"{demo_server}/login")
    page.fill("#email", "door@example.org")
    page.fill("#password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{demo_server}/")

    page.goto(f"{demo_server}/scan?gate=Hall%20A&context=events:{slug}")
    page.fill("#scan-code", code)
    page.press("#scan-code", "Enter")
    page.wait_for_selector("#scan-result.result-ok")
    assert "홍*동" in page.inner_text("#scan-result")
