"""Item 6 of issue 12: security headers on every response; HSTS only with secure cookies."""
import pytest

from tests.conftest import sqlite_app

pytestmark = pytest.mark.pg


@pytest.mark.parametrize("path", ["/", "/login", "/events", "/api/v1/whoami", "/no-such-page"])
def test_every_response_carries_the_security_headers(pg_app, path):
    response = pg_app.test_client().get(path)
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"]
    assert "Strict-Transport-Security" not in response.headers


def test_hsts_is_sent_when_cookies_are_secure(tmp_path, monkeypatch):
    with sqlite_app(tmp_path, monkeypatch, SESSION_COOKIE_SECURE=True) as app:
        response = app.test_client().get("/login")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_no_page_template_holds_an_inline_script_or_style():
    """What the CSP refuses must not be in the pages: scripts and styles come from static files."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2] / "ops"
    offenders = []
    for template in root.rglob("templates/**/*.html"):
        text = template.read_text()
        for match in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", text):
            offenders.append(f"{template.name}: {match.group(0)}")
        if re.search(r"\sstyle=\"|<style|\son[a-z]+=\"", text):
            offenders.append(f"{template.name}: inline style or handler")
    assert offenders == []
