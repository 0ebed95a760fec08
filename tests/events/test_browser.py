"""A real headless Chromium registers, opens the ticket, and staff check it in on the scanner page."""
from __future__ import annotations

import os
import shutil
import threading

import pytest
from werkzeug.serving import make_server

from ops import create_app
from ops.accounts.services import create_user
from ops.extensions import db
from tests.conftest import base_config, service_missing
from tests.events.conftest import make_event

CHROMIUM = "/usr/bin/chromium"
pytestmark = pytest.mark.browser


@pytest.fixture
def live_server(tmp_path, monkeypatch):
    """The app on a real HTTP server (a thread, random port, SQLite), with CSRF on as in production."""
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(tmp_path, WTF_CSRF_ENABLED=True))
    with app.app_context():
        db.create_all()
        make_event()
        create_user("door@example.org", "staff", "correct-horse-battery", name="Door Staff")
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def page():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        service_missing("Chromium", f"{CHROMIUM} not found")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
        tab = context.new_page()
        tab.set_default_timeout(15000)
        yield tab
        context.close()
        browser.close()


def test_register_open_ticket_and_check_in_green_then_amber(live_server, page):
    page.goto(f"{live_server}/e/slw-2025")
    page.fill("#name", "홍길동")
    page.fill("#phone", "010-7777-1234")
    page.check("#consent")
    page.click("button[type=submit].big")
    page.wait_for_url("**/t/T.SLW-2025.*")
    code = page.inner_text(".ticket-code").strip()
    assert page.evaluate("document.querySelector('.ticket-qr img').naturalWidth") > 0

    page.goto(f"{live_server}/login")
    page.fill("#email", "door@example.org")
    page.fill("#password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/")

    page.goto(f"{live_server}/scan?gate=Hall%20A&context=events:slw-2025")
    assert not page.is_visible(".scan-undo")  # nothing to undo before the first scan
    page.fill("#scan-code", code)
    page.press("#scan-code", "Enter")
    page.wait_for_selector("#scan-result.result-ok")
    assert "홍*동" in page.inner_text("#scan-result")

    page.fill("#scan-code", code)
    page.press("#scan-code", "Enter")
    page.wait_for_selector("#scan-result.result-warn")
    assert "Hall A" in page.inner_text("#scan-result")
