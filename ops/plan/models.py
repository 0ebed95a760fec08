from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.i18n import BilingualName
from ..core.timeutil import utcnow
from ..extensions import db


class Programme(BilingualName, db.Model):
    """A detailed project of the year's plan."""

    __tablename__ = "programmes"
    __table_args__ = (UniqueConstraint("year", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    key: Mapped[str] = mapped_column(String(40))
    code: Mapped[str | None] = mapped_column(String(10))
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    policy_ko: Mapped[str | None] = mapped_column(String(200))
    policy_en: Mapped[str | None] = mapped_column(String(200))
    summary_ko: Mapped[str | None] = mapped_column(Text)
    summary_en: Mapped[str | None] = mapped_column(Text)
    starts: Mapped[date | None]
    ends: Mapped[date | None]

    targets = relationship("Target", back_populates="programme", order_by="Target.metric")


class Target(BilingualName, db.Model):
    """A KPI target of the plan: what is counted, how much, by when."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("year", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    metric: Mapped[str] = mapped_column(String(80))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(20))
    target: Mapped[float | None] = mapped_column(Float)
    last_year: Mapped[float | None] = mapped_column(Float)
    period_start: Mapped[date | None]
    period_end: Mapped[date | None]
    source: Mapped[str] = mapped_column(String(10))  # computed | manual
    definition_ko: Mapped[str | None] = mapped_column(Text)
    definition_en: Mapped[str | None] = mapped_column(Text)

    programme = relationship(Programme, back_populates="targets")


class BudgetLine(db.Model):
    """Budget of a detailed project in thousand KRW, with what is committed and spent."""

    __tablename__ = "budget_lines"
    __table_args__ = (UniqueConstraint("year", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    key: Mapped[str] = mapped_column(String(40))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    name_ko: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    budget: Mapped[int] = mapped_column(BigInteger)
    committed: Mapped[int] = mapped_column(BigInteger, default=0)
    spent: Mapped[int] = mapped_column(BigInteger, default=0)
    as_of: Mapped[date | None]

    programme = relationship(Programme)

    def share(self, amount: int) -> float:
        return amount / self.budget if self.budget else 0.0


DRAFT, OPEN = "draft", "open"


class PlanYear(db.Model):
    """A year's plan as a whole: a draft (copied from last year, being edited) until a manager opens it.

    A year loaded from a plan file has no row and counts as open."""

    __tablename__ = "plan_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(String(10), default=DRAFT)
    copied_from: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]


class PlanChange(db.Model):
    """One change a manager made to a year's plan: which target or budget line, which field, the value
    before and after (as text; None: none), why, who and when. Rows are never edited or removed, so the
    trail stays whole when a budget line is removed (its key and name are kept here, not a link)."""

    __tablename__ = "plan_changes"
    __table_args__ = (Index("ix_plan_changes_year", "year", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))  # target | budget_line | year
    item: Mapped[str] = mapped_column(String(80))  # a target's metric, a budget line's key, or the year
    item_name: Mapped[str] = mapped_column(String(200))  # its Korean name then, for the trail
    # target | last_year (of a target); name_ko | name_en | budget | added | removed (of a line); state (of the year)
    field: Mapped[str] = mapped_column(String(20))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(300))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

    changed_by = relationship("User")
