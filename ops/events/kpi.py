"""The plan's SLW metrics and the people events served, from check-ins."""
from __future__ import annotations

from datetime import date

from sqlalchemy import distinct, func, select

from ..extensions import db
from ..kpi.registry import metric, served_people
from ..passes.models import CheckIn
from .models import Event, Registration

CHECKIN_KIND = "ticket"


def _checked_in(year: int, as_of: date | None = None, programme: str | None = None):
    """Registrations with a live check-in at the year's events (up to as_of)."""
    conditions = [CheckIn.kind == CHECKIN_KIND, CheckIn.undone_at.is_(None),
                  Event.first_day >= date(year, 1, 1), Event.first_day <= date(year, 12, 31)]
    if as_of is not None:
        conditions.append(CheckIn.occasion <= as_of.isoformat())
    if programme is not None:
        conditions.append(Event.programme == programme)
    return (select(Registration.id).join(CheckIn, CheckIn.subject_id == Registration.id)
            .join(Event, Event.id == Registration.event_id).where(*conditions))


@metric("slw.visitors")
def slw_visitors(year: int, as_of: date) -> float:
    """Distinct SLW ticket holders checked in at least once (each person counted once)."""
    stmt = _checked_in(year, as_of, "slw").with_only_columns(func.count(distinct(Registration.id)))
    return float(db.session.scalar(stmt) or 0)


@metric("slw.countries")
def slw_countries(year: int, as_of: date) -> float:
    stmt = _checked_in(year, as_of, "slw").with_only_columns(func.count(distinct(Registration.country)))
    return float(db.session.scalar(stmt) or 0)


@served_people("events")
def events_people(year: int):
    return _checked_in(year).with_only_columns(Registration.person_id).distinct()
