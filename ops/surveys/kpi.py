"""Satisfaction as KPI metrics of its own (plan keys slw.satisfaction, education.satisfaction)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select

from ..core.timeutil import seoul_to_utc
from ..extensions import db
from ..kpi.registry import metric
from .models import COURSE, EVENT, SurveyAnswer, SurveyInvite


def _mean(kind: str, scope_ids, as_of: date) -> float | None:
    until = seoul_to_utc(datetime.combine(as_of + timedelta(days=1), time()))
    value = db.session.scalar(
        select(func.avg(SurveyAnswer.score)).join(SurveyInvite, SurveyInvite.id == SurveyAnswer.invite_id)
        .where(SurveyInvite.subject_kind == kind, SurveyInvite.scope_id.in_(scope_ids),
               SurveyAnswer.answered_at < until))
    return round(float(value), 2) if value is not None else None


@metric("slw.satisfaction")
def slw_satisfaction(year: int, as_of: date) -> float | None:
    """Mean 0–10 answer of SLW visitors that year (SLW 2024: 8.4)."""
    from ..events.models import Event

    events = select(Event.id).where(Event.programme == "slw", Event.first_day >= date(year, 1, 1),
                                    Event.first_day <= date(year, 12, 31))
    return _mean(EVENT, events, as_of)


@metric("education.satisfaction")
def education_satisfaction(year: int, as_of: date) -> float | None:
    """Mean 1–5 answer of learners after the year's courses."""
    from ..education.models import Course

    return _mean(COURSE, select(Course.id).where(Course.year == year), as_of)
