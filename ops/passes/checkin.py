"""The check-in engine: one admission per pass and occasion, decided by the database."""
from __future__ import annotations

from datetime import datetime
from functools import lru_cache

from sqlalchemy import select, text

from ..core.errors import DomainError
from ..core.sql import dialect_insert
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


@lru_cache(maxsize=4)
def _insert_statement(dialect: str):
    """Built once per dialect: the hot path only binds values to it."""
    insert = dialect_insert(dialect)
    table = CheckIn.__table__  # a Core insert: no ORM bulk-insert machinery on the hot path
    return (insert(table)
            .on_conflict_do_nothing(index_elements=["kind", "subject_id", "occasion"],
                                    index_where=text("undone_at IS NULL"))
            .returning(table.c.id, table.c.at))


def _insert_once(values: dict):
    """INSERT … ON CONFLICT DO NOTHING RETURNING id, at: one round trip, no savepoint.

    The conflict target is the partial unique index on live check-ins, so of two
    simultaneous scans exactly one row is written; the other gets nothing back.
    """
    statement = _insert_statement(db.session.get_bind().dialect.name)
    return db.session.execute(statement, values).first()


def admit_once(*, kind: str, subject_id: int, scope_id: int, occasion: str, gate: str | None = None,
               by_user=None, method: str = "scan") -> tuple[int, datetime]:
    """The hot path of every scanner: admit once per occasion; ``(id, at)`` or AlreadyCheckedIn.

    The caller has already checked the area's own rules (right day, confirmed, not
    cancelled) and commits.
    """
    values = dict(kind=kind, subject_id=subject_id, scope_id=scope_id, occasion=str(occasion),
                  gate=(gate or "")[:60] or None, method=method, by_user_id=getattr(by_user, "id", None), at=utcnow())
    row = _insert_once(values)
    if row is None:
        first = live_checkin(kind, subject_id, str(occasion))
        if first is None:  # the other scan was undone in between: this one may go in
            row = _insert_once(values)
            if row is None:
                raise AlreadyCheckedIn(live_checkin(kind, subject_id, str(occasion)))
        else:
            raise AlreadyCheckedIn(first)
    return row.id, row.at


def perform_checkin(*, kind: str, subject_id: int, scope_id: int, occasion: str, gate: str | None = None,
                    by_user=None, method: str = "scan") -> CheckIn:
    """Admit a pass once for an occasion; raise AlreadyCheckedIn with the first admission.

    Exactly one of two simultaneous scans succeeds (see admit_once). The caller has
    already checked the area's own rules and commits.
    """
    checkin_id, _at = admit_once(kind=kind, subject_id=subject_id, scope_id=scope_id, occasion=occasion, gate=gate,
                                 by_user=by_user, method=method)
    return db.session.get(CheckIn, checkin_id)


def undo_checkin(checkin: CheckIn, *, by_user=None, reason: str | None = None) -> CheckIn:
    """Take back an admission (a mistaken scan); the row stays as the audit trail."""
    if checkin.undone_at is not None:
        raise NotCheckedIn()
    checkin.undone_at = utcnow()
    checkin.undone_by_id = getattr(by_user, "id", None)
    checkin.undo_reason = (reason or "")[:200] or None
    db.session.flush()
    return checkin
