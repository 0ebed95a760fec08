"""Channels that carry a rendered message out: SMS providers and e-mail over SMTP.

Every channel is handed an idempotency key (the outbox row's ``dedup_key``) and must
not deliver the same key twice: the file sink remembers every key it wrote, the HTTP
adapter sends the key in an ``Idempotency-Key`` header that the provider honours, and
e-mail carries a Message-ID made from it. This is what lets the dispatcher send again
after a worker died between "sent" and "marked sent" without the person getting two.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import smtplib
import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import EmailMessage

from ..core.timeutil import utcnow
from ..people.phone import mask_phone

log = logging.getLogger("ops.notify")

SENT = "sent"
DUPLICATE = "duplicate"  # the channel already had this key: it was delivered before


class SendError(Exception):
    """Delivery failed; ``permanent`` failures are not retried."""

    permanent = False


class TemporaryFailure(SendError):
    permanent = False


class PermanentFailure(SendError):
    permanent = True


@dataclass(frozen=True)
class Outgoing:
    """A rendered message, ready for a channel."""

    id: int
    key: str  # idempotency key: the outbox row's dedup_key
    channel: str
    recipient: str
    body: str
    subject: str | None = None
    locale: str = "ko"


class FileSink:
    """Development SMS provider: one JSON line per message in a file, and a masked log line.

    Processes share the file under an exclusive ``flock``; each keeps the set of keys
    already in the file, reading only what others appended since its last look, so a
    key is written once however many workers (or retries) hand it in.
    """

    def __init__(self, path: str):
        self.path = path
        self._offset = 0
        self._keys: set[str] = set()
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)

    def _catch_up(self, fh) -> None:
        fh.seek(self._offset)
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # a line being written by nobody (a writer holds the lock): ignore the torn tail
            try:
                self._keys.add(json.loads(raw)["key"])
            except (ValueError, KeyError):
                pass
            self._offset += len(raw)

    def send(self, message: Outgoing) -> str:
        line = json.dumps({"id": message.id, "key": message.key, "to": mask_phone(message.recipient),
                           "text": message.body, "at": utcnow().isoformat(timespec="seconds")},
                          ensure_ascii=False) + "\n"
        with open(self.path, "a+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                self._catch_up(fh)
                if message.key in self._keys:
                    return DUPLICATE
                fh.seek(0, os.SEEK_END)
                data = line.encode("utf-8")
                fh.write(data)
                fh.flush()
                self._offset = fh.tell()
                self._keys.add(message.key)
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
        log.info("sms %s to %s written to the development sink", message.id, mask_phone(message.recipient))
        return SENT


class HttpSmsProvider:
    """A generic SMS gateway: JSON POST with a bearer API key and an ``Idempotency-Key`` header.

    2xx is sent, 409 means the gateway already has this key (sent before), other 4xx are
    permanent (bad number, bad key), 5xx and network errors are retried.
    """

    def __init__(self, url: str, api_key: str | None, timeout: float = 10.0):
        self.url = url
        self.api_key = api_key
        self.timeout = timeout

    def send(self, message: Outgoing) -> str:
        body = json.dumps({"to": message.recipient, "text": message.body, "reference": message.key},
                          ensure_ascii=False).encode("utf-8")
        request = urllib.request.Request(self.url, data=body, method="POST", headers={
            "Content-Type": "application/json; charset=utf-8",
            "Idempotency-Key": message.key,
            **({"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}),
        })
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                response.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 409:
                return DUPLICATE
            if 400 <= exc.code < 500 and exc.code != 429:
                raise PermanentFailure(f"SMS gateway refused the message (HTTP {exc.code})") from None
            raise TemporaryFailure(f"SMS gateway error (HTTP {exc.code})") from None
        except (urllib.error.URLError, OSError) as exc:
            raise TemporaryFailure(f"SMS gateway unreachable ({type(exc).__name__})") from None
        log.info("sms %s to %s accepted by the gateway", message.id, mask_phone(message.recipient))
        return SENT


class SmtpMailer:
    """E-mail over SMTP (STARTTLS and login when configured). The Message-ID is derived from
    the idempotency key, so a repeated delivery is recognisable as the same message."""

    def __init__(self, host: str, port: int, sender: str, user: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout: float = 10.0):
        self.host, self.port, self.sender = host, port, sender
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    def send(self, message: Outgoing) -> str:
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.recipient
        mail["Subject"] = message.subject or ""
        domain = self.sender.rsplit("@", 1)[-1] if "@" in self.sender else "ops.local"
        digest = hashlib.sha256(message.key.encode("utf-8")).hexdigest()[:24]
        mail["Message-ID"] = f"<outbox-{message.id}.{digest}@{domain}>"
        mail.set_content(message.body)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused:
            raise PermanentFailure("mail server refused the recipient") from None
        except smtplib.SMTPResponseException as exc:
            if 500 <= exc.smtp_code < 600:
                raise PermanentFailure(f"mail server refused the message ({exc.smtp_code})") from None
            raise TemporaryFailure(f"mail server error ({exc.smtp_code})") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise TemporaryFailure(f"mail server unreachable ({type(exc).__name__})") from None
        log.info("email %s sent", message.id)
        return SENT


_cache: dict[tuple, object] = {}


def _cached(key: tuple, make):
    # One channel object per process (prefork children each build their own after the fork).
    key = (os.getpid(), *key)
    if key not in _cache:
        _cache[key] = make()
    return _cache[key]


def sms_provider(config) -> object:
    """The SMS channel chosen by OPS_SMS_PROVIDER: ``file`` (default) or ``http``."""
    kind = config.get("OPS_SMS_PROVIDER", "file")
    if kind == "http":
        url = config.get("OPS_SMS_HTTP_URL")
        if not url:
            raise PermanentFailure("OPS_SMS_HTTP_URL is not set")
        return _cached(("http", url), lambda: HttpSmsProvider(url, config.get("OPS_SMS_HTTP_KEY")))
    path = config["OPS_SMS_SINK"]
    return _cached(("file", path), lambda: FileSink(path))


def mailer(config) -> SmtpMailer:
    host = config.get("OPS_SMTP_HOST") or "127.0.0.1"
    port = int(config.get("OPS_SMTP_PORT") or 25)
    return SmtpMailer(host, port, config.get("OPS_SMTP_FROM") or "noreply@sdf.seoul.kr",
                      user=config.get("OPS_SMTP_USER") or None, password=config.get("OPS_SMTP_PASSWORD"),
                      starttls=str(config.get("OPS_SMTP_TLS", "")).lower() in {"1", "true", "yes", "on"})
