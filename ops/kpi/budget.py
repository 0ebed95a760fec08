"""Budget execution: each project's committed and spent amounts to the end of a month, recorded by
managers through a form or an XLSX upload, and the execution rate against the year elapsed.

Amounts are in thousand KRW and cumulative for the year to the end of the month, as in the
foundation's own execution table (the plan's figures as of 14 February are the first). An upload
is checked row by row and stored only when every row is right; a row equal to the figure already
recorded is not stored again, so uploading the same file twice changes nothing.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core.errors import DomainError
from ..core.sheets import read_sheet
from ..core.timeutil import seoul_today
from ..extensions import db
from ..plan.models import BudgetLine
from .models import BudgetExecution

# The accepted columns of an upload (Korean or English header) and the template's headers.
COLUMNS = {
    "사업코드": "code", "사업 코드": "code", "project code": "code", "project_code": "code", "code": "code",
    "월": "month", "month": "month",
    "원인행위액": "committed", "원인행위액(천원)": "committed", "committed": "committed",
    "committed (thousand krw)": "committed",
    "지출액": "spent", "지출액(천원)": "spent", "spent": "spent", "spent (thousand krw)": "spent",
}
FIELDS = ("code", "month", "committed", "spent")
TEMPLATE_HEADER = ["사업코드 (project code)", "월 (month)", "원인행위액(천원) (committed)", "지출액(천원) (spent)"]
TEMPLATE_COLUMNS = dict(COLUMNS, **{h.lower(): f for h, f in zip(TEMPLATE_HEADER, FIELDS)})
MAX_ROWS = 2000


class InvalidExecution(DomainError):
    """Rows that are wrong: ``rows`` maps a row number (the sheet's, or 1 for a form) to {field: code}."""

    code = "invalid_execution"

    def __init__(self, rows: dict[int, dict[str, str]]):
        super().__init__("invalid_execution")
        self.rows = rows


@dataclass
class Recorded:
    added: int = 0
    unchanged: int = 0


def lines(year: int) -> list[BudgetLine]:
    return db.session.scalars(select(BudgetLine).where(BudgetLine.year == year).order_by(BudgetLine.id)).all()


def _amount(text) -> int:
    value = float(str(text).replace(",", "").strip())
    if value < 0 or value != int(value):
        raise ValueError
    return int(value)


def _month(text) -> int:
    text = str(text).strip()
    if "-" in text:  # 2025-03, or a date cell read as 2025-03-01 00:00:00
        text = text.split("-")[1]
    value = int(float(text.rstrip("월")))
    if not 1 <= value <= 12:
        raise ValueError
    return value


def record(year: int, rows: list[dict], *, user, source: str, today: date | None = None) -> Recorded:
    """Check every row and store those that change a figure; nothing is stored when any row is wrong.

    Each row is {code, month, committed, spent} as text or numbers, with ``_row`` its number."""
    today = today or seoul_today()
    by_code = {line.key: line for line in lines(year)}
    errors: dict[int, dict[str, str]] = {}
    parsed, seen = [], {}
    for n, row in enumerate(rows, start=1):
        number = row.get("_row", n)
        bad: dict[str, str] = {}
        line = by_code.get(str(row.get("code") or "").strip())
        if line is None:
            bad["code"] = "unknown_code"
        try:
            month = _month(row.get("month"))
            if date(year, month, 1) > today:
                bad["month"] = "future_month"
        except (TypeError, ValueError, IndexError):
            month, bad["month"] = None, "invalid_month"
        amounts = {}
        for field in ("committed", "spent"):
            try:
                amounts[field] = _amount(row.get(field))
            except (TypeError, ValueError):
                bad[field] = "invalid_amount"
        if not bad and amounts["committed"] > line.budget:
            bad["committed"] = "over_budget"
        if not bad and (line.key, month) in seen:
            bad["month"] = "duplicate_row"
        if bad:
            errors[number] = bad
            continue
        seen[(line.key, month)] = number
        parsed.append((line, month, amounts["committed"], amounts["spent"]))
    if len(rows) > MAX_ROWS:
        errors[0] = {"file": "too_many_rows"}
    if not rows:
        errors[0] = {"file": "no_rows"}
    if errors:
        raise InvalidExecution(errors)
    current = current_figures(year)
    result = Recorded()
    for line, month, committed, spent in parsed:
        latest = current.get((line.id, month))
        if latest is not None and (latest.committed, latest.spent) == (committed, spent):
            result.unchanged += 1
            continue
        db.session.add(BudgetExecution(year=year, budget_line_id=line.id, month=month, committed=committed,
                                       spent=spent, source=source, entered_by_id=getattr(user, "id", None)))
        result.added += 1
    db.session.flush()
    return result


def read_upload(filename: str, content: bytes) -> list[dict]:
    """The rows of an uploaded XLSX in the template's columns (BadSheet when it cannot be read)."""
    return read_sheet(filename, content, TEMPLATE_COLUMNS, FIELDS, types=(".xlsx",))


def current_figures(year: int) -> dict[tuple[int, int], BudgetExecution]:
    """The latest record of each line and month."""
    latest = (select(func.max(BudgetExecution.id)).where(BudgetExecution.year == year)
              .group_by(BudgetExecution.budget_line_id, BudgetExecution.month))
    return {(e.budget_line_id, e.month): e
            for e in db.session.scalars(select(BudgetExecution).where(BudgetExecution.id.in_(latest)))}


def history(year: int, limit: int = 300) -> list[BudgetExecution]:
    return db.session.scalars(select(BudgetExecution).where(BudgetExecution.year == year)
                              .options(selectinload(BudgetExecution.budget_line),
                                       selectinload(BudgetExecution.entered_by))
                              .order_by(BudgetExecution.id.desc()).limit(limit)).all()


def year_elapsed(year: int, as_of: date) -> float:
    """The share of the year gone by the end of ``as_of``."""
    days = 366 if calendar.isleap(year) else 365
    if as_of < date(year, 1, 1):
        return 0.0
    return min((as_of - date(year, 1, 1)).days + 1, days) / days


def execution(year: int, as_of: date, programme_id: int | None = None, locale: str = "ko") -> dict:
    """Each line's committed and spent amounts as of the last month recorded up to ``as_of`` (else the
    plan's own figures), their share of the budget, and the share of the year elapsed."""
    current = current_figures(year)
    elapsed = year_elapsed(year, as_of)
    out = []
    for line in lines(year):
        if programme_id and line.programme_id != programme_id:
            continue
        months = [m for (line_id, m) in current if line_id == line.id and m <= as_of.month]
        if months:
            latest = current[(line.id, max(months))]
            committed, spent = latest.committed, latest.spent
            day = date(year, latest.month, calendar.monthrange(year, latest.month)[1])
            figures_as_of = min(day, as_of).isoformat()
        else:
            committed, spent = line.committed, line.spent
            figures_as_of = line.as_of.isoformat() if line.as_of else None
        out.append({"key": line.key, "name": line.name_en if locale == "en" else line.name_ko,
                    "budget": line.budget, "committed": committed, "spent": spent,
                    "committed_share": round(committed / line.budget, 4) if line.budget else 0.0,
                    "spent_share": round(spent / line.budget, 4) if line.budget else 0.0,
                    "as_of": figures_as_of})
    totals = {k: sum(line[k] for line in out) for k in ("budget", "committed", "spent")}
    for k in ("committed", "spent"):
        totals[f"{k}_share"] = round(totals[k] / totals["budget"], 4) if totals["budget"] else 0.0
    return {"lines": out, "totals": totals, "year_elapsed": round(elapsed, 4)}
