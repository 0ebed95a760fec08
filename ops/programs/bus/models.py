"""The digital experience bus: host institutions, buses and their calendars, visits, attendance, surveys."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, Time, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.i18n import BilingualName
from ...core.timeutil import utcnow
from ...extensions import db

# Institution kinds and visit states are plain strings; their labels live in services.
INSTITUTION_KINDS = ("welfare_center", "senior_center", "library", "community_center", "school", "other")
AGE_BANDS = ("under_20", "20_59", "60_69", "70_79", "80_plus")
SENIOR_BANDS = ("60_69", "70_79", "80_plus")
REQUESTED, APPROVED, DECLINED, PROPOSED, CANCELLED = "requested", "approved", "declined", "proposed", "cancelled"
VISIT_STATES = (REQUESTED, PROPOSED, APPROVED, DECLINED, CANCELLED)
LIVE_STATES = (REQUESTED, PROPOSED, APPROVED)
LIVE_SQL = "status IN ('requested', 'proposed', 'approved')"


class HostInstitution(db.Model):
    """A welfare center, senior center, library … that hosts the bus (not education's public bodies)."""

    __tablename__ = "bus_host_institutions"
    __table_args__ = (UniqueConstraint("name", "district"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(20), default="welfare_center")
    district: Mapped[str] = mapped_column(String(20), index=True)
    address: Mapped[str | None] = mapped_column(String(200))
    is_hub: Mapped[bool] = mapped_column(default=False)  # the region's hub institution (거점기관)
    contact_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    # Raising it invalidates every signed link given to the institution so far.
    link_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact = relationship("Person")


class Bus(db.Model):
    __tablename__ = "bus_buses"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    seats: Mapped[int]
    weekends: Mapped[bool] = mapped_column(default=False)  # runs on Saturdays and Sundays too
    active: Mapped[bool] = mapped_column(default=True)

    seasons = relationship("BusSeason", order_by="BusSeason.starts", cascade="all, delete-orphan")
    slots = relationship("BusSlot", back_populates="bus", order_by="BusSlot.starts", cascade="all, delete-orphan")
    blackouts = relationship("BusBlackout", order_by="BusBlackout.day", cascade="all, delete-orphan")


class BusSeason(db.Model):
    """A stretch of dates in which the bus runs (2025: March–July and September–November)."""

    __tablename__ = "bus_seasons"
    __table_args__ = (CheckConstraint("ends >= starts", name="ordered"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bus_id: Mapped[int] = mapped_column(ForeignKey("bus_buses.id", ondelete="CASCADE"), index=True)
    starts: Mapped[date] = mapped_column(Date)
    ends: Mapped[date] = mapped_column(Date)


class BusBlackout(db.Model):
    """A day the bus does not run: a public holiday, maintenance, a festival it serves."""

    __tablename__ = "bus_blackouts"
    __table_args__ = (UniqueConstraint("bus_id", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bus_id: Mapped[int] = mapped_column(ForeignKey("bus_buses.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(120))


class BusSlot(db.Model):
    """A daily time slot of one bus (morning 10:00–12:00, afternoon 14:00–16:00)."""

    __tablename__ = "bus_slots"
    __table_args__ = (UniqueConstraint("bus_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bus_id: Mapped[int] = mapped_column(ForeignKey("bus_buses.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))  # am | pm
    name_ko: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(40))
    starts: Mapped[time] = mapped_column(Time)
    ends: Mapped[time] = mapped_column(Time)
    active: Mapped[bool] = mapped_column(default=True)

    bus = relationship(Bus, back_populates="slots")

    def label(self, locale: str = "ko") -> str:
        name = self.name_en if locale == "en" else self.name_ko
        return f"{name} {self.starts:%H:%M}–{self.ends:%H:%M}"


class BusProgramme(BilingualName, db.Model):
    """What the bus offers on a visit: AI robot, health and emotional care, the intergenerational pilot."""

    __tablename__ = "bus_programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    name_ko: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80))
    # Participants are recorded one by one (each a Person) instead of counted by age band.
    per_person: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class BusVisit(db.Model):
    """One requested (and perhaps approved) run of a bus at an institution on a day and slot.

    A bus is never booked twice for one slot: the partial unique index over approved
    visits decides it in the database, also for two approvals at the same moment.
    """

    __tablename__ = "bus_visits"
    __table_args__ = (
        Index("uq_bus_visits_booked", "bus_id", "day", "slot_id", unique=True,
              sqlite_where=text("status = 'approved'"), postgresql_where=text("status = 'approved'")),
        # One live request (asked, proposed or approved) per institution, day and slot: asking twice,
        # also from two screens at once, is refused by the database.
        Index("uq_bus_visits_live_request", "institution_id", "day", "slot_id", unique=True,
              sqlite_where=text(LIVE_SQL), postgresql_where=text(LIVE_SQL)),
        Index("ix_bus_visits_status_day", "status", "day"),
        Index("ix_bus_visits_institution", "institution_id", "day"),
        CheckConstraint("expected_participants > 0", name="expected_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("bus_host_institutions.id", ondelete="CASCADE"))
    contact_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    bus_id: Mapped[int] = mapped_column(ForeignKey("bus_buses.id"))
    day: Mapped[date] = mapped_column(Date)
    slot_id: Mapped[int] = mapped_column(ForeignKey("bus_slots.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("bus_programmes.id"))
    expected_participants: Mapped[int]
    status: Mapped[str] = mapped_column(String(12), default=REQUESTED)
    source: Mapped[str] = mapped_column(String(10), default="web")  # web | phone
    note: Mapped[str | None] = mapped_column(Text)
    decision_reason: Mapped[str | None] = mapped_column(String(300))
    proposed_day: Mapped[date | None] = mapped_column(Date)
    proposed_slot_id: Mapped[int | None] = mapped_column(ForeignKey("bus_slots.id"))
    # Each new proposal gets a new round, so the link of an older proposal stops working.
    proposal_round: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None]  # when participants were last recorded

    institution = relationship(HostInstitution)
    contact = relationship("Person")
    bus = relationship(Bus)
    slot = relationship(BusSlot, foreign_keys=[slot_id])
    proposed_slot = relationship(BusSlot, foreign_keys=[proposed_slot_id])
    programme = relationship(BusProgramme)
    counts = relationship("BusAttendanceCount", cascade="all, delete-orphan")
    participants = relationship("BusParticipant", cascade="all, delete-orphan",
                                order_by="BusParticipant.id")


class BusAttendanceCount(db.Model):
    """How many people of one age band took part in a run."""

    __tablename__ = "bus_attendance_counts"
    __table_args__ = (UniqueConstraint("visit_id", "age_band"),
                      CheckConstraint("count >= 0", name="count_not_negative"))

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("bus_visits.id", ondelete="CASCADE"))
    age_band: Mapped[str] = mapped_column(String(10))
    count: Mapped[int]


class BusParticipant(db.Model):
    """One named participant of a per-person run (the grandparent-and-grandchild pilot)."""

    __tablename__ = "bus_participants"
    __table_args__ = (UniqueConstraint("visit_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("bus_visits.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(12))  # grandparent | grandchild | other
    age_band: Mapped[str] = mapped_column(String(10))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    person = relationship("Person")


class BusSurveyCard(db.Model):
    """One printed survey card for one seat of one run: its QR carries a signed code (kind B)."""

    __tablename__ = "bus_survey_cards"
    __table_args__ = (UniqueConstraint("visit_id", "seat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("bus_visits.id", ondelete="CASCADE"))
    seat: Mapped[int]
    serial: Mapped[str] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    answer = relationship("BusSurveyAnswer", uselist=False, back_populates="card")


class BusSurveyAnswer(db.Model):
    """A participant's 1–5 satisfaction answer; the unique card makes it once per card."""

    __tablename__ = "bus_survey_answers"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
                      Index("ix_bus_survey_answers_visit", "visit_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("bus_survey_cards.id", ondelete="CASCADE"), unique=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("bus_visits.id", ondelete="CASCADE"))
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    card = relationship(BusSurveyCard, back_populates="answer")
