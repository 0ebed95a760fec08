from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db
from ..people.phone import mask_name, mask_phone

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
# A conference booking of a ticket still on the waiting list: it takes a seat only once the ticket does.
ON_HOLD = "on_hold"
# First in line when a seat freed: the seat is held for them until the offer expires (Event.offer_hours).
OFFERED = "offered"
DEFAULT_OFFER_HOURS = 24
MAX_OFFER_HOURS = 24 * 14
DEFAULT_COLOUR = "#1f4e9e"  # a ticket type's colour on badges, "#rrggbb"


class Event(db.Model):
    """A public event (Smart Life Week, AI Festa): its days, place and registration window."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    title_ko: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    programme: Mapped[str | None] = mapped_column(String(40), index=True)  # plan key, e.g. "slw"
    venue_ko: Mapped[str] = mapped_column(String(200), default="")
    venue_en: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    directions_ko: Mapped[str] = mapped_column(Text, default="")
    directions_en: Mapped[str] = mapped_column(Text, default="")
    days: Mapped[list] = mapped_column(JSON, default=list)  # ISO dates, in order
    first_day: Mapped[date]
    last_day: Mapped[date]
    registration_opens_at: Mapped[datetime | None]  # UTC; None: open now
    registration_closes_at: Mapped[datetime | None]
    # How long a freed seat is held for the first in line to accept; 0 gives it to them at once.
    offer_hours: Mapped[int] = mapped_column(default=DEFAULT_OFFER_HOURS, server_default=str(DEFAULT_OFFER_HOURS))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket_types = relationship("TicketType", back_populates="event", order_by="TicketType.position, TicketType.id",
                                cascade="all, delete-orphan")
    sessions = relationship("EventSession", back_populates="event",
                            order_by="EventSession.day, EventSession.starts_at, EventSession.id",
                            cascade="all, delete-orphan")

    def title(self, locale: str = "ko") -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_ko

    def venue(self, locale: str = "ko") -> str:
        return self.venue_en if locale == "en" and self.venue_en else self.venue_ko

    def directions(self, locale: str = "ko") -> str:
        return self.directions_en if locale == "en" and self.directions_en else self.directions_ko

    @property
    def scope(self) -> str:
        """The part of a ticket code that names this event."""
        return self.slug.upper()


class TicketType(db.Model):
    """What a registrant books (visitor, exhibitor, press …): a seat pool with its own waiting list."""

    __tablename__ = "event_ticket_types"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))  # the key used by the API, e.g. "visitor"
    label_ko: Mapped[str] = mapped_column(String(100), default="")
    label_en: Mapped[str] = mapped_column(String(100), default="")
    capacity: Mapped[int | None]  # None: unlimited
    taken: Mapped[int] = mapped_column(default=0)
    waitlist: Mapped[bool] = mapped_column(default=True)
    public: Mapped[bool] = mapped_column(default=True)  # False: staff register these (speakers, press)
    position: Mapped[int] = mapped_column(default=0)
    colour: Mapped[str] = mapped_column(String(7), default=DEFAULT_COLOUR, server_default=DEFAULT_COLOUR)  # badges

    event = relationship(Event, back_populates="ticket_types")

    def label(self, locale: str = "ko") -> str:
        chosen = self.label_en if locale == "en" else self.label_ko
        return chosen or self.label_ko or self.name


class EventSession(db.Model):
    """A conference or forum inside the event, with seats of its own."""

    __tablename__ = "event_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    title_ko: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200), default="")
    day: Mapped[date]
    starts_at: Mapped[str] = mapped_column(String(5), default="")  # "14:00", Seoul time
    room: Mapped[str] = mapped_column(String(100), default="")
    capacity: Mapped[int | None]
    taken: Mapped[int] = mapped_column(default=0)

    event = relationship(Event, back_populates="sessions")

    def title(self, locale: str = "ko") -> str:
        return self.title_en if locale == "en" and self.title_en else self.title_ko


class Registration(db.Model):
    """One person's ticket for one event. ``code`` is the signed ticket code on the QR.

    ``person_key`` (a hash of name and phone) is unique per event among live
    registrations, so the same person registering twice, even at the same moment,
    gets the one ticket back.
    """

    __tablename__ = "event_registrations"
    __table_args__ = (
        Index("uq_event_registrations_person_live", "event_id", "person_key", unique=True,
              sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'")),
        Index("ix_event_registrations_waiting", "ticket_type_id", "status", "created_at"),
        Index("ix_event_registrations_event_status", "event_id", "status"),
        Index("ix_event_registrations_event_tail", "event_id", "phone_tail"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    ticket_type_id: Mapped[int] = mapped_column(ForeignKey("event_ticket_types.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    person_key: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(80), unique=True)
    status: Mapped[str] = mapped_column(String(12), default=WAITLISTED)
    name: Mapped[str] = mapped_column(String(100))  # as given, for badges and the door list
    phone_tail: Mapped[str] = mapped_column(String(4), default="")  # for manual search at the door
    email: Mapped[str | None] = mapped_column(String(254))
    affiliation: Mapped[str | None] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2), default="KR")
    city: Mapped[str | None] = mapped_column(String(100))
    locale: Mapped[str] = mapped_column(String(5), default="ko")
    source: Mapped[str] = mapped_column(String(12), default="web")  # web | api | walk-in | staff
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    offer_expires_at: Mapped[datetime | None] = mapped_column(index=True)  # while the status is "offered"

    event = relationship(Event)
    ticket_type = relationship(TicketType)
    person = relationship("Person")
    bookings = relationship("SessionBooking", back_populates="registration", cascade="all, delete-orphan")

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.person.phone if self.person else None)


class RegistrationHistory(db.Model):
    """What happened to a registration's offer of a freed seat: offered, accepted, declined, expired."""

    __tablename__ = "event_registration_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("event_registrations.id", ondelete="CASCADE"),
                                                 index=True)
    at: Mapped[datetime]
    what: Mapped[str] = mapped_column(String(20))
    until: Mapped[datetime | None]  # an offer's expiry


class SessionBooking(db.Model):
    """A registrant's seat (or place in line) at one conference session."""

    __tablename__ = "event_session_bookings"
    __table_args__ = (
        UniqueConstraint("registration_id", "session_id"),
        Index("ix_event_session_bookings_waiting", "session_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("event_registrations.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("event_sessions.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12), default=WAITLISTED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    registration = relationship(Registration, back_populates="bookings")
    session = relationship(EventSession)


class ExportAudit(db.Model):
    """Who exported an event's attendee list, when, in which format, and whether phones were shown."""

    __tablename__ = "event_export_audits"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    fmt: Mapped[str] = mapped_column(String(8))
    full_phones: Mapped[bool] = mapped_column(default=False)
    rows: Mapped[int] = mapped_column(default=0)
    at: Mapped[datetime] = mapped_column(default=utcnow)


class BadgePrint(db.Model):
    """One badge printed for one registration: who printed it, when, in which size."""

    __tablename__ = "event_badge_prints"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("event_registrations.id", ondelete="CASCADE"),
                                                 index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    size: Mapped[str] = mapped_column(String(8))
    at: Mapped[datetime] = mapped_column(default=utcnow)
