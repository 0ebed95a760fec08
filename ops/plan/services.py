"""Managers' changes to a year's plan: target values, budget lines, and opening the year.

The plan's structure (its programmes and which targets each has) comes from the plan file or from
``ops plan new``; here a manager sets the numbers and the budget lines. Every change writes a
``PlanChange`` row (who, what, the value before and after, when) in the same transaction.

A draft year is edited freely. Opening it (draft → open) is once and for all. In an open year the
target values and budget lines can still change — the city revises targets and budgets during the
year — but each change needs a reason, which the trail keeps. A budget line of an open year, or one
with execution figures recorded, is never removed (the figures hang on it), only set to 0.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core.errors import InvalidInput
from ..core.timeutil import utcnow
from ..extensions import db
from .models import DRAFT, OPEN, BudgetLine, PlanChange, PlanYear, Programme, Target

MAX_TARGET = 1_000_000_000  # no target of the plan comes near (the largest is in the tens of thousands)
MAX_BUDGET = 1_000_000_000  # thousand KRW (a trillion won): far above any line of the foundation's budget
MAX_NAME = 200


class InvalidPlanChange(InvalidInput):
    """A change to a year's plan that is refused; nothing is changed."""

    code = "invalid_plan_change"


NOT_A_NUMBER = _l("Please enter a number, such as 1200 or 1,200.")
NEGATIVE = _l("The number cannot be negative.")
TOO_LARGE = _l("This number is too large. Please check it.")
NOT_WHOLE = _l("Please enter a whole number of thousand KRW.")
REASON_NEEDED = _l("The year is open: please say why this is changed.")
NAME_NEEDED = _l("Please enter the name.")
NAME_TOO_LONG = _l("The name is too long (200 characters at most).")
REASON_TOO_LONG = _l("Please keep the reason under 300 characters.")


@dataclass
class YearPlan:
    """What the managers' page shows of a year."""

    year: int
    state: str
    copied_from: int | None
    programmes: list[Programme]
    budget: list[BudgetLine]
    changes: list[PlanChange]


def plan_year_row(year: int) -> PlanYear | None:
    return db.session.get(PlanYear, year)


def year_plan(year: int, *, changes: int = 200) -> YearPlan | None:
    """The year's programmes with their targets, its budget lines, and its latest changes (newest first);
    None when the year has no plan."""
    programmes = db.session.scalars(select(Programme).where(Programme.year == year)
                                    .options(selectinload(Programme.targets))
                                    .order_by(Programme.code, Programme.id)).all()
    if not programmes:
        return None
    row = plan_year_row(year)
    budget = db.session.scalars(select(BudgetLine).where(BudgetLine.year == year).order_by(BudgetLine.id)).all()
    trail = db.session.scalars(select(PlanChange).where(PlanChange.year == year)
                               .options(selectinload(PlanChange.changed_by))
                               .order_by(PlanChange.id.desc()).limit(changes)).all()
    return YearPlan(year, row.state if row else OPEN, row.copied_from if row else None, programmes, budget, trail)


def get_target(year: int, target_id: int) -> Target | None:
    target = db.session.get(Target, target_id)
    return target if target is not None and target.year == year else None


def get_line(year: int, line_id: int) -> BudgetLine | None:
    line = db.session.get(BudgetLine, line_id)
    return line if line is not None and line.year == year else None


def is_open(year: int) -> bool:
    row = plan_year_row(year)
    return row is None or row.state == OPEN


# --- Parsing a manager's numbers ------------------------------------------------------------

def parse_number(text, field: str, *, whole: bool = False, limit: float = MAX_TARGET,
                 required: bool = True) -> float | int | None:
    """A number as a manager types it ("1,200", " 35.5 "); raises ``InvalidPlanChange`` by ``field``.

    Empty is None when not ``required``. Negative, not finite, over ``limit`` or (``whole``) with a
    fraction is refused."""
    if text is None or str(text).strip() == "":
        if required:
            raise InvalidPlanChange({field: NOT_A_NUMBER})
        return None
    try:
        value = Decimal(str(text).replace(",", "").strip())
    except InvalidOperation:
        raise InvalidPlanChange({field: NOT_A_NUMBER}) from None
    if not value.is_finite():
        raise InvalidPlanChange({field: NOT_A_NUMBER})
    if value < 0:
        raise InvalidPlanChange({field: NEGATIVE})
    if value > limit:
        raise InvalidPlanChange({field: TOO_LARGE})
    if whole:
        if value != value.to_integral_value():
            raise InvalidPlanChange({field: NOT_WHOLE})
        return int(value)
    number = float(value)
    return int(number) if number.is_integer() else number


def number_text(value) -> str:
    """A figure as a form shows it: 1200, 35.5, or empty for none."""
    return "" if value is None else _text(value)


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        value = int(value)
    return str(value)


def _reason(year: int, reason: str | None) -> str | None:
    reason = (reason or "").strip() or None
    if reason is None and is_open(year):
        raise InvalidPlanChange({"reason": REASON_NEEDED})
    if reason is not None and len(reason) > 300:
        raise InvalidPlanChange({"reason": REASON_TOO_LONG})
    return reason


def _name(value: str | None, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidPlanChange({field: NAME_NEEDED})
    if len(value) > MAX_NAME:
        raise InvalidPlanChange({field: NAME_TOO_LONG})
    return value


def _audit(year: int, kind: str, item: str, item_name: str, field: str, old, new, reason, user,
           now: datetime | None) -> PlanChange:
    change = PlanChange(year=year, kind=kind, item=item, item_name=item_name[:200], field=field,
                        old_value=_text(old), new_value=_text(new), reason=reason,
                        changed_by_id=getattr(user, "id", None), changed_at=now or utcnow())
    db.session.add(change)
    return change


# --- Targets ----------------------------------------------------------------------------

def edit_target(target: Target, *, target_value, last_year=None, reason: str | None = None, user=None,
                now: datetime | None = None) -> list[PlanChange]:
    """Set a target's value and last-year figure (text or numbers; empty: none, a metric only watched);
    audited field by field.

    The row is locked first, so two managers saving at once each see the value the other left.
    Returns the changes written (none when both values are as they were). The caller commits."""
    value = parse_number(target_value, "target_value", required=False)
    before = parse_number(last_year, "last_year", required=False)
    reason = _reason(target.year, reason)
    target = db.session.scalars(select(Target).where(Target.id == target.id).with_for_update()
                                .execution_options(populate_existing=True)).one()
    changes = []
    for field, attr, new in (("target", "target", value), ("last_year", "last_year", before)):
        old = getattr(target, attr)
        if old == new or (old is not None and new is not None and float(old) == float(new)):
            continue
        setattr(target, attr, new)
        changes.append(_audit(target.year, "target", target.metric, target.name_ko, field, old, new, reason, user,
                              now))
    db.session.flush()
    return changes


# --- Budget lines -----------------------------------------------------------------------

def _line_key(year: int, programme: Programme | None) -> str:
    """A new line's key, which is also its project code in the budget execution upload: the programme's
    key when the year has no line of that key yet (as in the plan file), else the key with -2, -3…;
    a line of no programme is line-1, line-2…"""
    keys = set(db.session.scalars(select(BudgetLine.key).where(BudgetLine.year == year)))
    base = programme.key[:36] if programme is not None else "line"
    if programme is not None and base not in keys:
        return base
    n = 1 if programme is None else 2
    while f"{base}-{n}" in keys:
        n += 1
    return f"{base}-{n}"


def add_line(year: int, *, name_ko: str, name_en: str | None, budget, programme_id: int | None = None,
             reason: str | None = None, user=None, now: datetime | None = None) -> BudgetLine:
    """A new budget line of ``year`` (amount in thousand KRW); the caller commits."""
    if db.session.scalar(select(func.count(Programme.id)).where(Programme.year == year)) == 0:
        raise InvalidPlanChange({"name_ko": _l("This year has no plan.")})
    name_ko = _name(name_ko, "name_ko")
    name_en = _name(name_en, "name_en") if (name_en or "").strip() else name_ko
    amount = parse_number(budget, "budget", whole=True, limit=MAX_BUDGET)
    programme = _programme(year, programme_id)
    reason = _reason(year, reason)
    # Keys are per year and unique: two managers adding at once take turns on the year's first programme row
    # (every year with a plan has one; a year loaded from the plan file has no PlanYear row to lock).
    db.session.scalars(select(Programme.id).where(Programme.year == year).order_by(Programme.id).limit(1)
                       .with_for_update()).first()
    line = BudgetLine(year=year, key=_line_key(year, programme), programme_id=programme.id if programme else None,
                      name_ko=name_ko, name_en=name_en, budget=amount, committed=0, spent=0)
    db.session.add(line)
    db.session.flush()
    _audit(year, "budget_line", line.key, name_ko, "added", None, amount, reason, user, now)
    db.session.flush()
    return line


def _programme(year: int, programme_id) -> Programme | None:
    if programme_id in (None, "", 0):
        return None
    programme = db.session.get(Programme, int(programme_id))
    if programme is None or programme.year != year:
        raise InvalidPlanChange({"programme": _l("Please choose a programme of this year.")})
    return programme


def edit_line(line: BudgetLine, *, name_ko: str, name_en: str | None, budget, reason: str | None = None,
              user=None, now: datetime | None = None) -> list[PlanChange]:
    """Change a budget line's names and amount; audited field by field; the caller commits."""
    name_ko = _name(name_ko, "name_ko")
    name_en = _name(name_en, "name_en") if (name_en or "").strip() else name_ko
    amount = parse_number(budget, "budget", whole=True, limit=MAX_BUDGET)
    reason = _reason(line.year, reason)
    line = db.session.scalars(select(BudgetLine).where(BudgetLine.id == line.id).with_for_update()
                              .execution_options(populate_existing=True)).one()
    changes = []
    for field, new in (("name_ko", name_ko), ("name_en", name_en), ("budget", amount)):
        old = getattr(line, field)
        if old == new:
            continue
        setattr(line, field, new)
        changes.append(_audit(line.year, "budget_line", line.key, name_ko, field, old, new, reason, user, now))
    db.session.flush()
    return changes


def remove_line(line: BudgetLine, *, reason: str | None = None, user=None, now: datetime | None = None) -> None:
    """Remove a draft year's budget line that has no execution figures; other lines stay (set the amount
    to 0 instead), so no recorded figure is lost."""
    if is_open(line.year):
        raise InvalidPlanChange({"reason": _l("The year is open: a budget line cannot be removed. "
                                             "Set its amount to 0 and say why.")})
    reason = _reason(line.year, reason)
    from ..kpi.models import BudgetExecution  # the kernel above: read only, to keep its figures from a cascade

    if db.session.scalar(select(BudgetExecution.id).where(BudgetExecution.budget_line_id == line.id).limit(1)):
        raise InvalidPlanChange({"reason": _l("Execution figures are recorded for this line: it is not removed. "
                                             "Set its amount to 0 and say why.")})
    _audit(line.year, "budget_line", line.key, line.name_ko, "removed", line.budget, None, reason, user, now)
    db.session.delete(line)
    db.session.flush()


# --- Opening the year -------------------------------------------------------------------

def open_year(year: int, *, user=None, now: datetime | None = None) -> PlanYear:
    """Open a draft year (once): it is then the plan the pages count against; the caller commits.

    Refused when the year is not a draft or has no budget line yet. (A target may stay without a value:
    the plan has metrics it only watches.)"""
    row = db.session.scalars(select(PlanYear).where(PlanYear.year == year).with_for_update()).first()
    if row is None or row.state != DRAFT:
        raise InvalidPlanChange({"": _l("Only a draft year can be opened; this year is open already.")})
    if db.session.scalar(select(func.count(BudgetLine.id)).where(BudgetLine.year == year)) == 0:
        raise InvalidPlanChange({"": _l("Enter the year's budget lines first.")})
    when = now or utcnow()
    row.state, row.opened_at = OPEN, when
    _audit(year, "year", str(year), str(year), "state", DRAFT, OPEN, None, user, when)
    db.session.flush()
    return row
