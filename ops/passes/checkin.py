"""The check-in engine: one admission per pass and occasion, decided by the database."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..core.errors import DomainError
from ..core.timeutil import utcnow
from ..extensions import db
from .models import CheckIn


class AlreadyCheckedIn(DomainError):
    code = "already_checked_in"

    def __init__(self, first: CheckIn):
        super().__init__("already checked in")
        self.first = first


class NotCheckedIn(DomainError):
    code = "not_checked_in"


def live_checkin(kind: str, subject_id: int, occasion: str) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(
        CheckIn.kind == kind, CheckIn.subject_id == subject_id, CheckIn.occasion == occasion,
        CheckIn.undone_at.is_(None)))


def perform_checkin(*, kind: str, subject_id: int, scope_id: int, occasion: str, gate: str | None = None,
                    by_user=None, method: str = "scan") -> CheckIn:
    """Admit a pass once for an occasion; raise AlreadyCheckedIn with the first admission.

    The insert races safely: the partial unique index lets exactly one of two
    simultaneous scans through. The caller has already checked the area's own rules
    (right day, confirmed, not cancelled) and commits.
    """
    checkin = CheckIn(kind=kind, subject_id=subject_id, scope_id=scope_id, occasion=str(occasion),
                      gate=(gate or "")[:60] or None, method=method, by_user_id=getattr(by_user, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(checkin)
            db.session.flush()
    except IntegrityError:
        first = live_checkin(kind, subject_id, str(occasion))
        if first is None:  # the other scan was undone in between; the caller may retry
            raise
        raise AlreadyCheckedIn(first) from None
    return checkin


def undo_checkin(checkin: CheckIn, *, by_user=None, reason: str | None = None) -> CheckIn:
    """Take back an admission (a mistaken scan); the row stays as the audit trail."""
    if checkin.undone_at is not None:
        raise NotCheckedIn()
    checkin.undone_at = utcnow()
    checkin.undone_by_id = getattr(by_user, "id", None)
    checkin.undo_reason = (reason or "")[:200] or None
    db.session.flush()
    return checkin
