"""Channels: the file sink, a real HTTP gateway on 127.0.0.1 and a real SMTP server, each idempotent by key."""
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from ops.extensions import db
from ops.notify import channels, services
from tests.notify.conftest import make_person, queue, sink_lines

MESSAGE = channels.Outgoing(id=7, key="event:7:day-before", channel="sms", recipient="010-1234-5678",
                            body="내일 뵙겠습니다")


def test_two_sinks_on_one_file_write_a_key_once(tmp_path):
    path = tmp_path / "sink.jsonl"
    first, second = channels.FileSink(str(path)), channels.FileSink(str(path))  # as two worker processes
    assert first.send(MESSAGE) == channels.SENT
    assert second.send(MESSAGE) == channels.DUPLICATE
    assert first.send(MESSAGE) == channels.DUPLICATE
    assert len(sink_lines(path)) == 1


class Gateway(BaseHTTPRequestHandler):
    """A tiny SMS gateway that honours Idempotency-Key, as real ones do."""

    seen: dict[str, dict] = {}
    requests: list[dict] = []
    status = 200

    def do_POST(self):  # noqa: N802
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        key = self.headers.get("Idempotency-Key")
        Gateway.requests.append({"key": key, "auth": self.headers.get("Authorization"), "body": body})
        if Gateway.status != 200:
            code = Gateway.status
        elif key in Gateway.seen:
            code = 409
        else:
            Gateway.seen[key] = body
            code = 200
        self.send_response(code)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(app):
    Gateway.seen, Gateway.requests, Gateway.status = {}, [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    app.config.update(OPS_SMS_PROVIDER="http", OPS_SMS_HTTP_URL=f"http://127.0.0.1:{server.server_port}/sms",
                      OPS_SMS_HTTP_KEY="test-api-key")
    yield Gateway
    server.shutdown()
    server.server_close()


def test_the_http_gateway_gets_the_message_with_key_and_api_key(app, gateway):
    message = queue(make_person(), "r:http")
    db.session.commit()
    assert services.dispatch_due() == {"sent": 1}
    [request] = gateway.requests
    assert request["key"] == "r:http" and request["auth"] == "Bearer test-api-key"
    assert request["body"]["to"] == "010-1234-5678"
    assert db.session.get(type(message), message.id).status == "sent"


def test_a_gateway_that_already_has_the_key_counts_as_sent(app, gateway):
    provider = channels.sms_provider(app.config)
    assert provider.send(MESSAGE) == channels.SENT
    assert provider.send(MESSAGE) == channels.DUPLICATE
    assert len(gateway.seen) == 1


def test_a_gateway_refusing_the_number_fails_the_message_for_good(app, gateway):
    gateway.status = 400
    message = queue(make_person(), "r:refused")
    db.session.commit()
    services.dispatch_due()
    db.session.expire_all()
    row = db.session.get(type(message), message.id)
    assert row.status == "failed" and "HTTP 400" in row.last_error


def test_a_gateway_error_is_retried(app, gateway):
    gateway.status = 503
    queue(make_person(), "r:503")
    db.session.commit()
    assert services.dispatch_due() == {"pending": 1}


def test_an_unreachable_gateway_is_retried(app, sink):
    app.config.update(OPS_SMS_PROVIDER="http", OPS_SMS_HTTP_URL="http://127.0.0.1:9/sms")
    queue(make_person(), "r:unreachable")
    db.session.commit()
    assert services.dispatch_due() == {"pending": 1}


def test_email_goes_through_a_real_smtp_server(app):
    from aiosmtpd.controller import Controller

    class Inbox:
        def __init__(self):
            self.messages = []

        async def handle_DATA(self, server, session, envelope):  # noqa: N802
            self.messages.append(envelope)
            return "250 OK"

    inbox = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        app.config.update(OPS_SMTP_HOST="127.0.0.1", OPS_SMTP_PORT=port,
                          OPS_SMTP_FROM="noreply@sdf.example")
        person = make_person(email="young@example.org")
        queue(person, "mail:1", template="test.mail", channel="email", purpose="service",
              data={"name": "Young"}, locale="en")
        db.session.commit()
        assert services.dispatch_due() == {"sent": 1}
    finally:
        controller.stop()
    [envelope] = inbox.messages
    assert envelope.rcpt_tos == ["young@example.org"]
    text = envelope.content.decode()
    assert "Subject: [Test] Notice" in text and "Hello Young" in text
    assert "Message-ID: <outbox-" in text
