"""Conference rooms at the door: staff name the session on the scanner, and a scan there admits a
ticket booked for that session, once, within the room's seats; a visitor without a booking gets a
walk-in seat when one is free.

A room's admission is a check-in of kind "session" whose occasion names the session, so the check-in
engine's unique index admits each ticket once per session, whatever the number of doors. Seats are
the session's pool (``ops.passes.capacity``): bookings took theirs when made, a walk-in takes one
with the same conditional UPDATE, so a room never holds more than its capacity.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import and_, func, select

from ..core.timeutil import seoul_today, to_seoul
from ..extensions import db
from ..passes.capacity import take_seat
from ..passes.checkin import AlreadyCheckedIn, admit_once
from ..passes.models import CheckIn
from ..passes.scan import ScanOutcome
from ..people.phone import mask_name
from .models import CANCELLED, CONFIRMED, Event, EventSession, Registration, SessionBooking, TicketType

SESSION_KIND = "session"
_PREFIX = "session:"


def occasion_of(session: EventSession) -> str:
    """What the scanner sends as ``occasion`` in a room (and the check-in's occasion)."""
    return f"{_PREFIX}{session.id}"


def session_of_occasion(occasion: str | None) -> int | None:
    if not occasion or not occasion.startswith(_PREFIX) or not occasion[len(_PREFIX):].isdigit():
        return None
    return int(occasion[len(_PREFIX):])


def sessions_today(event: Event) -> list[EventSession]:
    today = seoul_today()
    return [s for s in event.sessions if s.day == today]


def _free(session: EventSession) -> bool:
    return session.capacity is None or session.taken < session.capacity


def admit_to_room(code_text: str, session_id: int, *, gate: str | None, by_user, locale: str = "ko",
                  walk_in: bool = False) -> ScanOutcome:
    """Admit a ticket to a session's room: booked (or given a walk-in seat), once, on the session's day."""
    session = db.session.get(EventSession, session_id)
    row = db.session.execute(
        select(Registration.id, Registration.status, Registration.name, Registration.event_id,
               TicketType.name, TicketType.label_ko, TicketType.label_en, SessionBooking.status)
        .join(TicketType, TicketType.id == Registration.ticket_type_id)
        .outerjoin(SessionBooking, and_(SessionBooking.registration_id == Registration.id,
                                        SessionBooking.session_id == session_id))
        .where(Registration.code == code_text)).first() if session is not None else None
    if row is None or row[3] != session.event_id:
        return ScanOutcome("unknown", 404, detail=_("No ticket with this code."))
    reg_id, status, name, _event_id, tt_name, label_ko, label_en, booking = row
    shown = dict(name=mask_name(name), label=session.title(locale))
    extra = {"registration_id": reg_id, "ticket_type": tt_name, "session_id": session.id}
    if status == CANCELLED:
        return ScanOutcome("cancelled", 422, detail=_("This ticket was cancelled."), extra=extra, **shown)
    if status != CONFIRMED:
        return ScanOutcome("not_confirmed", 422, detail=_("This ticket is on the waiting list, not confirmed."),
                           extra=extra, **shown)
    if session.day != seoul_today():
        return ScanOutcome("wrong_day", 422, detail=_("This session is not today."), extra=extra, **shown)
    if booking != CONFIRMED:
        if not walk_in:
            if _free(session):
                return ScanOutcome("not_booked", 409, extra={**extra, "walk_in": True}, **shown,
                                   detail=_("Not booked for this room. A seat is free: give a walk-in seat?"))
            return ScanOutcome("room_full", 409, extra=extra, **shown,
                               detail=_("Not booked for this room, and the room is full."))
        if live_in_room(reg_id, session.id) is None:
            if not take_seat(EventSession, session.id):
                return ScanOutcome("room_full", 409, extra=extra, **shown, detail=_("The room is full."))
            _confirm_booking(reg_id, session.id, booking)
    try:
        checkin_id, _at = admit_once(kind=SESSION_KIND, subject_id=reg_id, scope_id=session.id,
                                     occasion=occasion_of(session), gate=gate, by_user=by_user,
                                     method="walk-in" if walk_in else "scan")
    except AlreadyCheckedIn as exc:
        first = exc.first
        return ScanOutcome("already_checked_in", 409, first_at=first.at, first_gate=first.gate,
                           detail=_("Already in this room since %(time)s.",
                                    time=to_seoul(first.at).strftime("%H:%M")),
                           extra={**extra, "checkin_id": first.id}, **shown)
    return ScanOutcome("ok", 200, detail=_("Welcome!"), extra={**extra, "checkin_id": checkin_id}, **shown)


def live_in_room(registration_id: int, session_id: int) -> CheckIn | None:
    return db.session.scalar(select(CheckIn).where(
        CheckIn.kind == SESSION_KIND, CheckIn.subject_id == registration_id,
        CheckIn.occasion == f"{_PREFIX}{session_id}", CheckIn.undone_at.is_(None)))


def _confirm_booking(registration_id: int, session_id: int, status: str | None) -> None:
    if status is None:
        db.session.add(SessionBooking(registration_id=registration_id, session_id=session_id, status=CONFIRMED))
    else:  # in line, on hold or cancelled before: the walk-in seat is theirs now
        db.session.execute(SessionBooking.__table__.update().where(
            SessionBooking.registration_id == registration_id, SessionBooking.session_id == session_id)
            .values(status=CONFIRMED))
    db.session.flush()


def room_numbers(event: Event) -> list[dict]:
    """Each session's room: seats, booked, walk-ins, in the room now (check-ins), free seats."""
    ids = [s.id for s in event.sessions]
    if not ids:
        return []
    booked = dict(db.session.execute(
        select(SessionBooking.session_id, func.count()).where(SessionBooking.session_id.in_(ids),
                                                              SessionBooking.status == CONFIRMED)
        .group_by(SessionBooking.session_id)).all())
    inside = dict(db.session.execute(
        select(CheckIn.scope_id, func.count()).where(CheckIn.kind == SESSION_KIND, CheckIn.scope_id.in_(ids),
                                                     CheckIn.undone_at.is_(None))
        .group_by(CheckIn.scope_id)).all())
    walk_ins = dict(db.session.execute(
        select(CheckIn.scope_id, func.count()).where(CheckIn.kind == SESSION_KIND, CheckIn.scope_id.in_(ids),
                                                     CheckIn.undone_at.is_(None), CheckIn.method == "walk-in")
        .group_by(CheckIn.scope_id)).all())
    return [{"id": s.id, "title": s.title(), "room": s.room, "day": s.day.isoformat(), "starts_at": s.starts_at,
             "capacity": s.capacity, "taken": s.taken, "booked": booked.get(s.id, 0), "checked_in": inside.get(s.id, 0),
             "walk_ins": walk_ins.get(s.id, 0),
             "free": None if s.capacity is None else max(s.capacity - s.taken, 0)} for s in event.sessions]
