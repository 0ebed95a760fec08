from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..core.timeutil import utcnow
from ..extensions import db


class CheckIn(db.Model):
    """One admission of one pass on one occasion (an event day, a session, a bus run).

    At most one live (not undone) check-in per pass and occasion, enforced by a
    partial unique index: two gates scanning the same ticket at once get exactly
    one success. An undo keeps the row for the audit trail.
    """

    __tablename__ = "check_ins"
    __table_args__ = (
        Index("uq_check_ins_live", "kind", "subject_id", "occasion", unique=True,
              sqlite_where=text("undone_at IS NULL"), postgresql_where=text("undone_at IS NULL")),
        Index("ix_check_ins_scope_at", "kind", "scope_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # ticket | attendance | bus
    subject_id: Mapped[int]  # the registration, enrolment or participant
    scope_id: Mapped[int]  # the event, course or bus run, for counting
    occasion: Mapped[str] = mapped_column(String(40))  # e.g. the day "2025-09-30" or a session id
    gate: Mapped[str | None] = mapped_column(String(60))
    method: Mapped[str] = mapped_column(String(20), default="scan")  # scan | manual | walk-in | roll-call
    at: Mapped[datetime] = mapped_column(default=utcnow)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undone_at: Mapped[datetime | None]
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    undo_reason: Mapped[str | None] = mapped_column(String(200))


class OfflineScan(db.Model):
    """A scan a door scanner made while offline and uploaded later, with how it was judged.

    ``scan_id`` is the scanner's own unique id for the scan: it makes an upload idempotent
    (the same scan sent twice is applied once and answered the same way both times).
    """

    __tablename__ = "offline_scans"

    id: Mapped[int] = mapped_column(primary_key=True)
    scan_id: Mapped[str] = mapped_column(String(64), unique=True)
    code: Mapped[str] = mapped_column(String(200))
    gate: Mapped[str] = mapped_column(String(60))
    scanned_at: Mapped[datetime]  # UTC, the scanner's clock aligned with the server's at its last download
    received_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # pending (claimed, being judged) | admitted | conflict | invalid | unknown | cancelled | not_confirmed | wrong_day
    result: Mapped[str] = mapped_column(String(20), default="pending")
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("check_ins.id", ondelete="SET NULL"), index=True)


class CheckInConflict(db.Model):
    """A pass admitted twice on one occasion (gates that were offline): the admission that lost.

    The pass's live check-in is the first scan in time; each later admission of the same
    pass and occasion is kept here, with its time and gate, for staff to look into.
    """

    __tablename__ = "check_in_conflicts"
    __table_args__ = (Index("ix_check_in_conflicts_scope", "kind", "scope_id", "occasion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    scope_id: Mapped[int]
    occasion: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime]  # when this (losing) admission was scanned, UTC
    gate: Mapped[str | None] = mapped_column(String(60))
    method: Mapped[str] = mapped_column(String(20), default="offline")
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("check_ins.id", ondelete="SET NULL"))  # the winner
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
