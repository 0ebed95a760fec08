"""Events at a door that lost its network: the ticket list scanners download, and the rules for their uploads.

See ``ops.passes.offline`` for the design; this module is what is particular to tickets.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select

from ..core.timeutil import to_seoul
from ..extensions import db
from ..passes.models import CheckIn, OfflineScan
from ..passes.offline import PendingScan, code_hash, offline_list, offline_rules
from ..people.phone import mask_name
from .models import CANCELLED, CONFIRMED, Event, Registration, TicketType
from .services import CHECKIN_KIND, event_by_slug

_STATUS = {CONFIRMED: "c", CANCELLED: "x"}  # anything else is on the waiting list: "w"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value is not None else None


@offline_list("events")
def ticket_list(slug: str, *, since: datetime | None, day: str, now: datetime) -> dict | None:
    """Every ticket of the event (or those changed since ``since``) with its admission on ``day``."""
    event = event_by_slug(slug)
    if event is None:
        return None
    r = Registration
    live_today = (CheckIn.kind == CHECKIN_KIND, CheckIn.scope_id == event.id, CheckIn.occasion == day)
    query = select(r.id, r.code, r.name, r.ticket_type_id, r.status).where(r.event_id == event.id)
    if since is not None:
        # Admissions and undos of the day since the cursor; an uploaded scan's check-in has a past
        # time of its own, so it is found by when its upload was received.
        uploaded = select(OfflineScan.checkin_id).where(OfflineScan.received_at > since,
                                                        OfflineScan.checkin_id.is_not(None))
        touched = select(CheckIn.subject_id).where(
            *live_today, or_(CheckIn.at > since, CheckIn.undone_at > since, CheckIn.id.in_(uploaded)))
        query = query.where(or_(r.created_at > since, r.confirmed_at > since, r.cancelled_at > since,
                                r.id.in_(touched)))
    tickets = db.session.execute(query.order_by(r.id)).all()
    admitted = {}
    if tickets:
        checkins = select(CheckIn.subject_id, CheckIn.at, CheckIn.gate).where(*live_today, CheckIn.undone_at.is_(None))
        if since is not None:
            checkins = checkins.where(CheckIn.subject_id.in_([t.id for t in tickets]))
        admitted = {row.subject_id: row for row in db.session.execute(checkins)}
    types = db.session.execute(select(TicketType.id, TicketType.name, TicketType.label_ko, TicketType.label_en)
                               .where(TicketType.event_id == event.id)).all()
    rows = []
    for ticket in tickets:
        checkin = admitted.get(ticket.id)
        rows.append([code_hash(ticket.code), mask_name(ticket.name), ticket.ticket_type_id,
                     _STATUS.get(ticket.status, "w"), _iso(checkin.at) if checkin else None,
                     checkin.gate if checkin else None])
    return {"scope": event.scope, "title": event.title(), "days": list(event.days),
            "types": {str(t.id): [t.name, t.label_ko or t.name, t.label_en or t.label_ko or t.name] for t in types},
            "tickets": rows}


@offline_rules("T")
def judge_ticket_scans(scans: list[PendingScan], by_user_id: int | None) -> None:
    """The door's rules (confirmed, not cancelled, valid that day) as they stood at each scan's time."""
    codes = sorted({scan.code.text for scan in scans})
    found = {}
    for start in range(0, len(codes), 1000):
        found.update({row.code: row for row in db.session.execute(
            select(Registration.code, Registration.id, Registration.event_id, Registration.confirmed_at,
                   Registration.cancelled_at, Event.days)
            .join(Event, Event.id == Registration.event_id)
            .where(Registration.code.in_(codes[start:start + 1000])))})
    for scan in scans:
        ticket = found.get(scan.code.text)
        day = to_seoul(scan.at).date().isoformat()
        if ticket is None:
            scan.refuse("unknown")
        elif ticket.cancelled_at is not None and ticket.cancelled_at <= scan.at:
            scan.refuse("cancelled")
        elif ticket.confirmed_at is None or ticket.confirmed_at > scan.at:
            scan.refuse("not_confirmed")
        elif day not in ticket.days:
            scan.refuse("wrong_day")
        else:
            scan.admit(kind=CHECKIN_KIND, subject_id=ticket.id, scope_id=ticket.event_id, occasion=day,
                       by_user_id=by_user_id)


def gate_conflicts(event: Event) -> list[dict]:
    """Tickets admitted at two gates while they were offline: both times and gates, the holder masked."""
    from ..passes.offline import conflicts

    found = conflicts(CHECKIN_KIND, event.id)
    names = dict(db.session.execute(select(Registration.id, Registration.name).where(
        Registration.id.in_({c["subject_id"] for c in found}))).all()) if found else {}
    return [{**c, "name": mask_name(names.get(c["subject_id"], "")),
             "first_at": to_seoul(c["first_at"]), "at": to_seoul(c["at"])} for c in found]
