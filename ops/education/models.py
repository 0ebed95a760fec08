"""Courses, their sessions, the public institutions they serve, enrolments and certificates.

Attendance is not a table of its own: it is the shared ``CheckIn`` (kind
"attendance", subject the enrolment, scope the course, occasion the session id).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import to_seoul, utcnow
from ..extensions import db

# What a course is for; the KPI metrics count by kind.
PROMPT = "prompt"
DATA_ADMIN = "data_admin"
COLLABORATION = "collaboration"
SMART_CITY_CENTER = "smart_city_center"
KINDS = (PROMPT, DATA_ADMIN, COLLABORATION, SMART_CITY_CENTER)

# Who may enrol.
CITIZENS = "citizens"
CITY_STAFF = "city_staff"
INSTITUTION = "institution"
AUDIENCES = (CITIZENS, CITY_STAFF, INSTITUTION)

INSTITUTION_KINDS = ("city_office", "district_office", "public_corporation", "public_agency", "other")

CONFIRMED = "confirmed"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
OFFERED = "offered"  # first in line when a place freed: the place is held for them until the offer expires
DEFAULT_OFFER_HOURS = 24


class Institution(db.Model):
    """A public institution whose people take courses (the bus keeps its own host institutions)."""

    __tablename__ = "education_institutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(30), default="public_agency")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    coordinators = relationship("InstitutionCoordinator", back_populates="institution",
                                cascade="all, delete-orphan")


class InstitutionCoordinator(db.Model):
    """A user who enrols their institution's people (a training officer, for example)."""

    __tablename__ = "education_coordinators"
    __table_args__ = (UniqueConstraint("institution_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("education_institutions.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)

    institution = relationship(Institution, back_populates="coordinators")
    user = relationship("User")


class Course(db.Model):
    """A course: its places are a seat pool (``capacity``/``taken``) shared by all its sessions."""

    __tablename__ = "education_courses"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    title_ko: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    description_ko: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    audience: Mapped[str] = mapped_column(String(20))
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("education_institutions.id"), index=True)
    capacity: Mapped[int | None]
    taken: Mapped[int] = mapped_column(default=0)
    completion_percent: Mapped[int] = mapped_column(default=80)
    open: Mapped[bool] = mapped_column(default=True)
    # When enrolment closes (UTC); none: when the first session starts (see services.enrolment_closes_at).
    enrol_closes_at: Mapped[datetime | None]
    # How long a freed place is held for the first in line to accept; 0 gives it to them at once.
    offer_hours: Mapped[int] = mapped_column(default=DEFAULT_OFFER_HOURS, server_default=str(DEFAULT_OFFER_HOURS))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    institution = relationship(Institution)
    sessions = relationship("CourseSession", back_populates="course", order_by="CourseSession.starts_at",
                            cascade="all, delete-orphan")

    @property
    def scope(self) -> str:
        """The scope of this course's signed codes (attendance and certificates)."""
        return f"EDU-{self.id}"

    def title(self, locale: str = "ko") -> str:
        return self.title_en if locale == "en" else self.title_ko

    def description(self, locale: str = "ko") -> str:
        return (self.description_en if locale == "en" else self.description_ko) or ""

    @property
    def free_places(self) -> int | None:
        return None if self.capacity is None else max(self.capacity - self.taken, 0)


class CourseSession(db.Model):
    """One meeting of a course, in a room or online."""

    __tablename__ = "education_sessions"
    __table_args__ = (Index("ix_education_sessions_course_start", "course_id", "starts_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("education_courses.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(index=True)  # UTC
    ends_at: Mapped[datetime]
    place: Mapped[str | None] = mapped_column(String(200))
    online_url: Mapped[str | None] = mapped_column(String(500))
    capacity: Mapped[int | None]  # the room's; the course's places are the pool
    teacher: Mapped[str | None] = mapped_column(String(100))
    teacher_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)

    course = relationship(Course, back_populates="sessions")

    @property
    def seoul_date(self):
        return to_seoul(self.starts_at).date()


class Enrolment(db.Model):
    """A person's place in a course (confirmed or waiting), with their attendance code.

    One live enrolment per person and course (partial unique index): enrolling
    twice, also from two requests at once, gives back the same enrolment.
    """

    __tablename__ = "education_enrolments"
    __table_args__ = (
        Index("uq_education_enrolments_live", "course_id", "person_id", unique=True,
              sqlite_where=text("status != 'cancelled'"), postgresql_where=text("status != 'cancelled'")),
        Index("ix_education_enrolments_course_status", "course_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("education_courses.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("education_institutions.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(80), unique=True)
    source: Mapped[str] = mapped_column(String(20), default="web")  # web | coordinator | staff
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Why staff added someone after enrolment closed (``enrolled_by_id`` says who).
    late_reason: Mapped[str | None] = mapped_column(String(300))
    offer_expires_at: Mapped[datetime | None] = mapped_column(index=True)  # while the status is "offered"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    course = relationship(Course)
    person = relationship("Person")
    institution = relationship(Institution)


class Certificate(db.Model):
    """A completion certificate; its signed code (kind C) can be verified by anyone."""

    __tablename__ = "education_certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("education_enrolments.id", ondelete="CASCADE"),
                                              unique=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(String(200))

    enrolment = relationship(Enrolment)


class EnrolmentHistory(db.Model):
    """What happened to an enrolment's offer of a freed place: offered, accepted, expired."""

    __tablename__ = "education_enrolment_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("education_enrolments.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime]
    what: Mapped[str] = mapped_column(String(20))
    until: Mapped[datetime | None]  # an offer's expiry
