"""A survey invitation per ticket or enrolment (the link in one text), and at most one answer to it."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db

EVENT, COURSE = "event", "course"
SCALES = {EVENT: (0, 10), COURSE: (1, 5)}  # SLW reported 8.4/10; courses ask 1–5


class SurveyInvite(db.Model):
    """The survey link sent to one ticket holder (after the day they came) or one learner (after the course).

    Unique per ticket or enrolment: one text, one answer, whatever the reminder runs do.
    """

    __tablename__ = "survey_invites"
    __table_args__ = (UniqueConstraint("subject_kind", "subject_id"),
                      Index("ix_survey_invites_scope", "subject_kind", "scope_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(40), unique=True)  # random, the link's only key
    subject_kind: Mapped[str] = mapped_column(String(10))  # event | course
    subject_id: Mapped[int]  # the registration or the enrolment
    scope_id: Mapped[int]  # the event or the course
    occasion: Mapped[str] = mapped_column(String(10), default="")  # the event day asked about
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]

    answer = relationship("SurveyAnswer", uselist=False, back_populates="invite")


class SurveyAnswer(db.Model):
    __tablename__ = "survey_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    invite_id: Mapped[int] = mapped_column(ForeignKey("survey_invites.id", ondelete="CASCADE"), unique=True)
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime] = mapped_column(default=utcnow)

    invite = relationship(SurveyInvite, back_populates="answer")
