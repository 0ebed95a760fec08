"""The check-in engine: one admission per pass and occasion, decided by the database."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import select, text, tuple_

from ..core.errors import DomainError
from ..core.sql import dialect_insert
from ..core.timeutil import utcnow
from ..extensions import db
from .models import CheckIn, CheckInConflict


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


# --- Admissions made offline, judged by scan time ---------------------------------------------------

@dataclass
class Admission:
    """A scan that the area's rules found admissible at its scan time; the engine decides who was first."""

    kind: str
    subject_id: int
    scope_id: int
    occasion: str
    at: datetime
    gate: str | None
    by_user_id: int | None
    method: str = "offline"
    checkin_id: int | None = None  # the pass's live check-in after judging
    won: bool = False  # True: this scan is that check-in; False: a conflict (the pass was in already)
    displaced: bool = False  # won against a later admission already recorded, which became a conflict
    first_at: datetime | None = None  # the winner's time and gate, when this scan lost
    first_gate: str | None = None

    @property
    def key(self) -> tuple[str, int, str]:
        return self.kind, self.subject_id, self.occasion


# An uploaded scan this close to a check-in made online at the same gate is that check-in.
SAME_SCAN_WITHIN = timedelta(seconds=60)


@lru_cache(maxsize=4)
def _insert_many_statement(dialect: str):
    table = CheckIn.__table__
    return (dialect_insert(dialect)(table)
            .on_conflict_do_nothing(index_elements=["kind", "subject_id", "occasion"],
                                    index_where=text("undone_at IS NULL"))
            .returning(table.c.id, table.c.kind, table.c.subject_id, table.c.occasion))


def admit_first_in_time(admissions: list[Admission]) -> None:
    """Admit scans made offline: per pass and occasion the earliest scan in time is the check-in.

    The same rule as admit_once (one live check-in per pass and occasion, decided by the
    unique index), with time instead of arrival deciding: an uploaded scan earlier than the
    live check-in takes its place (the row keeps its id; its time, gate and scanner become
    the earlier scan's), and every later admission of the pass is recorded as a
    CheckInConflict. Passes are handled in key order, so concurrent uploads lock rows in
    the same order and cannot deadlock. The caller commits.
    """
    groups: dict[tuple, list[Admission]] = {}
    for admission in sorted(admissions, key=lambda a: (a.key, a.at)):
        groups.setdefault(admission.key, []).append(admission)
    firsts = [group[0] for group in groups.values()]
    conflicts: list[CheckInConflict] = []
    statement = _insert_many_statement(db.session.get_bind().dialect.name)
    if firsts:
        rows = db.session.execute(statement, [
            dict(kind=a.kind, subject_id=a.subject_id, scope_id=a.scope_id, occasion=a.occasion, gate=a.gate,
                 method=a.method, by_user_id=a.by_user_id, at=a.at) for a in firsts]).all()
        inserted = {(row.kind, row.subject_id, row.occasion): row.id for row in rows}
        for first in firsts:
            if first.key in inserted:
                first.checkin_id, first.won = inserted[first.key], True
        _judge_against_live([a for a in firsts if not a.won], conflicts)
    for group in groups.values():
        winner = group[0] if group[0].won else None
        if winner is None:  # the pass was in already, scanned earlier
            conflicts.append(_conflict_of(group[0]))
        for later in group[1:]:
            later.checkin_id = group[0].checkin_id
            later.first_at = winner.at if winner else group[0].first_at
            later.first_gate = winner.gate if winner else group[0].first_gate
            conflicts.append(_conflict_of(later))
    db.session.add_all(conflicts)
    db.session.flush()


def _judge_against_live(admissions: list[Admission], conflicts: list) -> None:
    """The passes already in: lock their live check-ins and let the earlier scan be the admission."""
    if not admissions:
        return
    rows = db.session.scalars(
        select(CheckIn).where(tuple_(CheckIn.kind, CheckIn.subject_id, CheckIn.occasion).in_([a.key for a in admissions]),
                              CheckIn.undone_at.is_(None))
        .order_by(CheckIn.kind, CheckIn.subject_id, CheckIn.occasion).with_for_update()).all()
    live = {(row.kind, row.subject_id, row.occasion): row for row in rows}
    for admission in admissions:
        row = live.get(admission.key)
        if row is None:  # undone since the insert found it: this scan may go in
            values = dict(kind=admission.kind, subject_id=admission.subject_id, scope_id=admission.scope_id,
                          occasion=admission.occasion, gate=admission.gate, method=admission.method,
                          by_user_id=admission.by_user_id, at=admission.at)
            found = _insert_once(values)
            if found is not None:
                admission.checkin_id, admission.won = found.id, True
                continue
            row = live_checkin(*admission.key)
            live[admission.key] = row
        admission.checkin_id = row.id
        if (row.gate == admission.gate and row.method != admission.method
                and abs(row.at - admission.at) <= SAME_SCAN_WITHIN):
            # The gate's online scan whose answer was lost on the way, then kept offline: one admission.
            admission.won = True
        elif admission.at < row.at:
            displaced = Admission(kind=row.kind, subject_id=row.subject_id, scope_id=row.scope_id,
                                  occasion=row.occasion, at=row.at, gate=row.gate, by_user_id=row.by_user_id,
                                  method=row.method, checkin_id=row.id, first_at=admission.at,
                                  first_gate=admission.gate)
            conflicts.append(_conflict_of(displaced))
            row.at, row.gate, row.by_user_id, row.method = (admission.at, admission.gate, admission.by_user_id,
                                                            admission.method)
            admission.won = admission.displaced = True
        else:
            admission.first_at, admission.first_gate = row.at, row.gate
    db.session.flush()


def _conflict_of(admission: Admission) -> CheckInConflict:
    return CheckInConflict(kind=admission.kind, subject_id=admission.subject_id, scope_id=admission.scope_id,
                           occasion=admission.occasion, at=admission.at, gate=admission.gate,
                           method=admission.method, by_user_id=admission.by_user_id,
                           checkin_id=admission.checkin_id, recorded_at=utcnow())
