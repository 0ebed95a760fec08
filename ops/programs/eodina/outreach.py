"""Reaching people without the internet: the helpline, call-back requests, and family members who sign someone up."""
from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ...core.timeutil import to_seoul, utcnow
from ...extensions import db
from ...people.services import find_or_create_person, require_collection_consent
from .models import CallbackRequest, Learner
from .services import InvalidTransition, refuse

CALL_OUTCOMES = ("no_answer", "done")
OPEN_STATUSES = ("to_call", "no_answer")
SOURCES = ("join", "learn", "feedback", "helpline", "joined")
RELATIONS = ("child", "spouse", "grandchild", "sibling", "carer", "other")


def helpline() -> str:
    """The programme's telephone number for people who cannot or would rather not use the web."""
    from flask import current_app

    return current_app.config["EODINA_HELPLINE"]


def request_callback(*, name: str, phone: str, consent: bool, source: str = "join",
                     note: str = "") -> tuple[CallbackRequest, bool]:
    """Someone asks to be called back; asking again while a call is still due is the same request.

    Returns (request, created). Callers answer both the same way (nothing about an earlier request
    is revealed to whoever typed the number).
    """
    person = find_or_create_person(name, phone)
    require_collection_consent(person, consent, source="web")
    existing = db.session.scalar(select(CallbackRequest).where(CallbackRequest.person_id == person.id,
                                                               CallbackRequest.done_at.is_(None)))
    if existing is not None:
        return existing, False
    request = CallbackRequest(person_id=person.id, source=source if source in SOURCES else "join",
                              note=(note or "").strip()[:300] or None)
    try:
        with db.session.begin_nested():
            db.session.add(request)
            db.session.flush()
    except IntegrityError:  # the same person pressed twice at once
        return db.session.scalar(select(CallbackRequest).where(CallbackRequest.person_id == person.id,
                                                               CallbackRequest.done_at.is_(None))), False
    return request, True


def record_call(request: CallbackRequest, *, outcome: str, note: str = "", by_user=None) -> CallbackRequest:
    """Staff tried to call: one more attempt, its outcome and a dated note; 'done' closes the request."""
    if outcome not in CALL_OUTCOMES:
        raise refuse("outcome")
    now = utcnow()
    who = getattr(by_user, "name", "") or "-"
    line = f"[{to_seoul(now):%Y-%m-%d %H:%M} {who}] {'통화 완료' if outcome == 'done' else '부재'}"
    if (note or "").strip():
        line += f": {note.strip()[:500]}"
    values = dict(status=outcome, attempts=CallbackRequest.attempts + 1, last_attempt_at=now,
                  handled_by_id=getattr(by_user, "id", None),
                  notes=((request.notes + "\n") if request.notes else "") + line)
    if outcome == "done":
        values["done_at"] = now
    # Conditional: a request someone else closed a moment ago is not counted again.
    done = db.session.execute(update(CallbackRequest).where(CallbackRequest.id == request.id,
                                                            CallbackRequest.done_at.is_(None)).values(**values))
    if done.rowcount != 1:
        raise InvalidTransition("done")
    db.session.refresh(request)
    return request


def callbacks(open_only: bool = True) -> list[CallbackRequest]:
    """The call-back list: open requests first due first (fewest attempts, oldest), or the latest done."""
    stmt = select(CallbackRequest)
    if open_only:
        stmt = stmt.where(CallbackRequest.done_at.is_(None)).order_by(CallbackRequest.attempts,
                                                                      CallbackRequest.created_at)
    else:
        stmt = stmt.where(CallbackRequest.done_at.is_not(None)).order_by(CallbackRequest.done_at.desc()).limit(100)
    return list(db.session.scalars(stmt))


def add_family_contact(learner: Learner, *, name: str, phone: str, relation: str, consent: bool,
                       by_user=None) -> None:
    """The family member who signed the learner up leaves their name, relation and phone, with their own consent."""
    if relation not in RELATIONS:
        raise refuse("family_relation")
    person = find_or_create_person(name, phone)
    if person.id == learner.person_id:
        raise refuse("family_phone")
    require_collection_consent(person, consent, source="family", recorded_by=by_user)
    learner.family_person_id = person.id
    learner.family_relation = relation
    db.session.flush()
