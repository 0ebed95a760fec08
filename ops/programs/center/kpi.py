"""The center's visits in the year's KPIs: its users (with education's attendees), foreign visitors,
their countries and the foreign institutions (groups) that came."""
from __future__ import annotations

from datetime import date

from sqlalchemy import distinct, func, select

from ...extensions import db
from ...kpi.registry import metric, metric_part
from .models import CONFIRMED, FOREIGN, CenterVisit, CenterVisitCount


def _came(year: int, as_of: date):
    return (CenterVisit.status == CONFIRMED, CenterVisit.day >= date(year, 1, 1),
            CenterVisit.day <= min(as_of, date(year, 12, 31)))


@metric_part("smart_city_center.users", "visits")
def visitors(year: int, as_of: date) -> float:
    """Everyone who came with a group."""
    return float(db.session.scalar(select(func.coalesce(func.sum(CenterVisitCount.count), 0))
                                   .join(CenterVisit).where(*_came(year, as_of))) or 0)


@metric("smart_city_center.foreign_visitors")
def foreign_visitors(year: int, as_of: date) -> float:
    """Visitors from countries other than Korea."""
    return float(db.session.scalar(select(func.coalesce(func.sum(CenterVisitCount.count), 0)).join(CenterVisit)
                                   .where(*_came(year, as_of), CenterVisitCount.country != "KR")) or 0)


@metric("smart_city_center.countries")
def countries(year: int, as_of: date) -> float:
    """Countries other than Korea that visitors came from."""
    return float(db.session.scalar(select(func.count(distinct(CenterVisitCount.country))).join(CenterVisit)
                                   .where(*_came(year, as_of), CenterVisitCount.country != "KR",
                                          CenterVisitCount.count > 0)) or 0)


@metric("smart_city_center.foreign_institutions")
def foreign_institutions(year: int, as_of: date) -> float:
    """Groups from abroad that came (by name)."""
    came = select(CenterVisitCount.visit_id).where(CenterVisitCount.count > 0)
    return float(db.session.scalar(select(func.count(distinct(CenterVisit.group_name)))
                                   .where(*_came(year, as_of), CenterVisit.origin == FOREIGN,
                                          CenterVisit.id.in_(came))) or 0)
