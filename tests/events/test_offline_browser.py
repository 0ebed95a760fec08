"""The offline scanner in a real Chromium: the server is taken away (a proxy the test cuts), the
phone keeps scanning, survives a reload, and its scans reach PostgreSQL when the network is back."""
from __future__ import annotations

import socket
import threading

import pytest
from sqlalchemy import create_engine, select, text
from werkzeug.serving import make_server

from ops import create_app
from ops.accounts.services import create_user
from ops.events import services
from ops.extensions import db
from tests.conftest import base_config, empty_tables
from tests.events.conftest import make_event, register_one
from tests.events.test_browser import page  # noqa: F401 (the Chromium fixture)

pytestmark = [pytest.mark.browser, pytest.mark.pg]


class Proxy:
    """A TCP relay between the browser and the server that the test can cut (connections refused and
    the open ones closed, as when the hall's Wi-Fi drops) and restore on the same port."""

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = None
        self.listener = None
        self.open_sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        self.restore()

    def restore(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port or 0))
        listener.listen(64)
        self.port = listener.getsockname()[1]
        self.listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def cut(self):
        try:
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the thread blocked in accept() (close alone does not)
        except OSError:
            pass
        self.listener.close()
        with self.lock:
            for sock in self.open_sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self.open_sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self.lock:
                self.open_sockets += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pipe(source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


@pytest.fixture
def door(pg_database, tmp_path, monkeypatch):
    """The app on PostgreSQL behind a cuttable proxy; an event with three tickets (one cancelled)."""
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(tmp_path, SQLALCHEMY_DATABASE_URI=pg_database, WTF_CSRF_ENABLED=True))
    with app.app_context():
        empty_tables()
        event = make_event(capacity=None)
        tickets = [register_one(event, n) for n in (1, 2, 3)]
        services.cancel_registration(tickets[1])
        create_user("door@example.org", "staff", "correct-horse-battery", name="Door Staff")
        db.session.commit()
        codes = [t.code for t in tickets]
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    proxy = Proxy(server.server_port)
    yield f"http://127.0.0.1:{proxy.port}", proxy, codes
    proxy.cut()
    server.shutdown()
    thread.join(timeout=5)
    with app.app_context():
        db.engine.dispose()


def scan(page, code):
    page.fill("#scan-code", code)
    page.press("#scan-code", "Enter")


def test_scanner_keeps_admitting_through_a_network_loss_and_a_reload(door, page, pg_database):  # noqa: F811
    base, proxy, (first, cancelled, third) = door
    page.goto(f"{base}/login")
    page.fill("#email", "door@example.org")
    page.fill("#password", "correct-horse-battery")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/scan?gate=Hall%20A&context=events:slw-2025")
    page.wait_for_selector("body[data-offline-ready='1']")
    assert page.get_attribute("#scan-network", "data-tickets") == "3"
    assert page.evaluate("navigator.serviceWorker.controller !== null")

    proxy.cut()
    scan(page, first)
    page.wait_for_selector("#scan-result.result-ok")
    assert "김***1" in page.inner_text("#scan-result")
    page.wait_for_selector("#scan-network.is-offline[data-waiting='1']")
    scan(page, first)  # the same ticket again: this phone remembers its own scans
    page.wait_for_selector("#scan-result.result-warn")
    assert "Hall A" in page.inner_text("#scan-result")
    scan(page, cancelled)
    page.wait_for_selector("#scan-result.result-bad[data-result='bad']")
    assert page.get_attribute("#scan-network", "data-waiting") == "1"
    forged = third[:-1] + ("A" if third[-1] != "A" else "B")
    page.fill("#scan-code", "")
    scan(page, forged)  # a code whose hash is not in the list
    page.wait_for_function("document.querySelector('#scan-result .scan-detail').textContent.length > 0")
    assert page.get_attribute("#scan-result", "data-result") == "bad"

    page.reload()  # the page comes from the service worker; the waiting scan from IndexedDB
    page.wait_for_selector("#scan-network.is-offline[data-waiting='1']")
    scan(page, third)
    page.wait_for_selector("#scan-network[data-waiting='2']")
    assert "result-ok" in page.get_attribute("#scan-result", "class")

    engine = create_engine(pg_database)
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM check_ins")) == 0  # nothing reached the server yet

    proxy.restore()
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_selector("#scan-network[data-state='online'][data-waiting='0']")
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT r.code, c.gate, c.method FROM check_ins c JOIN event_registrations r ON r.id = c.subject_id "
            "WHERE c.undone_at IS NULL ORDER BY c.at")).all()
        assert [tuple(row) for row in rows] == [(first, "Hall A", "offline"), (third, "Hall A", "offline")]
        assert conn.scalar(text("SELECT count(*) FROM offline_scans WHERE result = 'admitted'")) == 2
    engine.dispose()
