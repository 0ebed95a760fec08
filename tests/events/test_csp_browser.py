"""Issue 12, item 6: under the Content-Security-Policy, the pages raise no violation in a real Chromium,
and the scanner's camera still starts (Chromium's fake camera stands in for a phone's)."""
from __future__ import annotations

import os
import shutil

import pytest

from tests.conftest import service_missing
from tests.events.test_browser import CHROMIUM, live_server  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser


@pytest.fixture
def camera_page():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        service_missing("Chromium", f"{CHROMIUM} not found")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium"), headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--use-fake-device-for-media-stream",
                  "--use-fake-ui-for-media-stream"])
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="ko-KR")
        context.grant_permissions(["camera"])
        tab = context.new_page()
        tab.set_default_timeout(15000)
        violations: list[str] = []
        tab.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        tab.violations = violations
        yield tab
        context.close()
        browser.close()


def test_pages_and_the_scanner_camera_work_under_the_csp(live_server, camera_page):  # noqa: F811
    page = camera_page
    page.goto(f"{live_server}/e/slw-2025")
    page.goto(f"{live_server}/login")
    page.fill("#email", "door@example.org")
    page.fill("#password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    response = page.goto(f"{live_server}/scan?gate=Hall%20A&context=events:slw-2025")
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    page.click("#scan-camera-toggle")
    # Polled from here: wait_for_function evaluates a string in the page, which the CSP (rightly) refuses.
    for _ in range(60):
        if page.evaluate("() => document.getElementById('scan-video').readyState") >= 2:
            break
        page.wait_for_timeout(250)
    assert page.evaluate("() => document.getElementById('scan-video').readyState") >= 2
    assert page.is_visible("#scan-video")
    page.goto(f"{live_server}/developers/api")
    assert page.violations == []
