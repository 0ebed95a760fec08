"""The bus's answers to the year's KPIs (plan keys bus.*)."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ...extensions import db
from ...kpi.registry import district_figure, metric, served_people
from ...people.models import Person
from .models import (APPROVED, SENIOR_BANDS, BusAttendanceCount, BusParticipant, BusSurveyAnswer, BusVisit,
                     HostInstitution)


def _runs(year: int, as_of: date):
    """Approved visits of ``year`` that took place on or before ``as_of``."""
    return (BusVisit.status == APPROVED, BusVisit.day >= date(year, 1, 1),
            BusVisit.day <= min(as_of, date(year, 12, 31)))


def users(year: int, as_of: date, bands=None) -> int:
    counted = select(func.coalesce(func.sum(BusAttendanceCount.count), 0)).join(
        BusVisit, BusVisit.id == BusAttendanceCount.visit_id).where(*_runs(year, as_of))
    named = select(func.count(BusParticipant.id)).join(
        BusVisit, BusVisit.id == BusParticipant.visit_id).where(*_runs(year, as_of))
    if bands is not None:
        counted = counted.where(BusAttendanceCount.age_band.in_(bands))
        named = named.where(BusParticipant.age_band.in_(bands))
    return int(db.session.scalar(counted) or 0) + int(db.session.scalar(named) or 0)


@metric("bus.users")
def bus_users(year: int, as_of: date) -> float:
    return float(users(year, as_of))


@metric("bus.users_60plus")
def bus_users_60plus(year: int, as_of: date) -> float:
    return float(users(year, as_of, SENIOR_BANDS))


@metric("bus.satisfaction")
def bus_satisfaction(year: int, as_of: date) -> float | None:
    """Mean of the 1–5 answers; None while nobody has answered."""
    mean = db.session.scalar(select(func.avg(BusSurveyAnswer.score)).join(
        BusVisit, BusVisit.id == BusSurveyAnswer.visit_id).where(*_runs(year, as_of)))
    return round(float(mean), 2) if mean is not None else None


@metric("bus.runs")
def bus_runs(year: int, as_of: date) -> float:
    """Approved visits that took place."""
    return float(db.session.scalar(select(func.count(BusVisit.id)).where(*_runs(year, as_of))) or 0)


@metric("bus.institutions")
def bus_institutions(year: int, as_of: date) -> float:
    """Distinct host institutions where the bus ran."""
    return float(db.session.scalar(select(func.count(func.distinct(BusVisit.institution_id)))
                                   .where(*_runs(year, as_of))) or 0)


@served_people("bus")
def bus_people(year: int):
    """The named participants of the intergenerational pilot (everyone else is only counted)."""
    return (select(Person.id).join(BusParticipant, BusParticipant.person_id == Person.id)
            .join(BusVisit, BusVisit.id == BusParticipant.visit_id)
            .where(*_runs(year, date(year, 12, 31))).distinct())


@district_figure("bus.users", _l("Bus users"))
def bus_users_by_district(year: int) -> dict[str, float]:
    runs = _runs(year, date(year, 12, 31))
    out: dict[str, float] = {}
    counted = db.session.execute(
        select(HostInstitution.district, func.sum(BusAttendanceCount.count))
        .join(BusVisit, BusVisit.institution_id == HostInstitution.id)
        .join(BusAttendanceCount, BusAttendanceCount.visit_id == BusVisit.id)
        .where(*runs).group_by(HostInstitution.district))
    named = db.session.execute(
        select(HostInstitution.district, func.count(BusParticipant.id))
        .join(BusVisit, BusVisit.institution_id == HostInstitution.id)
        .join(BusParticipant, BusParticipant.visit_id == BusVisit.id)
        .where(*runs).group_by(HostInstitution.district))
    for district, value in [*counted, *named]:
        out[district] = out.get(district, 0.0) + float(value or 0)
    return out
