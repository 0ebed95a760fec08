"""Tables of 어디나지원단: centers, instructors, learners, matches, lesson logs, online content."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Column, ForeignKey, Index, LargeBinary, String, Table, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.timeutil import utcnow
from ...extensions import db

instructor_centers = Table(
    "eodina_instructor_centers", db.metadata,
    Column("instructor_id", ForeignKey("eodina_instructors.id", ondelete="CASCADE"), primary_key=True),
    Column("center_id", ForeignKey("eodina_centers.id", ondelete="CASCADE"), primary_key=True),
)


class Center(db.Model):
    """A smart clinic center (스마트 클리닉 센터) where 1:1 lessons take place."""

    __tablename__ = "eodina_centers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    district: Mapped[str] = mapped_column(String(20), index=True)
    address: Mapped[str] = mapped_column(String(200))
    opening_hours: Mapped[str] = mapped_column(String(200), default="")
    capacity: Mapped[int] = mapped_column(default=2)  # lessons it can hold at once
    phone: Mapped[str | None] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    opened_on: Mapped[date | None]
    # The staff member who follows up this center's learners (gets the weekly digest of flags).
    coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    coordinator = relationship("User")


class Instructor(db.Model):
    """A senior volunteer instructor and where they stand in the selection pipeline."""

    __tablename__ = "eodina_instructors"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="applied", index=True)
    applied_on: Mapped[date]
    selected_on: Mapped[date | None]
    trained_on: Mapped[date | None]
    activated_on: Mapped[date | None]
    paused_on: Mapped[date | None]
    left_on: Mapped[date | None]
    districts: Mapped[list] = mapped_column(JSON, default=list)
    availability: Mapped[list] = mapped_column(JSON, default=list)  # slot codes, see catalog.SLOTS
    topics: Mapped[list] = mapped_column(JSON, default=list)
    max_learners: Mapped[int] = mapped_column(default=20)
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person = relationship("Person", lazy="joined")
    user = relationship("User")
    centers = relationship(Center, secondary=instructor_centers, lazy="selectin", order_by=Center.name)


class Learner(db.Model):
    """An older citizen who wants 1:1 lessons; ``taught_at`` is set by their first attended lesson."""

    __tablename__ = "eodina_learners"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), unique=True)
    district: Mapped[str] = mapped_column(String(20), index=True)
    preferred_center_id: Mapped[int | None] = mapped_column(ForeignKey("eodina_centers.id", ondelete="SET NULL"))
    availability: Mapped[list] = mapped_column(JSON, default=list)
    topics: Mapped[list] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(String(12), default="web")  # web | staff | family | import
    lessons_attended: Mapped[int] = mapped_column(default=0)
    taught_at: Mapped[datetime | None] = mapped_column(index=True)
    completed_at: Mapped[datetime | None]
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Why the last matching run left this learner waiting (cleared when matched); see matching.WaitReason.
    wait_reason: Mapped[str | None] = mapped_column(String(20), index=True)
    wait_reason_ko: Mapped[str | None] = mapped_column(String(300))
    wait_reason_en: Mapped[str | None] = mapped_column(String(300))
    wait_checked_at: Mapped[datetime | None]
    # A coordinator allowed a place outside the learner's living zone (생활권).
    further_approved_at: Mapped[datetime | None]
    further_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The family member who signed the learner up (with their own recorded consent), to reach them too.
    family_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    family_relation: Mapped[str | None] = mapped_column(String(20))

    person = relationship("Person", lazy="joined", foreign_keys=[person_id])
    family_person = relationship("Person", foreign_keys=[family_person_id])
    preferred_center = relationship(Center)


class Match(db.Model):
    """A learner paired with an instructor, a center and a weekly slot, with the reason why.

    At most one live match per learner (partial unique index), so two matching runs at
    once cannot pair the same learner twice.
    """

    __tablename__ = "eodina_matches"
    __table_args__ = (
        Index("uq_eodina_matches_live", "learner_id", unique=True,
              sqlite_where=text("ended_at IS NULL"), postgresql_where=text("ended_at IS NULL")),
        Index("ix_eodina_matches_instructor", "instructor_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("eodina_learners.id", ondelete="CASCADE"))
    instructor_id: Mapped[int] = mapped_column(ForeignKey("eodina_instructors.id"))
    center_id: Mapped[int] = mapped_column(ForeignKey("eodina_centers.id"))
    slot: Mapped[str] = mapped_column(String(10))
    reason_ko: Mapped[str] = mapped_column(String(300))
    reason_en: Mapped[str] = mapped_column(String(300))
    # How near home (ops.people.adjacency.TIERS): district | adjacent | zone | further. NULL for
    # matches made before tiers were kept in another district than the learner's.
    tier: Mapped[str | None] = mapped_column(String(10), index=True)
    by_staff: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))  # completed | instructor_left | override

    learner = relationship(Learner)
    instructor = relationship(Instructor)
    center = relationship(Center)


class LearnerFlag(db.Model):
    """A learner who may be slipping away (absent twice in a row, or no lesson for weeks while matched).

    ``evidence_on`` is the date the flag rests on (the second absence, or the day the quiet spell
    started); the same evidence is flagged once (unique), new evidence raises a new flag.
    """

    __tablename__ = "eodina_flags"
    __table_args__ = (UniqueConstraint("learner_id", "kind", "evidence_on", name="uq_eodina_flags_evidence"),
                      Index("ix_eodina_flags_open", "closed_at", "center_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("eodina_learners.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))  # absent_twice | no_lesson
    evidence_on: Mapped[date]
    reason_ko: Mapped[str] = mapped_column(String(300))
    reason_en: Mapped[str] = mapped_column(String(300))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("eodina_centers.id", ondelete="SET NULL"))
    raised_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    digested_at: Mapped[datetime | None]  # sent in a coordinator's weekly digest
    closed_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str | None] = mapped_column(Text)  # what was done, in the coordinator's words

    learner = relationship(Learner)
    center = relationship(Center)


class CallbackRequest(db.Model):
    """Someone without the internet asked to be called back: staff work through the list.

    At most one open request per person (partial unique index): asking twice is one call.
    """

    __tablename__ = "eodina_callbacks"
    __table_args__ = (Index("uq_eodina_callbacks_open", "person_id", unique=True,
                            sqlite_where=text("done_at IS NULL"), postgresql_where=text("done_at IS NULL")),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(20), default="join")  # the page it came from
    note: Mapped[str | None] = mapped_column(String(300))  # what about, or when best to call
    status: Mapped[str] = mapped_column(String(10), default="to_call", index=True)  # to_call | no_answer | done
    attempts: Mapped[int] = mapped_column(default=0)
    notes: Mapped[str | None] = mapped_column(Text)  # each call, dated and signed
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_attempt_at: Mapped[datetime | None]
    done_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    person = relationship("Person", lazy="joined")


class LessonLog(db.Model):
    """One 1:1 class as the instructor logged it; one per learner, instructor and day."""

    __tablename__ = "eodina_lessons"
    __table_args__ = (
        UniqueConstraint("learner_id", "instructor_id", "lesson_date", name="uq_eodina_lessons_once_a_day"),
        Index("ix_eodina_lessons_instructor_date", "instructor_id", "lesson_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("eodina_learners.id", ondelete="CASCADE"), index=True)
    instructor_id: Mapped[int] = mapped_column(ForeignKey("eodina_instructors.id"))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("eodina_centers.id", ondelete="SET NULL"))
    lesson_date: Mapped[date]
    minutes: Mapped[int] = mapped_column(default=50)
    attended: Mapped[bool] = mapped_column(default=True)
    topics: Mapped[list] = mapped_column(JSON, default=list)
    skills: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    feedback_serial: Mapped[str] = mapped_column(String(16), unique=True)
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    learner = relationship(Learner)
    instructor = relationship(Instructor)


class SkillCheck(db.Model):
    """The digital-skills check (catalog.SKILL_CHECK) a learner did with their instructor, at intake or completion."""

    __tablename__ = "eodina_skill_checks"
    __table_args__ = (UniqueConstraint("learner_id", "stage", name="uq_eodina_skill_checks_stage"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("eodina_learners.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(12))  # intake | completion
    tasks: Mapped[list] = mapped_column(JSON, default=list)  # the tasks the learner did alone
    score: Mapped[int] = mapped_column(default=0)
    checked_on: Mapped[date] = mapped_column(index=True)
    instructor_id: Mapped[int | None] = mapped_column(ForeignKey("eodina_instructors.id", ondelete="SET NULL"))
    center_id: Mapped[int | None] = mapped_column(ForeignKey("eodina_centers.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FollowUp(db.Model):
    """Three months after completion: does the learner still use the skills? Asked by text, or by a call."""

    __tablename__ = "eodina_followups"

    id: Mapped[int] = mapped_column(primary_key=True)
    learner_id: Mapped[int] = mapped_column(ForeignKey("eodina_learners.id", ondelete="CASCADE"), unique=True)
    channel: Mapped[str] = mapped_column(String(5))  # sms | call
    serial: Mapped[str] = mapped_column(String(16), unique=True)  # of the signed answer link
    callback_id: Mapped[int | None] = mapped_column(ForeignKey("eodina_callbacks.id", ondelete="SET NULL"))
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answer: Mapped[str | None] = mapped_column(String(5), index=True)  # yes | some | no
    answered_at: Mapped[datetime | None]


class LessonFeedback(db.Model):
    """The learner's 1–5 rating of one lesson, given once through a signed link."""

    __tablename__ = "eodina_feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("eodina_lessons.id", ondelete="CASCADE"), unique=True)
    rating: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ImportJob(db.Model):
    """A bulk import of learners from a sheet: progress and the row-by-row report."""

    __tablename__ = "eodina_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # cleared when done
    source: Mapped[str] = mapped_column(String(12), default="import")
    status: Mapped[str] = mapped_column(String(10), default="queued")  # queued | running | done | failed
    total: Mapped[int] = mapped_column(default=0)
    processed: Mapped[int] = mapped_column(default=0)
    added: Mapped[int] = mapped_column(default=0)
    existing: Mapped[int] = mapped_column(default=0)
    errors: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class OnlineContent(db.Model):
    """An online lesson (e-learning or a short video) anyone can open by link or QR."""

    __tablename__ = "eodina_online_content"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    title_ko: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12), default="video")  # video | elearning
    url: Mapped[str] = mapped_column(String(500))
    minutes: Mapped[int] = mapped_column(default=5)
    produced_on: Mapped[date | None]  # made or renewed (counts toward the content target)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def title(self, locale: str) -> str:
        return self.title_en if locale == "en" else self.title_ko


class OnlineView(db.Model):
    """One anonymous visitor's use of one online lesson: how often opened, whether finished."""

    __tablename__ = "eodina_online_views"
    __table_args__ = (UniqueConstraint("content_id", "visitor", name="uq_eodina_online_views_visitor"),
                      Index("ix_eodina_online_views_completed", "completed_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    content_id: Mapped[int] = mapped_column(ForeignKey("eodina_online_content.id", ondelete="CASCADE"))
    visitor: Mapped[str] = mapped_column(String(40))
    views: Mapped[int] = mapped_column(default=1)
    first_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
