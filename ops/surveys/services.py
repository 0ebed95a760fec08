"""Satisfaction surveys: who is asked (once, by text), answering (once, within 14 days), the results.

People are asked after an event day they were checked in on, or after the last session of a course
they attended, by one text with a link (``/survey/<token>``, a random token that is the link's only
key). The text goes through the outbox as a reminder, so only people whose current SMS consent is
recorded receive it. One invitation per ticket or enrolment (a unique key), one answer per
invitation (a unique key), so repeated reminder runs and double submits change nothing.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from statistics import mean

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core.errors import DomainError
from ..core.sql import dialect_insert
from ..core.timeutil import to_seoul, utcnow
from ..extensions import db
from ..notify.services import queue_message
from .models import SCALES, SurveyAnswer, SurveyInvite

OPEN_FOR = timedelta(days=14)


class SurveyError(DomainError):
    message = _l("This survey cannot be answered.")


class UnknownSurvey(SurveyError):
    code = "unknown"
    message = _l("This survey link is not valid.")


class SurveyClosed(SurveyError):
    code = "closed"
    message = _l("This survey has closed: answers were taken for 14 days. Thank you all the same!")


class AlreadyAnswered(SurveyError):
    code = "already_answered"
    message = _l("You have already answered this survey. Thank you!")


class InvalidScore(SurveyError):
    code = "invalid_score"


def public_url(path: str) -> str:
    from flask import current_app

    return current_app.config["OPS_BASE_URL"].rstrip("/") + path


def invite(*, kind: str, subject_id: int, scope_id: int, person, title: str, locale: str = "ko",
           occasion: str = "", now: datetime | None = None) -> SurveyInvite | None:
    """Ask one ticket holder or learner, once: the invitation and its text; None if asked before."""
    now = now or utcnow()
    table = SurveyInvite.__table__
    token = secrets.token_urlsafe(18)
    statement = (dialect_insert(db.session.get_bind().dialect.name)(table)
                 .values(token=token, subject_kind=kind, subject_id=subject_id, scope_id=scope_id,
                         occasion=occasion, person_id=person.id, created_at=now, expires_at=now + OPEN_FOR)
                 .on_conflict_do_nothing(index_elements=["subject_kind", "subject_id"])
                 .returning(table.c.id))
    new_id = db.session.execute(statement).scalar()
    if new_id is None:
        return None
    queue_message(template=f"surveys.{kind}", dedup_key=f"survey:{kind}:{subject_id}", person=person,
                  recipient=person.phone, locale=locale, purpose="reminder",
                  data={"title": title, "url": public_url(f"/survey/{token}"), "name": person.name})
    return db.session.get(SurveyInvite, new_id)


def find_invite(token: str) -> SurveyInvite:
    found = db.session.scalar(select(SurveyInvite).where(SurveyInvite.token == (token or "")[:40]))
    if found is None:
        raise UnknownSurvey()
    return found


def is_open(invite_row: SurveyInvite, now: datetime | None = None) -> bool:
    return (now or utcnow()) <= invite_row.expires_at


def answered(invite_row: SurveyInvite) -> bool:
    return db.session.scalar(select(SurveyAnswer.id).where(SurveyAnswer.invite_id == invite_row.id)) is not None


def answer_survey(token: str, *, score, comment: str | None = None, now: datetime | None = None) -> SurveyAnswer:
    """Store the one answer of an invitation: a score on its scale and an optional comment."""
    invite_row = find_invite(token)
    if not is_open(invite_row, now):
        raise SurveyClosed()
    low, high = SCALES[invite_row.subject_kind]
    if isinstance(score, bool) or not isinstance(score, int) or not low <= score <= high:
        raise InvalidScore()
    answer = SurveyAnswer(invite_id=invite_row.id, score=score, comment=(comment or "").strip()[:1000] or None,
                          answered_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(answer)
            db.session.flush()
    except IntegrityError:  # answered before, or the same form sent twice at once
        raise AlreadyAnswered() from None
    return answer


# --- Results for staff --------------------------------------------------------------------------

def _summary(scores: list[int], scale: tuple[int, int]) -> dict:
    low, high = scale
    return {"count": len(scores), "mean": round(float(mean(scores)), 2) if scores else None,
            "distribution": {score: scores.count(score) for score in range(low, high + 1)}}


def results(kind: str, scope_id: int) -> dict:
    """Distribution, mean and comments for one event (also by day) or one course; asked and answered."""
    rows = db.session.execute(
        select(SurveyInvite.occasion, SurveyAnswer.score, SurveyAnswer.comment, SurveyAnswer.answered_at)
        .join(SurveyAnswer, SurveyAnswer.invite_id == SurveyInvite.id)
        .where(SurveyInvite.subject_kind == kind, SurveyInvite.scope_id == scope_id)
        .order_by(SurveyAnswer.answered_at)).all()
    asked = db.session.scalar(select(func.count()).select_from(SurveyInvite).where(
        SurveyInvite.subject_kind == kind, SurveyInvite.scope_id == scope_id)) or 0
    scale = SCALES[kind]
    by_occasion: dict[str, list[int]] = {}
    for row in rows:
        by_occasion.setdefault(row.occasion, []).append(row.score)
    return {"scale": scale, "asked": asked, "all": _summary([r.score for r in rows], scale),
            "by_occasion": {day: _summary(scores, scale) for day, scores in sorted(by_occasion.items())},
            "comments": [{"occasion": r.occasion, "score": r.score, "comment": r.comment,
                          "at": to_seoul(r.answered_at)} for r in rows if r.comment]}


EXPORT_COLUMNS = ("day", "score", "comment", "answered_at")


def export_rows(kind: str, scope_id: int) -> list[list]:
    """Every answer (anonymous: no name, no phone), oldest first."""
    rows = db.session.execute(
        select(SurveyInvite.occasion, SurveyAnswer.score, SurveyAnswer.comment, SurveyAnswer.answered_at)
        .join(SurveyAnswer, SurveyAnswer.invite_id == SurveyInvite.id)
        .where(SurveyInvite.subject_kind == kind, SurveyInvite.scope_id == scope_id)
        .order_by(SurveyAnswer.answered_at, SurveyAnswer.id)).all()
    return [[r.occasion, r.score, r.comment or "", to_seoul(r.answered_at).strftime("%Y-%m-%d %H:%M")] for r in rows]
