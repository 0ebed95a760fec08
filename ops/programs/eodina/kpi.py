"""The programme's figures for the year's KPI targets (cheap aggregate queries)."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, or_, select

from ...extensions import db
from ...kpi.registry import district_figure, metric, served_people
from ...people.districts import DISTRICTS
from .models import Center, Instructor, Learner, OnlineContent, OnlineView


def _year_window(year: int, as_of: date) -> tuple[datetime, datetime]:
    """The year up to as_of in Seoul days, as naive UTC bounds (how timestamps are stored)."""
    end = min(as_of, date(year, 12, 31)) + timedelta(days=1)
    return datetime(year, 1, 1) - timedelta(hours=9), datetime.combine(end, time()) - timedelta(hours=9)


@metric("eodina.instructors_selected")
def instructors_selected(year: int, as_of: date) -> float:
    """Instructors selected in the year up to as_of (whatever happened to them afterwards)."""
    end = min(as_of, date(year, 12, 31))
    return float(db.session.scalar(select(func.count(Instructor.id)).where(
        Instructor.selected_on >= date(year, 1, 1), Instructor.selected_on <= end)) or 0)


@metric("eodina.learners_taught")
def learners_taught(year: int, as_of: date) -> float:
    """Distinct learners whose first attended 1:1 lesson fell in the year up to as_of."""
    start, end = _year_window(year, as_of)
    return float(db.session.scalar(select(func.count(Learner.id)).where(
        Learner.taught_at >= start, Learner.taught_at < end)) or 0)


def _centers_by_district(as_of: date) -> dict[str, int]:
    rows = db.session.execute(select(Center.district, func.count(Center.id))
                              .where(Center.active.is_(True), or_(Center.opened_on.is_(None),
                                                                  Center.opened_on <= as_of))
                              .group_by(Center.district)).all()
    counts = dict(rows)
    return {d.code: counts.get(d.code, 0) for d in DISTRICTS}


@metric("eodina.centers_per_district")
def centers_per_district(year: int, as_of: date) -> float:
    """The smallest number of open centers in any of the 25 districts (the target is met at 2)."""
    return float(min(_centers_by_district(as_of).values()))


@metric("eodina.online_content")
def online_content(year: int, as_of: date) -> float:
    """Online lessons made or renewed in the year up to as_of."""
    end = min(as_of, date(year, 12, 31))
    return float(db.session.scalar(select(func.count(OnlineContent.id)).where(
        OnlineContent.produced_on >= date(year, 1, 1), OnlineContent.produced_on <= end)) or 0)


@metric("eodina.online_learners")
def online_learners(year: int, as_of: date) -> float:
    """Distinct anonymous visitors who finished at least one online lesson in the year.

    Online lessons need no sign-up, so a visitor is an anonymous first-party cookie id
    (random, no personal data, kept a year; see views.visitor_id). Counting finishes rather
    than openings keeps stray taps, link previews and crawlers out of the figure; one person
    on two devices counts twice and cleared cookies count again, which we accept and say so.
    """
    start, end = _year_window(year, as_of)
    return float(db.session.scalar(select(func.count(distinct(OnlineView.visitor))).where(
        OnlineView.completed_at >= start, OnlineView.completed_at < end)) or 0)


@metric("eodina.beneficiaries")
def beneficiaries(year: int, as_of: date) -> float:
    """Everyone the programme taught: learners taught 1:1 plus online learners (how 2024's 20,343 was counted)."""
    return learners_taught(year, as_of) + online_learners(year, as_of)


@served_people("eodina")
def eodina_people(year: int):
    """Learners taught at least once in the year."""
    start, end = _year_window(year, date(year, 12, 31))
    return select(Learner.person_id).where(Learner.taught_at >= start, Learner.taught_at < end)


@district_figure("eodina.centers", _l("Smart clinic centers"))
def centers_figure(year: int) -> dict[str, float]:
    return {k: float(v) for k, v in _centers_by_district(date(year, 12, 31)).items()}


@district_figure("eodina.learners", _l("Learners taught 1:1"))
def learners_figure(year: int) -> dict[str, float]:
    start, end = _year_window(year, date(year, 12, 31))
    rows = db.session.execute(select(Learner.district, func.count(Learner.id))
                              .where(Learner.taught_at >= start, Learner.taught_at < end)
                              .group_by(Learner.district)).all()
    return {district: float(count) for district, count in rows}
