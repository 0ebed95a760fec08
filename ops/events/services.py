"""Events: creating events, registering (never oversold), cancelling, checking in, numbers and export."""
from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, literal_column, or_, select
from sqlalchemy import event as sa_event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from ..core.errors import AlreadyCancelled, DomainError, InvalidInput
from ..core.timeutil import seoul_today, to_seoul, utcnow
from ..core.trust import ShortTrust
from ..extensions import db
from ..notify.services import add_to_outbox, queue_message
from ..passes.capacity import OfferGone, lapse_offers, promote_waitlist, release_seat, settle_offer, take_seat
from ..passes.checkin import AlreadyCheckedIn, admit_once
from ..passes.codes import SignedCode, sign_code
from ..passes.models import CheckIn
from ..passes.scan import ScanOutcome, scan_handler
from ..people.consent import SMS_REMINDERS
from ..people.phone import InvalidPhone, mask_phone, normalise_phone, phone_tail
from ..people.services import person_query, person_with_consents
from .consent import EVENT_REGISTRATION
from .models import (CANCELLED, CONFIRMED, DEFAULT_COLOUR, DEFAULT_OFFER_HOURS, MAX_OFFER_HOURS, OFFERED, ON_HOLD,
                     WAITLISTED, Event, EventSession, ExportAudit, Registration, RegistrationHistory, SessionBooking,
                     TicketType)
from .rooms import room_numbers

CHECKIN_KIND = "ticket"


class InvalidEvent(InvalidInput):
    pass


class InvalidRegistration(InvalidInput):
    pass


class SoldOut(DomainError):
    code = "sold_out"


class RegistrationClosed(DomainError):
    code = "registration_closed"


OFFER_HOURS_MESSAGE = _l("Give a number of hours from 0 to 336 (14 days); 0 gives a freed seat at once.")


def _check_offer_hours(offer_hours) -> int:
    if isinstance(offer_hours, bool) or not isinstance(offer_hours, int) or not 0 <= offer_hours <= MAX_OFFER_HOURS:
        raise InvalidEvent({"offer_hours": OFFER_HOURS_MESSAGE})
    return offer_hours


# --- Events ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _event_query():
    """Built once (every registration runs it): the hot path only binds the slug."""
    from sqlalchemy.orm import joinedload

    return select(Event).where(Event.slug == bindparam("slug")).options(joinedload(Event.ticket_types))


def event_by_slug(slug: str) -> Event | None:
    """The event with its ticket types, in one query (every page and registration needs both)."""
    return db.session.execute(_event_query(), {"slug": (slug or "").strip().lower()}).unique().scalar_one_or_none()


def _detached_copy(slug: str) -> Event | None:
    """The event with its ticket types and sessions (the registration form lists them), read in a
    session of their own (closed before the request's session takes a connection: a burst never
    holds two per request) and belonging to none."""
    from sqlalchemy.orm import selectinload

    with Session(db.session.get_bind()) as session:
        copy = session.execute(_event_query().options(selectinload(Event.sessions)),
                               {"slug": slug}).unique().scalar_one_or_none()
        session.expunge_all()
    return copy


# The events people are registering for, with their ticket types and sessions (detached copies),
# trusted for OPS_EVENT_CACHE_SECONDS; a change to an event, a ticket type or a session here empties it.
EVENT_CACHE = ShortTrust()


def registration_event(slug: str) -> Event | None:
    """The event for the public registration API, without a query while it is trusted.

    When registration opens every request asks for the same event. Seats are never counted
    from the copy (the ticket type's row is, see register()).
    """
    slug, seconds = (slug or "").strip().lower(), current_app.config["OPS_EVENT_CACHE_SECONDS"]
    if seconds <= 0:
        return event_by_slug(slug)
    copy = _trusted_copy(slug, seconds)
    return db.session.merge(copy, load=False) if copy is not None else None


def trusted_event(slug: str) -> Event | None:
    """The registration cache's copy itself, not merged into the request's session: shared by the
    process's threads, so only to read what it holds (its columns, ticket types and sessions), never
    to change or to load more from. None when the cache is off (OPS_EVENT_CACHE_SECONDS 0) or there
    is no such event."""
    slug, seconds = (slug or "").strip().lower(), current_app.config["OPS_EVENT_CACHE_SECONDS"]
    return _trusted_copy(slug, seconds) if seconds > 0 else None


def _trusted_copy(slug: str, seconds: float) -> Event | None:
    copy = EVENT_CACHE.get(slug)
    if copy is None:
        copy = _detached_copy(slug)
        if copy is None:
            return None
        EVENT_CACHE.put(slug, copy, seconds)
    return copy


@sa_event.listens_for(Event, "after_update")
@sa_event.listens_for(Event, "after_delete")
@sa_event.listens_for(TicketType, "after_insert")
@sa_event.listens_for(TicketType, "after_update")
@sa_event.listens_for(TicketType, "after_delete")
@sa_event.listens_for(EventSession, "after_insert")
@sa_event.listens_for(EventSession, "after_update")
@sa_event.listens_for(EventSession, "after_delete")
def _forget_events(mapper, connection, target) -> None:
    EVENT_CACHE.clear()


def create_event(*, slug: str, title_ko: str, days: list[date], title_en: str = "", programme: str | None = None,
                 venue_ko: str = "", venue_en: str = "", address: str = "", directions_ko: str = "",
                 directions_en: str = "", registration_opens_at: datetime | None = None,
                 registration_closes_at: datetime | None = None, ticket_types: list[dict] = (),
                 sessions: list[dict] = (), offer_hours: int = DEFAULT_OFFER_HOURS) -> Event:
    """Add an event with its ticket types and sessions; the caller commits. A freed seat is offered
    to the first in line for ``offer_hours`` (0: given at once)."""
    slug = (slug or "").strip().lower()
    offer_hours = _check_offer_hours(offer_hours)
    if event_by_slug(slug) is not None:
        raise InvalidEvent({"slug": _("This address is already used by another event.")})
    days = sorted(set(days))
    event = Event(slug=slug, title_ko=title_ko, title_en=title_en or "", programme=programme or None,
                  venue_ko=venue_ko or "", venue_en=venue_en or "", address=address or "",
                  directions_ko=directions_ko or "", directions_en=directions_en or "",
                  days=[d.isoformat() for d in days], first_day=days[0], last_day=days[-1],
                  registration_opens_at=registration_opens_at, registration_closes_at=registration_closes_at,
                  offer_hours=offer_hours)
    db.session.add(event)
    for position, spec in enumerate(ticket_types):
        add_ticket_type(event, position=position, **spec)
    for spec in sessions:
        add_session(event, **spec)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the same slug created a moment ago by someone else
        raise InvalidEvent({"slug": _("This address is already used by another event.")}) from None
    return event


def update_event(event: Event, *, days: list[date] | None = None, **fields) -> Event:
    """Change an event's fields; a new ``offer_hours`` counts for the offers made from now on."""
    if "offer_hours" in fields:
        _check_offer_hours(fields["offer_hours"])
    for name, value in fields.items():
        if name in {"title_ko", "title_en", "programme", "venue_ko", "venue_en", "address", "directions_ko",
                    "directions_en", "registration_opens_at", "registration_closes_at", "offer_hours"}:
            setattr(event, name, value)
    if days:
        days = sorted(set(days))
        event.days, event.first_day, event.last_day = [d.isoformat() for d in days], days[0], days[-1]
    db.session.flush()
    return event


def add_ticket_type(event: Event, *, name: str, capacity: int | None = None, waitlist: bool = True,
                    label_ko: str = "", label_en: str = "", public: bool = True, position: int | None = None,
                    colour: str | None = None) -> TicketType:
    name = (name or "").strip().lower()
    if any(t.name == name for t in event.ticket_types):
        raise InvalidEvent({"name": _("This event already has a ticket type with that name.")})
    ticket_type = TicketType(name=name, capacity=capacity, waitlist=bool(waitlist), label_ko=label_ko or "",
                             label_en=label_en or "", public=bool(public), taken=0, colour=colour or DEFAULT_COLOUR,
                             position=len(event.ticket_types) if position is None else position)
    event.ticket_types.append(ticket_type)
    return ticket_type


def change_ticket_type(ticket_type: TicketType, *, capacity: int | None, waitlist: bool,
                       label_ko: str | None = None, label_en: str | None = None,
                       colour: str | None = None) -> list[Registration]:
    """New capacity, waiting-list choice or labels (None keeps a label); more seats promote the
    waiting list at once. The name stays: it is what the API and imports refer to."""
    # The row is locked so that no registration takes a seat between the check and the change.
    db.session.execute(select(TicketType).where(TicketType.id == ticket_type.id).with_for_update()
                       .execution_options(populate_existing=True))
    if capacity is not None and capacity < ticket_type.taken:
        raise InvalidEvent({"capacity": _("%(n)s seats are already taken.", n=ticket_type.taken)})
    ticket_type.capacity, ticket_type.waitlist = capacity, bool(waitlist)
    if label_ko is not None:
        ticket_type.label_ko = label_ko.strip()[:100]
    if label_en is not None:
        ticket_type.label_en = label_en.strip()[:100]
    if colour is not None:
        ticket_type.colour = colour
    db.session.flush()
    return _promote(ticket_type.id)


def change_event(event: Event, fields: dict, ticket_types: list[tuple[str, dict]]) -> list[Registration]:
    """Change an event's fields and its ticket types (``("change" | "add", arguments)`` by name, as
    ``schemas.event_changes`` gives them); the registrations moved up from waiting lists. An
    InvalidEvent names the ticket type (``ticket_types.<i>.<field>``); the caller rolls back."""
    update_event(event, **fields)
    by_name = {t.name: t for t in event.ticket_types}
    promoted: list[Registration] = []
    for i, (kind, change) in enumerate(ticket_types):
        try:
            if kind == "add":
                add_ticket_type(event, **change)
                continue
            ticket_type = by_name[change["name"]]
            promoted += change_ticket_type(
                ticket_type, capacity=change.get("capacity", ticket_type.capacity),
                waitlist=change.get("waitlist", ticket_type.waitlist),
                label_ko=change.get("label_ko"), label_en=change.get("label_en"), colour=change.get("colour"))
        except InvalidEvent as exc:
            raise InvalidEvent({f"ticket_types.{i}.{k}": m for k, m in exc.errors.items()}) from None
    db.session.flush()
    return promoted


def add_session(event: Event, *, title_ko: str, day: date, title_en: str = "", starts_at: str = "",
                room: str = "", capacity: int | None = None) -> EventSession:
    if day.isoformat() not in event.days:
        raise InvalidEvent({"day": _("A session must be on one of the event's days.")})
    session = EventSession(title_ko=title_ko, title_en=title_en or "", day=day, starts_at=starts_at or "",
                           room=room or "", capacity=capacity, taken=0)
    event.sessions.append(session)
    return session


def registration_state(event: Event, now: datetime | None = None) -> str:
    """"open", "not_yet" or "closed" (also closed once the last day is over)."""
    now = now or utcnow()
    if event.registration_opens_at and now < event.registration_opens_at:
        return "not_yet"
    if event.registration_closes_at and now >= event.registration_closes_at:
        return "closed"
    if to_seoul(now).date() > event.last_day:
        return "closed"
    return "open"


# --- Registration -----------------------------------------------------------------------------

@dataclass
class Registered:
    registration: Registration
    created: bool


def person_key(name: str, phone: str) -> str:
    """Same name and same phone: the same person (as in ops.people), as a fixed-length key."""
    cleaned = " ".join((name or "").split()).casefold()
    return hashlib.sha256(f"{cleaned}|{phone}".encode()).hexdigest()


@lru_cache(maxsize=1)
def _live_registration_query():
    """The person's live registration for an event, through the partial unique index on live
    registrations: its condition is written out, not bound, so that the planner can use it."""
    r = Registration.__table__.c
    return select(r.id).where(r.event_id == bindparam("event_id"), r.person_key == bindparam("key"),
                              r.status != literal_column(f"'{CANCELLED}'"))


def _live_registration(event_id: int, key: str) -> Registration | None:
    found = db.session.connection().scalar(_live_registration_query(), {"event_id": event_id, "key": key})
    return db.session.get(Registration, found) if found is not None else None


@lru_cache(maxsize=1)
def _who_query():
    """Built once: this person's live registration for the event (if any) and the person (if known),
    in one query: ``(registration_id, person_id, email, country)``, each possibly NULL."""
    from sqlalchemy import literal, true

    person = person_query().subquery()
    anchor = select(literal(1).label("one")).subquery()
    return (select(_live_registration_query().scalar_subquery().label("registration_id"),
                   person.c.id, person.c.email, person.c.country)
            .select_from(anchor.outerjoin(person, true())))


def register(event: Event, *, name: str, phone: str, ticket_type: str, consent: bool, email: str | None = None,
             affiliation: str | None = None, country: str | None = "KR", city: str | None = None,
             sms_consent: bool = False, locale: str = "ko", session_ids=(), source: str = "web",
             by_user=None, now: datetime | None = None) -> Registered:
    """Register one person: a seat if free, else the waiting list (or SoldOut). Same person: same ticket.

    The caller commits, and rolls back on SoldOut. Call it first in its transaction: when
    the same person registers at the same moment in another request, the unique index on
    live registrations stops the second, whose transaction is then rolled back here and
    whose answer is the first one's ticket. Written for the burst when registration opens:
    a handful of statements on the session's connection, the seat taken last (see
    _take_seat_and_insert), so the ticket type's row stays locked only until the commit.
    """
    staff_side = source in ("walk-in", "staff")
    if not consent:
        raise InvalidRegistration({"consent": _("We need your consent to take the registration.")})
    if not staff_side and registration_state(event, now) != "open":
        raise RegistrationClosed()
    chosen = next((t for t in event.ticket_types if t.name == (ticket_type or "").strip().lower()), None)
    if chosen is None or (not chosen.public and not staff_side):
        raise InvalidRegistration({"ticket_type": _("Please choose a ticket type.")})
    try:
        phone = normalise_phone(phone, allow_foreign=True)
    except InvalidPhone as exc:
        raise InvalidRegistration({"phone": str(exc.message)}) from None
    name = " ".join((name or "").split())
    if not name or len(name) > 100:
        raise InvalidRegistration({"name": _("Please enter your name.")})
    key = person_key(name, phone)
    who = db.session.connection().execute(_who_query(), {"event_id": event.id, "key": key, "name": name,
                                                         "phone": phone}).first()
    if who.registration_id is not None:
        return Registered(db.session.get(Registration, who.registration_id), False)
    wanted = {int(i) for i in session_ids} if session_ids else set()
    wanted_sessions = [s for s in event.sessions if s.id in wanted] if wanted else []
    country = (country or "KR").upper()
    values = dict(event_id=event.id, ticket_type_id=chosen.id, person_key=key,
                  code=sign_code("T", event.scope).text, name=name, phone_tail=phone_tail(phone),
                  email=email or None, affiliation=affiliation or None, country=country, city=city or None,
                  locale=locale if locale in ("ko", "en") else "ko", source=source, created_at=utcnow())
    try:
        values["person_id"] = person_with_consents(
            who if who.id is not None else None, name, phone, email=email, country=country,
            purposes=[EVENT_REGISTRATION] + ([SMS_REMINDERS] if sms_consent else []),
            source="staff" if by_user is not None else "web", recorded_by=by_user)
        inserted = _take_seat_and_insert(chosen, values)
    except IntegrityError:
        # The same person registered at the same moment in another request: theirs is the ticket.
        db.session.rollback()
        existing = _live_registration(event.id, key)
        if existing is None:
            raise
        return Registered(existing, False)
    if inserted is None:
        raise SoldOut()
    registration = _as_loaded(values, *inserted)
    for session in wanted_sessions:
        db.session.add(SessionBooking(registration=registration, session_id=session.id,
                                      status=_book_session(session.id) if registration.status == CONFIRMED
                                      else ON_HOLD))
    if wanted_sessions:
        db.session.flush()
    _queue_registration_news(registration, phone)
    return Registered(registration, True)


def _take_seat_and_insert(ticket_type: TicketType, values: dict) -> tuple[int, str, datetime | None] | None:
    """Take a seat if one is free and insert the registration: ``(id, status, confirmed_at)``, or None
    when the type is full and has no waiting list.

    On PostgreSQL this is one statement, an UPDATE of the ticket type in a WITH clause that
    the INSERT reads, so the type's row is locked for the least time: the commit follows the
    outbox insert. Elsewhere take_seat() and an insert.
    """
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # Parameters named apart from the columns: an UPDATE would take a column's name for a SET.
        row = connection.execute(_seat_and_insert_statement(), {
            **{f"new_{name}": value for name, value in values.items()}, "seat_type": ticket_type.id,
            "seat_waitlist": ticket_type.waitlist}).first()
        return tuple(row) if row is not None else None
    seated = take_seat(TicketType, ticket_type.id)
    if not seated and not ticket_type.waitlist:
        return None
    table = Registration.__table__
    status, confirmed_at = (CONFIRMED, values["created_at"]) if seated else (WAITLISTED, None)
    row = connection.execute(table.insert().returning(table.c.id),
                             {**values, "status": status, "confirmed_at": confirmed_at}).first()
    return row.id, status, confirmed_at


_REGISTRATION_VALUES = ("event_id", "ticket_type_id", "person_id", "person_key", "code", "name", "phone_tail",
                        "email", "affiliation", "country", "city", "locale", "source", "created_at")


@lru_cache(maxsize=1)
def _seat_and_insert_statement():
    """WITH seat AS (UPDATE … taken + 1 WHERE room RETURNING id) INSERT … SELECT …, confirmed if seated.

    Nothing is inserted when there was no seat and the type has no waiting list. The UPDATE
    runs exactly once whatever the INSERT does; if the INSERT fails (the same person at the
    same moment), the whole statement fails and the seat is not taken.
    """
    from sqlalchemy import Boolean, case, exists, null, update
    from sqlalchemy.dialects.postgresql import insert

    types, table = TicketType.__table__, Registration.__table__
    seat = (update(types)
            .where(types.c.id == bindparam("seat_type"),
                   or_(types.c.capacity.is_(None), types.c.taken + 1 <= types.c.capacity))
            .values(taken=types.c.taken + 1)
            .returning(types.c.id)
            .cte("seat"))
    seated = exists(select(seat.c.id))
    chosen = select(*(bindparam(f"new_{name}", type_=table.c[name].type) for name in _REGISTRATION_VALUES),
                    case((seated, CONFIRMED), else_=WAITLISTED),
                    case((seated, bindparam("new_created_at", type_=table.c.confirmed_at.type)), else_=null()))
    chosen = chosen.where(or_(seated, bindparam("seat_waitlist", type_=Boolean())))
    return (insert(table).from_select([*_REGISTRATION_VALUES, "status", "confirmed_at"], chosen)
            .returning(table.c.id, table.c.status, table.c.confirmed_at))


def _as_loaded(values: dict, registration_id: int, status: str, confirmed_at) -> Registration:
    """The row just inserted, as an ORM object in the session (as if loaded: no query, no flush)."""
    registration = Registration(id=registration_id, status=status, confirmed_at=confirmed_at, cancelled_at=None,
                                **values)
    make_transient_to_detached(registration)
    db.session.add(registration)
    return registration


def ticket_url(registration: Registration, external: bool = False) -> str:
    # Built by hand: it is also needed outside requests (CLI seeding, reminder sources in workers).
    path = f"/t/{registration.code}"
    if external:
        return current_app.config["OPS_BASE_URL"].rstrip("/") + path
    return path


def _message_data(registration: Registration) -> dict:
    event = registration.event
    return {"event": event.title(registration.locale), "name": registration.name,
            "url": ticket_url(registration, external=True), "venue": event.venue(registration.locale),
            "days": _days_text(event)}


def _days_text(event: Event) -> str:
    first, last = event.first_day, event.last_day
    return first.strftime("%Y-%m-%d") if first == last else f"{first:%Y-%m-%d}~{last:%m-%d}"


def _queue_registration_news(registration: Registration, phone: str) -> None:
    if registration.status == CONFIRMED:
        template, key = "events.ticket", f"event-ticket:{registration.id}"
    else:
        template, key = "events.waitlisted", f"event-waitlisted:{registration.id}"
    add_to_outbox(template=template, dedup_key=key, person_id=registration.person_id, recipient=phone,
                  data=_message_data(registration), locale=registration.locale, purpose="service")


TICKET_AGAIN_EVERY = timedelta(minutes=10)


def send_ticket_again(registration: Registration) -> bool:
    """Someone registered again with this person's name and phone: the ticket link goes to the
    phone on file (never to the caller), at most once per 10 minutes; True when queued now."""
    from ..notify.services import queue_at_most_every

    phone = registration.person.phone if registration.person else None
    return queue_at_most_every(TICKET_AGAIN_EVERY, template="events.ticket_again",
                               key=f"event-ticket-again:{registration.id}", person_id=registration.person_id,
                               recipient=phone, data=_message_data(registration), locale=registration.locale)


def registration_by_code(code: str) -> Registration | None:
    """The registration with its event, ticket type and conferences (the cancel and accept pages; the
    ticket page reads them through ticket_by_code), in one query instead of four (issue 19): joining
    the event and ticket type took the ticket page from 7.7 to 4.8 ms of CPU in-process; with the
    conferences joined too, a waitlisted ticket's page sends 2 statements instead of 5 (the other is
    its place in line)."""
    from sqlalchemy.orm import joinedload

    query = select(Registration).where(Registration.code == (code or "").strip().upper()).options(
        joinedload(Registration.event), joinedload(Registration.ticket_type),
        joinedload(Registration.bookings).joinedload(SessionBooking.session))
    return db.session.execute(query).unique().scalar_one_or_none()


@lru_cache(maxsize=1)
def _registration_query():
    return select(Registration).where(Registration.code == bindparam("code"))


def ticket_by_code(code: str) -> Registration | None:
    """The registration for its ticket page: one small query for the registration alone; its event,
    ticket type and conferences come from the registration cache (registration_event: the event of
    a ticket is named in its code), as the form page reads them, and its bookings are only asked
    for when the event has conferences. Measured in-process (issue 19: 400 citizens for 100 seats,
    before/after alternating twice, load average 7-10), the ticket page's CPU, Python and PostgreSQL
    together, with the waiting-list position's statement built once (passes.capacity): 10.1 and
    11.0 ms before, 7.9 and 5.6 ms after.
    """
    code = (code or "").strip().upper()
    registration = db.session.execute(_registration_query(), {"code": code}).scalar_one_or_none()
    parts = code.split(".")
    if registration is None or len(parts) != 4:
        return registration
    event = registration_event(parts[1])
    ticket_type = next((t for t in event.ticket_types if t.id == registration.ticket_type_id), None) if event else None
    if ticket_type is None or event.id != registration.event_id:  # never, unless a slug was reused
        return registration
    # Set as loaded (the session keeps the merged copies only while something refers to them);
    # each booking's .session is then found in the session without a query.
    set_committed_value(registration, "event", event)
    set_committed_value(registration, "ticket_type", ticket_type)
    if not event.sessions:
        set_committed_value(registration, "bookings", [])
    return registration


def _book_session(session_id: int) -> str:
    return CONFIRMED if take_seat(EventSession, session_id) else WAITLISTED


def _history(registration: Registration, what: str, at: datetime, until: datetime | None = None) -> None:
    db.session.add(RegistrationHistory(registration_id=registration.id, what=what, at=at, until=until))


def registration_history(registration_ids) -> dict[int, list[RegistrationHistory]]:
    """The offers' history of each registration (offered, accepted, declined, expired), oldest first."""
    ids = list(registration_ids)
    history: dict[int, list[RegistrationHistory]] = {}
    if ids:
        for row in db.session.scalars(select(RegistrationHistory).where(RegistrationHistory.registration_id.in_(ids))
                                      .order_by(RegistrationHistory.at, RegistrationHistory.id)):
            history.setdefault(row.registration_id, []).append(row)
    return history


def accept_url(registration: Registration) -> str:
    """The page where the person accepts a seat offered to them (their ticket's own secret link)."""
    return ticket_url(registration, external=True) + "/accept"


def _confirm(registration: Registration, now: datetime) -> None:
    """A seat is now the registration's: conferences wanted while waiting try for a seat."""
    registration.confirmed_at = now
    for booking in registration.bookings:
        if booking.status == ON_HOLD:
            booking.status = _book_session(booking.session_id)


def _promote(ticket_type_id: int, now: datetime | None = None) -> list[Registration]:
    """Freed seats go to the first in line: at once (the event's ``offer_hours`` 0), or as an offer
    to accept in time. An offered seat stays taken (held for them), so a registration meanwhile
    joins the line and the seat never goes to two people."""
    now = now or utcnow()
    hours = db.session.get(TicketType, ticket_type_id).event.offer_hours or 0
    promoted = promote_waitlist(TicketType, ticket_type_id, Registration, Registration.ticket_type_id,
                                promote_to=OFFERED if hours else CONFIRMED)
    for registration in promoted:
        data = _message_data(registration)
        if hours:
            registration.offer_expires_at = now + timedelta(hours=hours)
            _history(registration, "offered", now, registration.offer_expires_at)
            data.update(url=accept_url(registration),
                        until=to_seoul(registration.offer_expires_at).strftime("%m-%d %H:%M"))
            queue_message(template="events.offered", person=registration.person,
                          dedup_key=f"event-offered:{registration.id}:{registration.offer_expires_at:%Y%m%d%H%M}",
                          recipient=registration.person.phone, data=data, locale=registration.locale,
                          purpose="service")
            continue
        _confirm(registration, now)
        queue_message(template="events.promoted", dedup_key=f"event-promoted:{registration.id}",
                      person=registration.person, recipient=registration.person.phone,
                      data=data, locale=registration.locale, purpose="service")
    db.session.flush()
    return promoted


def offer_open(registration: Registration, now: datetime | None = None) -> bool:
    """Whether a seat is offered to the registration and the offer has not expired."""
    return registration.status == OFFERED and registration.offer_expires_at > (now or utcnow())


def accept_offer(registration_id: int, now: datetime | None = None) -> Registration:
    """The person takes the seat offered to them if the offer has not expired (OfferGone otherwise).

    One conditional UPDATE: an accept and the expiry sweep at the same moment never both win."""
    now = now or utcnow()
    if not settle_offer(Registration, registration_id, now, accepted=True, status=CONFIRMED, offer_expires_at=None):
        raise OfferGone()
    registration = db.session.get(Registration, registration_id, populate_existing=True)
    _confirm(registration, now)
    _history(registration, "accepted", now)
    db.session.flush()
    return registration


def expire_offers(now: datetime | None = None) -> int:
    """Offers not accepted in time lapse (the registration is cancelled) and the seat is offered to
    the next in line; returns how many lapsed. Each offer is taken by one conditional UPDATE, so two
    sweeps, or a sweep and a late accept, never both act on it. The caller commits."""
    now = now or utcnow()
    lapsed = 0
    for registration in lapse_offers(Registration, now, cancelled_at=now):
        _history(registration, "expired", now)
        for booking in registration.bookings:  # on hold while the ticket waited: no seat to free
            booking.status = CANCELLED
        release_seat(TicketType, registration.ticket_type_id)
        _promote(registration.ticket_type_id, now)
        lapsed += 1
    db.session.flush()
    return lapsed


def cancel_registration(registration: Registration, now: datetime | None = None) -> list[Registration]:
    """Cancel a ticket (or decline a seat offered); its seat goes to the first in line, at once or as
    an offer (see _promote), who is told. Returns those promoted."""
    now = now or utcnow()
    locked = db.session.scalar(select(Registration).where(Registration.id == registration.id)
                               .with_for_update().execution_options(populate_existing=True))
    if locked.status == CANCELLED:
        raise AlreadyCancelled()
    holds_seat = locked.status in (CONFIRMED, OFFERED)  # an offered seat is held: it frees too
    if locked.status == OFFERED:
        _history(locked, "declined", now)
    locked.status, locked.cancelled_at, locked.offer_expires_at = CANCELLED, now, None
    for booking in locked.bookings:
        if booking.status == CONFIRMED:
            release_seat(EventSession, booking.session_id)
            booking.status = CANCELLED
            promote_waitlist(EventSession, booking.session_id, SessionBooking, SessionBooking.session_id)
        else:
            booking.status = CANCELLED
    db.session.flush()
    if not holds_seat:
        return []
    release_seat(TicketType, locked.ticket_type_id)
    return _promote(locked.ticket_type_id, now)


# --- Check-in -----------------------------------------------------------------------------------

def today_for_checkin() -> str:
    return seoul_today().isoformat()


def _ticket_label(label_ko: str, label_en: str, name: str, locale: str) -> str:
    return (label_en if locale == "en" else label_ko) or label_ko or name


_TICKET_COLUMNS = ("reg_id", "status", "name", "event_id", "days", "tt_name", "label_ko", "label_en")


@lru_cache(maxsize=1)
def _ticket_query():
    """Built once: everything the door needs about a ticket, in one query by its code."""
    # Core columns of the tables: the rows are read as tuples, with none of the ORM's loading.
    r, e, t = Registration.__table__.c, Event.__table__.c, TicketType.__table__.c
    return (select(*(column.label(label) for column, label in zip(
                (r.id, r.status, r.name, r.event_id, e.days, t.name, t.label_ko, t.label_en), _TICKET_COLUMNS)))
            .select_from(Registration.__table__)
            .join(Event.__table__, e.id == r.event_id)
            .join(TicketType.__table__, t.id == r.ticket_type_id)
            .where(r.code == bindparam("code")))


@lru_cache(maxsize=1)
def _look_up_and_admit():
    """PostgreSQL: the ticket query and the admission in one statement (one trip to the database).

    The insert takes the ticket from the query only if it is confirmed and valid on the
    day, and adds nothing when the ticket is already in today (the live check-in index);
    the answer is the ticket's row with the new check-in's id and time, or NULLs.
    """
    from sqlalchemy import and_, cast, literal, true
    from sqlalchemy.dialects.postgresql import JSONB, insert

    ticket = _ticket_query().cte("ticket")
    checkins = CheckIn.__table__
    columns = ["kind", "subject_id", "scope_id", "occasion", "gate", "method", "by_user_id", "at"]
    def param(name):
        return bindparam(name, type_=checkins.c[name].type)

    admissible = (select(literal(CHECKIN_KIND, checkins.c.kind.type), ticket.c.reg_id, ticket.c.event_id,
                         *(param(name) for name in columns[3:]))
                  .where(and_(ticket.c.status == CONFIRMED, cast(ticket.c.days, JSONB).has_key(param("occasion")))))
    admitted = (insert(checkins).from_select(columns, admissible)
                .on_conflict_do_nothing(index_elements=["kind", "subject_id", "occasion"],
                                        index_where=checkins.c.undone_at.is_(None))
                .returning(checkins.c.id, checkins.c.at).cte("admitted"))
    return (select(*ticket.c, admitted.c.id.label("checkin_id"), admitted.c.at.label("checkin_at"))
            .select_from(ticket.outerjoin(admitted, true())))


def admit(code_text: str, *, gate: str | None, by_user, method: str = "scan", locale: str = "ko") -> ScanOutcome:
    """Check a ticket in for today: on PostgreSQL one statement looks it up and admits it.

    The caller commits (a walk-in's registration and admission are one transaction).
    """
    today = today_for_checkin()
    connection = db.session.connection()
    admitted = None
    if connection.dialect.name == "postgresql":
        params = {"code": code_text, "occasion": today, "gate": (gate or "")[:60] or None, "method": method,
                  "by_user_id": getattr(by_user, "id", None), "at": utcnow()}
        row = connection.execute(_look_up_and_admit(), params).first()
        if row is not None and row[-2] is not None:
            admitted = row[-2]  # checkin_id
    else:
        row = connection.execute(_ticket_query(), {"code": code_text}).first()
    if row is None:
        return ScanOutcome("unknown", 404, detail=_("No ticket with this code."))
    reg_id, status, name, event_id, days, tt_name, label_ko, label_en = row[:len(_TICKET_COLUMNS)]
    shown = dict(name=_mask(name), label=_ticket_label(label_ko, label_en, tt_name, locale))
    extra = {"registration_id": reg_id, "ticket_type": tt_name}
    if status == CANCELLED:
        return ScanOutcome("cancelled", 422, detail=_("This ticket was cancelled."), extra=extra, **shown)
    if status == OFFERED:
        return ScanOutcome("not_confirmed", 422, detail=_("A seat is offered to this ticket but not accepted yet."),
                           extra=extra, **shown)
    if status != CONFIRMED:
        return ScanOutcome("not_confirmed", 422, detail=_("This ticket is on the waiting list, not confirmed."),
                           extra=extra, **shown)
    if today not in days:
        return ScanOutcome("wrong_day", 422, detail=_("This ticket is not valid today."),
                           extra={**extra, "days": days}, **shown)
    try:
        if admitted is None:  # SQLite, or already in today (admit_once then finds the first admission)
            admitted, _at = admit_once(kind=CHECKIN_KIND, subject_id=reg_id, scope_id=event_id, occasion=today,
                                       gate=gate, by_user=by_user, method=method)
    except AlreadyCheckedIn as exc:
        first = exc.first
        return ScanOutcome("already_checked_in", 409,
                           detail=_("Already checked in today at %(time)s, gate %(gate)s.",
                                    time=to_seoul(first.at).strftime("%H:%M"), gate=first.gate or "-"),
                           first_at=first.at, first_gate=first.gate, extra={**extra, "checkin_id": first.id},
                           **shown)
    return ScanOutcome("ok", 200, detail=_("Welcome!"), extra={**extra, "checkin_id": admitted}, **shown)


def _mask(name: str) -> str:
    from ..people.phone import mask_name

    return mask_name(name)


def walk_in(event: Event, *, gate: str | None, by_user, locale: str = "ko", **fields) -> tuple[Registered, ScanOutcome]:
    """Register at the door and check in at once (staff read the consent notice to the visitor)."""
    registered = register(event, source="walk-in", by_user=by_user, locale=locale, **fields)
    if registered.registration.status != CONFIRMED:
        # A full ticket type with a waiting list: the visitor is in line, not in the hall.
        return registered, ScanOutcome("not_confirmed", 422, name=registered.registration.masked_name,
                                       detail=_("No seat free: the visitor is on the waiting list."))
    return registered, admit(registered.registration.code, gate=gate, by_user=by_user, method="walk-in",
                             locale=locale)


def search_registrations(event: Event, query: str, limit: int = 20) -> list[Registration]:
    """Door search: by part of the name, or by the last 4 digits of the phone."""
    query = (query or "").strip()
    if not query:
        return []
    digits = "".join(ch for ch in query if ch.isdigit())
    conditions = []
    if len(digits) == 4 and len(digits) == len(query.replace("-", "")):
        conditions.append(Registration.phone_tail == digits)
    else:
        conditions.append(Registration.name.contains(query))
    return db.session.scalars(
        select(Registration).where(Registration.event_id == event.id, or_(*conditions))
        .order_by(Registration.name, Registration.id).limit(limit)).all()


def door_search(event: Event, query: str, locale: str) -> list[dict]:
    """The door search's answer, the same for the scanner page (plain form) and its JSON API."""
    return [{"code": r.code, "name": r.masked_name, "label": r.ticket_type.label(locale),
             "detail": f"{str(status_label(r.status))} · ****{r.phone_tail}", "status": r.status}
            for r in search_registrations(event, query)]


# --- Live numbers and export ------------------------------------------------------------------------

def live_numbers(event: Event, day: str | None = None) -> dict:
    """Registered, confirmed, waitlisted and checked in; by day, gate, ticket type, country; arrivals per 15 min."""
    by_status = dict(db.session.execute(
        select(Registration.status, func.count()).where(Registration.event_id == event.id)
        .group_by(Registration.status)).all())
    types = {t.id: t for t in event.ticket_types}
    type_rows = db.session.execute(
        select(Registration.ticket_type_id, Registration.status, func.count()).where(Registration.event_id == event.id)
        .group_by(Registration.ticket_type_id, Registration.status)).all()
    live = (CheckIn.kind == CHECKIN_KIND, CheckIn.scope_id == event.id, CheckIn.undone_at.is_(None))
    by_day = dict(db.session.execute(select(CheckIn.occasion, func.count()).where(*live)
                                     .group_by(CheckIn.occasion)).all())
    today = today_for_checkin()
    day = day if day in event.days else (today if today in event.days else event.days[0])
    by_gate = dict(db.session.execute(select(func.coalesce(CheckIn.gate, "-"), func.count())
                                      .where(*live, CheckIn.occasion == day).group_by(CheckIn.gate)).all())
    checked_by_type = dict(db.session.execute(
        select(Registration.ticket_type_id, func.count(func.distinct(CheckIn.subject_id)))
        .join(Registration, Registration.id == CheckIn.subject_id).where(*live)
        .group_by(Registration.ticket_type_id)).all())
    countries = db.session.execute(
        select(Registration.country, func.count()).where(Registration.event_id == event.id,
                                                         Registration.status != CANCELLED)
        .group_by(Registration.country).order_by(func.count().desc())).all()
    checked_countries = dict(db.session.execute(
        select(Registration.country, func.count(func.distinct(CheckIn.subject_id)))
        .join(Registration, Registration.id == CheckIn.subject_id).where(*live)
        .group_by(Registration.country)).all())
    checked_people = db.session.scalar(select(func.count(func.distinct(CheckIn.subject_id))).where(*live)) or 0
    arrivals = Counter()
    for (at,) in db.session.execute(select(CheckIn.at).where(*live, CheckIn.occasion == day)):
        local = to_seoul(at)
        arrivals[local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0).strftime("%H:%M")] += 1
    ticket_types = []
    for tt_id, tt in types.items():
        counts = {status: n for (t, status, n) in type_rows if t == tt_id}
        ticket_types.append({"name": tt.name, "label": tt.label(), "capacity": tt.capacity, "taken": tt.taken,
                             "confirmed": counts.get(CONFIRMED, 0), "offered": counts.get(OFFERED, 0),
                             "waitlisted": counts.get(WAITLISTED, 0),
                             "cancelled": counts.get(CANCELLED, 0), "checked_in": checked_by_type.get(tt_id, 0)})
    return {
        "event": event.slug,
        "registered": by_status.get(CONFIRMED, 0) + by_status.get(OFFERED, 0) + by_status.get(WAITLISTED, 0),
        "confirmed": by_status.get(CONFIRMED, 0),
        "offered": by_status.get(OFFERED, 0),
        "waitlisted": by_status.get(WAITLISTED, 0),
        "cancelled": by_status.get(CANCELLED, 0),
        "checked_in": checked_people,
        "by_day": {d: by_day.get(d, 0) for d in event.days},
        "by_gate": dict(sorted(by_gate.items(), key=lambda item: -item[1])),
        "ticket_types": ticket_types,
        "countries": [{"country": c, "registered": n, "checked_in": checked_countries.get(c, 0)} for c, n in countries],
        "day": day,
        "arrivals": [{"at": k, "count": arrivals[k]} for k in sorted(arrivals)],
        "rooms": room_numbers(event),
    }


EXPORT_COLUMNS = ("id", "code", "name", "phone", "email", "affiliation", "country", "city", "ticket_type", "status",
                  "registered_at", "checked_in_days")


def export_rows(event: Event, *, full_phones: bool = False) -> list[list]:
    """The attendee list, one row per registration; phones masked unless full_phones."""
    from sqlalchemy.orm import selectinload

    registrations = db.session.scalars(
        select(Registration).where(Registration.event_id == event.id)
        .options(selectinload(Registration.person), selectinload(Registration.ticket_type))
        .order_by(Registration.id)).all()
    days: dict[int, list[str]] = {}
    for subject_id, occasion in db.session.execute(
            select(CheckIn.subject_id, CheckIn.occasion).where(CheckIn.kind == CHECKIN_KIND,
                                                               CheckIn.scope_id == event.id,
                                                               CheckIn.undone_at.is_(None))
            .order_by(CheckIn.occasion)):
        days.setdefault(subject_id, []).append(occasion)
    rows = []
    for r in registrations:
        phone = r.person.phone if full_phones else mask_phone(r.person.phone)
        rows.append([r.id, r.code, r.name, phone, r.email or "", r.affiliation or "", r.country, r.city or "",
                     r.ticket_type.name, r.status, to_seoul(r.created_at).strftime("%Y-%m-%d %H:%M"),
                     " ".join(days.get(r.id, []))])
    return rows


def audit_export(event: Event, *, user, fmt: str, full_phones: bool, rows: int) -> ExportAudit:
    audit = ExportAudit(event_id=event.id, user_id=getattr(user, "id", None), fmt=fmt, full_phones=full_phones,
                        rows=rows)
    db.session.add(audit)
    return audit


def status_label(status: str) -> str:
    return {CONFIRMED: _l("Confirmed"), WAITLISTED: _l("Waiting list"), CANCELLED: _l("Cancelled"),
            OFFERED: _l("Seat offered")}.get(status, status)


def next_days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=i) for i in range(count)]


@scan_handler("T")
def scan_ticket(code: SignedCode, *, gate: str | None, by_user, occasion: str | None = None) -> ScanOutcome:
    """The shared scanner's handler for event tickets: the door today, or a conference room (``session:<id>``)."""
    from flask_babel import get_locale

    if occasion:  # a conference room named on the scanner
        from .rooms import admit_to_room, session_of_occasion

        session_id = session_of_occasion(occasion)
        if session_id is not None:
            return admit_to_room(code.text, session_id, gate=gate, by_user=by_user, locale=str(get_locale() or "ko"))
    return admit(code.text, gate=gate, by_user=by_user, locale=str(get_locale() or "ko"))
