"""One app with the demo data on a real HTTP server, and one Chromium, shared by the a11y tests."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from ops import create_app
from ops.extensions import db
from tests.a11y.pages import discover
from tests.conftest import base_config, copy_demo, service_missing

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "var" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


def _login(client, email, password):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.data[:300]


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory, demo_seed):
    """(base URL, app, pages): the demo data, every page found, served by a thread."""
    tmp = tmp_path_factory.mktemp("a11y")
    previous = os.environ.get("OPS_INSTANCE_PATH")
    os.environ["OPS_INSTANCE_PATH"] = str(tmp / "instance")
    copy_demo(demo_seed, tmp)
    app = create_app(base_config(tmp, WTF_CSRF_ENABLED=True))
    with app.app_context():
        app.config["WTF_CSRF_ENABLED"] = False  # the crawl's test client has no form tokens
        pages = discover(app, _login)
        app.config["WTF_CSRF_ENABLED"] = True
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app, pages
    server.shutdown()
    thread.join(timeout=5)
    if previous is None:
        os.environ.pop("OPS_INSTANCE_PATH", None)
    else:
        os.environ["OPS_INSTANCE_PATH"] = previous


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for every page of the module."""
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not executable:
        service_missing("Chromium", f"{CHROMIUM} not found")
    if not AXE.exists():
        service_missing("axe-core", f"{AXE} not found: run `make axe`")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--no-first-run"])
        yield chromium
        chromium.close()
