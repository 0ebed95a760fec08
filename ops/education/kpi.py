"""The education metrics of the 2025 plan, computed from enrolments and attendance as of a date."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import distinct, func, select

from ..core.timeutil import SEOUL, seoul_to_utc
from ..extensions import db
from ..kpi.registry import metric, metric_part, served_people
from ..people.models import Person
from .models import COLLABORATION, DATA_ADMIN, PROMPT, SMART_CITY_CENTER, Course, CourseSession
from .reports import attendees, completed_enrolments


def _end_of(as_of: date) -> datetime:
    """The end of that day in Seoul, as naive UTC."""
    return seoul_to_utc(datetime.combine(as_of + timedelta(days=1), datetime.min.time()).replace(tzinfo=SEOUL))


def _distinct_people(stmt) -> int:
    sub = stmt.subquery()
    return db.session.scalar(select(func.count(distinct(sub.c.person_id)))) or 0


@metric("education.prompt_trainees")
def prompt_trainees(year: int, as_of: date) -> float:
    """People who completed a prompt-engineering course (by its completion rule)."""
    return _distinct_people(completed_enrolments(year, kinds=(PROMPT,), before=_end_of(as_of)))


def _sessions_held(year: int, kind: str, as_of: date) -> float:
    return float(db.session.scalar(select(func.count(CourseSession.id)).join(Course, Course.id == CourseSession.course_id)
                                   .where(Course.year == year, Course.kind == kind,
                                          CourseSession.ends_at < _end_of(as_of))) or 0)


@metric("education.prompt_sessions")
def prompt_sessions(year: int, as_of: date) -> float:
    """Prompt-engineering sessions that have ended."""
    return _sessions_held(year, PROMPT, as_of)


@metric("education.data_admin_sessions")
def data_admin_sessions(year: int, as_of: date) -> float:
    """Tailored data-administration sessions that have ended."""
    return _sessions_held(year, DATA_ADMIN, as_of)


@metric("education.data_admin_trainees")
def data_admin_trainees(year: int, as_of: date) -> float:
    """People who completed a tailored data-administration course (by its completion rule)."""
    return _distinct_people(completed_enrolments(year, kinds=(DATA_ADMIN,), before=_end_of(as_of)))


@metric("education.institutions_trained")
def institutions_trained(year: int, as_of: date) -> float:
    """Institutions whose tailored data-administration course was delivered (its last session over)."""
    delivered = (select(Course.institution_id).join(CourseSession, CourseSession.course_id == Course.id)
                 .where(Course.year == year, Course.kind == DATA_ADMIN, Course.institution_id.is_not(None))
                 .group_by(Course.id, Course.institution_id)
                 .having(func.max(CourseSession.ends_at) < _end_of(as_of)).subquery())
    return db.session.scalar(select(func.count(distinct(delivered.c.institution_id)))) or 0


@metric("education.collaboration_trainees")
def collaboration_trainees(year: int, as_of: date) -> float:
    """People who took part (came to at least one session) in the public–private collaboration course."""
    return _distinct_people(attendees(year, kinds=(COLLABORATION,), before=_end_of(as_of)))


@metric_part("smart_city_center.users", "education")
def smart_city_center_learners(year: int, as_of: date) -> float:
    """Education's share of Smart City Center users: people who came to its AI courses and lectures."""
    return _distinct_people(attendees(year, kinds=(SMART_CITY_CENTER,), before=_end_of(as_of)))


@served_people("education")
def education_people(year: int):
    """Everyone who came to at least one session of the year's courses."""
    sub = attendees(year).subquery()
    return select(Person.id).where(Person.id.in_(select(sub.c.person_id)))
