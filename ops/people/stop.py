"""Withdrawing consent and stopping texts, by the person (a link in every text, on their ticket or
enrolment page) or by staff for a caller.

The link carries a signed code of the person (``S.STOP.<id>.<signature>``, see ops.passes.codes):
it cannot be guessed or altered, and it needs no row of its own. Reminders then skip the
person, and the outbox says why (ops.notify.services.WITHDRAWN).
"""
from __future__ import annotations

import base64

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from .consent import SMS_REMINDERS
from .models import Consent, Person
from .services import withdraw_consent

SCOPE = "STOP"


def stop_code(person_id: int) -> str:
    from ..passes.codes import sign_code

    serial = base64.b32encode(int(person_id).to_bytes(5, "big")).decode()
    return sign_code("S", SCOPE, serial).text


def person_for_stop(code: str) -> Person | None:
    from ..passes.codes import signed_serial

    serial = signed_serial(code, "S", SCOPE)
    return serial and db.session.get(Person, int.from_bytes(base64.b32decode(serial), "big"))


def stop_url(person_id: int) -> str:
    return f"{current_app.config['OPS_BASE_URL'].rstrip('/')}/stop/{stop_code(person_id)}"


def granted_purposes(person: Person) -> list[str]:
    """The purposes whose latest decision is a current yes."""
    latest: dict[str, Consent] = {}
    for consent in db.session.scalars(select(Consent).where(Consent.person_id == person.id)
                                      .order_by(Consent.recorded_at, Consent.id)):
        latest[consent.purpose] = consent
    return sorted(p for p, c in latest.items() if c.granted and c.withdrawn_at is None)


def stop_texts(person: Person, *, source: str = "web", recorded_by=None) -> bool:
    """No more reminder texts; True when there was a consent to withdraw (the caller commits)."""
    if SMS_REMINDERS not in granted_purposes(person):
        return False
    withdraw_consent(person, SMS_REMINDERS, source=source, recorded_by=recorded_by)
    return True


def withdraw_all(person: Person, *, source: str = "web", recorded_by=None) -> list[str]:
    """Withdraw every current consent (reminders included); the purposes withdrawn."""
    purposes = granted_purposes(person)
    for purpose in purposes:
        withdraw_consent(person, purpose, source=source, recorded_by=recorded_by)
    return purposes
