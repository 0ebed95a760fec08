from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...core.timeutil import utcnow
from ...extensions import db

REQUESTED, CONFIRMED, DECLINED = "requested", "confirmed", "declined"
DOMESTIC, FOREIGN = "domestic", "foreign"
LANGUAGES = ("ko", "en", "zh", "ja", "es", "fr", "de", "vi", "other")


class CenterVisit(db.Model):
    """A group's visit to the Smart City Center: asked for, confirmed (or declined) by staff, and
    after the day, who came by country."""

    __tablename__ = "center_visits"
    __table_args__ = (Index("ix_center_visits_day", "day", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_name: Mapped[str] = mapped_column(String(120))
    origin: Mapped[str] = mapped_column(String(10))  # domestic | foreign
    day: Mapped[date]
    group_size: Mapped[int]
    language: Mapped[str] = mapped_column(String(10))
    countries: Mapped[list] = mapped_column(JSON, default=list)  # ISO 3166 alpha-2 codes the group comes from
    contact_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default=REQUESTED)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime | None]

    contact = relationship("Person")
    counts = relationship("CenterVisitCount", back_populates="visit", cascade="all, delete-orphan",
                          order_by="CenterVisitCount.country")

    @property
    def visitors(self) -> int:
        return sum(c.count for c in self.counts)


class CenterVisitCount(db.Model):
    """How many of a visit's group came from one country."""

    __tablename__ = "center_visit_counts"
    __table_args__ = (UniqueConstraint("visit_id", "country"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("center_visits.id", ondelete="CASCADE"))
    country: Mapped[str] = mapped_column(String(2))
    count: Mapped[int]

    visit = relationship(CenterVisit, back_populates="counts")
