"""The next year's plan: copied from a year as a draft, then opened by a manager.

``ops plan new 2026 --from 2025`` copies the programmes and their targets: targets stay editable,
budget lines start empty (each year's budget is decided anew), and each target's last-year figure
is the year copied from's actual result where the platform computes that metric."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from ..core.errors import DomainError
from ..core.timeutil import seoul_today
from ..extensions import db
from .models import DRAFT, OPEN, PlanYear, Programme, Target


class PlanExists(DomainError):
    code = "plan_exists"


class NoPlan(DomainError):
    code = "no_plan"


@dataclass
class Copied:
    programmes: int
    targets: int
    actuals: int  # last-year figures taken from the platform's own results


def plan_years() -> list[int]:
    """Years that have a plan, newest first."""
    return sorted(set(db.session.scalars(select(Programme.year).distinct())), reverse=True)


def current_plan_year(today: date | None = None) -> int:
    """The year pages default to: this year (Seoul) if it has a plan, else the latest year before it that has one,
    else this year."""
    year = (today or seoul_today()).year
    earlier = [y for y in plan_years() if y <= year]
    return year if year in earlier or not earlier else earlier[0]


def year_state(year: int) -> str:
    row = db.session.get(PlanYear, year)
    return row.state if row is not None else OPEN


def _actual(metric: str, year: int) -> float | None:
    from ..kpi.registry import METRICS

    compute = METRICS.get(metric)
    if compute is None:
        return None
    value = compute(year, date(year, 12, 31))
    return None if value is None else float(value)


def copy_plan(year: int, from_year: int) -> Copied:
    """Copy ``from_year``'s programmes and targets into ``year`` as a draft; the caller commits."""
    if db.session.scalar(select(Programme.id).where(Programme.year == year).limit(1)) is not None:
        raise PlanExists()
    sources = db.session.scalars(select(Programme).where(Programme.year == from_year).order_by(Programme.id)).all()
    if not sources:
        raise NoPlan()
    shift = year - from_year
    targets = actuals = 0
    for source in sources:
        programme = Programme(year=year, key=source.key, code=source.code, name_ko=source.name_ko,
                              name_en=source.name_en, policy_ko=source.policy_ko, policy_en=source.policy_en,
                              summary_ko=source.summary_ko, summary_en=source.summary_en,
                              starts=_shifted(source.starts, shift), ends=_shifted(source.ends, shift))
        db.session.add(programme)
        db.session.flush()
        for target in source.targets:
            actual = _actual(target.metric, from_year)
            actuals += actual is not None
            db.session.add(Target(
                year=year, metric=target.metric, programme_id=programme.id, name_ko=target.name_ko,
                name_en=target.name_en, unit=target.unit, target=target.target,
                last_year=actual,  # none where the platform has no result: the manager enters it
                period_start=_shifted(target.period_start, shift), period_end=_shifted(target.period_end, shift),
                source=target.source, definition_ko=target.definition_ko, definition_en=target.definition_en))
            targets += 1
    db.session.add(PlanYear(year=year, state=DRAFT, copied_from=from_year))
    db.session.flush()
    return Copied(len(sources), targets, actuals)


def _shifted(day: date | None, years: int) -> date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)
