from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.timeutil import utcnow
from ..extensions import db


class ManualEntry(db.Model):
    """A figure a manager entered for a metric the platform cannot see. Entries are never
    edited: a correction is a newer entry that names the one it corrects (which then no longer
    counts), so the history (who, when, why, the value before) is kept."""

    __tablename__ = "kpi_entries"
    __table_args__ = (Index("ix_kpi_entries_lookup", "year", "metric", "as_of"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    metric: Mapped[str] = mapped_column(String(80))
    value: Mapped[float] = mapped_column(Float)
    as_of: Mapped[date]
    note: Mapped[str | None] = mapped_column(Text)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The metric's value as of the same day just before this entry (None: it had none).
    previous_value: Mapped[float | None] = mapped_column(Float)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("kpi_entries.id", ondelete="SET NULL"), unique=True)

    entered_by = relationship("User")
    corrects = relationship("ManualEntry", remote_side=[id])


class Snapshot(db.Model):
    """A metric's value on one day (one row per metric and day, replaced by each roll-up)."""

    __tablename__ = "kpi_snapshots"
    __table_args__ = (UniqueConstraint("year", "metric", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    metric: Mapped[str] = mapped_column(String(120))
    day: Mapped[date]
    value: Mapped[float | None] = mapped_column(Float)
    state: Mapped[str] = mapped_column(String(20), default="ok", server_default="ok")  # see services.Value
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class BudgetExecution(db.Model):
    """A budget line's committed and spent amounts (thousand KRW) to the end of a month, as a manager
    recorded them by form or upload. Rows are never edited: the latest row of a line and month is its
    figure, the earlier ones are its history."""

    __tablename__ = "budget_executions"
    __table_args__ = (Index("ix_budget_executions_lookup", "budget_line_id", "month", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    budget_line_id: Mapped[int] = mapped_column(ForeignKey("budget_lines.id", ondelete="CASCADE"))
    month: Mapped[int]
    committed: Mapped[int] = mapped_column(BigInteger)
    spent: Mapped[int] = mapped_column(BigInteger)
    source: Mapped[str] = mapped_column(String(10))  # form | upload
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow)

    budget_line = relationship("BudgetLine")
    entered_by = relationship("User")


class MonthlyReport(db.Model):
    """The city's monthly KPI report of one month, as built (XLSX and PDF); building it again replaces it."""

    __tablename__ = "kpi_reports"
    __table_args__ = (UniqueConstraint("year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    month: Mapped[int]
    as_of: Mapped[date]
    built_at: Mapped[datetime] = mapped_column(default=utcnow)
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    xlsx: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    built_by = relationship("User")
