"""Compact codes signed with the server key: a forged or altered code fails without a lookup.

A code reads ``KIND.SCOPE.SERIAL.SIGNATURE``, e.g. ``T.SLW-2025.K3M9QX2A.7HJKQ2M4XZ5P3C9D``:
the kind (T ticket, A attendance, B bus, C certificate, F lesson feedback), the scope it belongs to
(an event slug, a course), a random serial, and 80 bits of HMAC-SHA256. It uses
only characters of the QR alphanumeric set, so the QR stays small, and it is
case-insensitive, so handheld scanners and typed codes both work.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from flask import current_app

from ..core.errors import DomainError

KINDS = {"T", "A", "B", "C", "F", "S"}  # S: a person's stop-texts link (ops.people.stop)
_SCOPE = re.compile(r"^[A-Z0-9-]{1,40}$")
_SERIAL = re.compile(r"^[A-Z2-7]{8,16}$")
SIGNATURE_CHARS = 16
_SIGNED_BYTES = -(-SIGNATURE_CHARS // 8) * 5


class InvalidCode(DomainError):
    code = "invalid"


@dataclass(frozen=True)
class SignedCode:
    kind: str
    scope: str
    serial: str
    text: str


def _key(key: str | None) -> bytes:
    return (key or current_app.config["OPS_SIGNING_KEY"]).encode()


def _signature(body: str, key: str | None) -> str:
    digest = hmac.new(_key(key), body.encode(), hashlib.sha256).digest()
    # Base32 turns each 5 bytes into 8 characters: only the bytes the kept characters come from.
    return base64.b32encode(digest[:_SIGNED_BYTES]).decode()[:SIGNATURE_CHARS]


def new_serial() -> str:
    """A random serial (40 bits): codes cannot be guessed from one another."""
    return base64.b32encode(secrets.token_bytes(5)).decode()


def sign_code(kind: str, scope: str, serial: str | None = None, key: str | None = None) -> SignedCode:
    kind, scope = kind.upper(), scope.upper()
    serial = (serial or new_serial()).upper()
    if kind not in KINDS or not _SCOPE.match(scope) or not _SERIAL.match(serial):
        raise ValueError("bad code parts")
    body = f"{kind}.{scope}.{serial}"
    return SignedCode(kind, scope, serial, f"{body}.{_signature(body, key)}")


def verify_code(text: str, kind: str | None = None, key: str | None = None) -> SignedCode:
    """Parse and check a code; raise InvalidCode for anything malformed, altered or forged."""
    cleaned = (text or "").strip().upper()
    # A scanned URL (…/t/CODE) is accepted too: phone cameras often hand over the link.
    if "/" in cleaned:
        cleaned = cleaned.rstrip("/").rsplit("/", 1)[-1]
    parts = cleaned.split(".")
    if len(parts) != 4:
        raise InvalidCode("malformed")
    k, scope, serial, signature = parts
    if k not in KINDS or not _SCOPE.match(scope) or not _SERIAL.match(serial) or len(signature) != SIGNATURE_CHARS:
        raise InvalidCode("malformed")
    if kind is not None and k != kind.upper():
        raise InvalidCode("wrong kind")
    body = f"{k}.{scope}.{serial}"
    if not hmac.compare_digest(_signature(body, key), signature):
        raise InvalidCode("signature")
    return SignedCode(k, scope, serial, cleaned)


def signed_serial(text: str, kind: str, scope: str) -> str | None:
    """The serial of a signed link of this kind and scope (a text's feedback, follow-up or stop link);
    None when it is malformed, altered, forged or made for another scope."""
    try:
        signed = verify_code(text, kind=kind)
    except InvalidCode:
        return None
    return signed.serial if signed.scope == scope.upper() else None
