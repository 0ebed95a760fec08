"""Counts per course, institution and month, and their XLSX export; the KPI metrics build on the same queries."""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import and_, exists, func, select

from ..core.timeutil import to_seoul
from ..extensions import db
from ..passes.models import CheckIn
from .models import CANCELLED, CONFIRMED, WAITLISTED, Course, CourseSession, Enrolment, Institution
from .services import ATTENDANCE


def _attendance_of_enrolment(before: datetime | None):
    """Join condition: live attendance check-ins of the enrolment (via the check-in unique index)."""
    condition = and_(CheckIn.kind == ATTENDANCE, CheckIn.subject_id == Enrolment.id,
                     CheckIn.scope_id == Enrolment.course_id, CheckIn.undone_at.is_(None))
    return and_(condition, CheckIn.at < before) if before is not None else condition


def sessions_subquery():
    return (select(CourseSession.course_id.label("course_id"), func.count(CourseSession.id).label("sessions"))
            .group_by(CourseSession.course_id).subquery())


def completed_enrolments(year: int, *, kinds: tuple[str, ...] | None = None, before: datetime | None = None):
    """A select of (enrolment id, person, course, institution) that meet their course's rule."""
    sessions = sessions_subquery()
    stmt = (select(Enrolment.id, Enrolment.person_id, Enrolment.course_id, Enrolment.institution_id)
            .join(Course, Course.id == Enrolment.course_id)
            .join(sessions, sessions.c.course_id == Enrolment.course_id)
            .join(CheckIn, _attendance_of_enrolment(before))
            .where(Course.year == year, Enrolment.status == CONFIRMED)
            .group_by(Enrolment.id, Enrolment.person_id, Enrolment.course_id, Enrolment.institution_id,
                      Course.completion_percent, sessions.c.sessions)
            .having(func.count(func.distinct(CheckIn.occasion)) * 100 >= Course.completion_percent * sessions.c.sessions))
    if kinds:
        stmt = stmt.where(Course.kind.in_(kinds))
    return stmt


def attendees(year: int, *, kinds: tuple[str, ...] | None = None, before: datetime | None = None):
    """A select of (enrolment id, person, course, institution) who came to at least one session."""
    stmt = (select(Enrolment.id, Enrolment.person_id, Enrolment.course_id, Enrolment.institution_id)
            .join(Course, Course.id == Enrolment.course_id)
            .where(Course.year == year, exists().where(_attendance_of_enrolment(before))))
    if kinds:
        stmt = stmt.where(Course.kind.in_(kinds))
    return stmt


def _count_by(stmt, column: str) -> dict:
    sub = stmt.subquery()
    return dict(db.session.execute(select(sub.c[column], func.count()).group_by(sub.c[column])).all())


def course_counts(year: int) -> list[dict]:
    """Per course: places, confirmed, waiting, cancelled, attendees, completed and sessions."""
    by_status: dict[int, dict] = defaultdict(dict)
    for course_id, status, count in db.session.execute(
            select(Enrolment.course_id, Enrolment.status, func.count()).join(Course)
            .where(Course.year == year).group_by(Enrolment.course_id, Enrolment.status)):
        by_status[course_id][status] = count
    came = _count_by(attendees(year), "course_id")
    completed = _count_by(completed_enrolments(year), "course_id")
    sessions = dict(db.session.execute(select(CourseSession.course_id, func.count()).join(Course)
                                       .where(Course.year == year).group_by(CourseSession.course_id)).all())
    rows = []
    for course in db.session.scalars(select(Course).where(Course.year == year).order_by(Course.kind, Course.id)):
        status = by_status.get(course.id, {})
        rows.append({"course": course, "capacity": course.capacity, "confirmed": status.get(CONFIRMED, 0),
                     "waitlisted": status.get(WAITLISTED, 0), "cancelled": status.get(CANCELLED, 0),
                     "attended": came.get(course.id, 0), "completed": completed.get(course.id, 0),
                     "sessions": sessions.get(course.id, 0)})
    return rows


def institution_counts(year: int) -> list[dict]:
    """Per institution: courses of its own, people enrolled (confirmed), attendees and completed."""
    own = dict(db.session.execute(select(Course.institution_id, func.count()).where(
        Course.year == year, Course.institution_id.is_not(None)).group_by(Course.institution_id)).all())
    enrolled = dict(db.session.execute(select(Enrolment.institution_id, func.count()).join(Course).where(
        Course.year == year, Enrolment.status == CONFIRMED, Enrolment.institution_id.is_not(None))
        .group_by(Enrolment.institution_id)).all())
    came = _count_by(attendees(year), "institution_id")
    completed = _count_by(completed_enrolments(year), "institution_id")
    rows = []
    for institution in db.session.scalars(select(Institution).order_by(Institution.name)):
        row = {"institution": institution, "courses": own.get(institution.id, 0),
               "confirmed": enrolled.get(institution.id, 0), "attended": came.get(institution.id, 0),
               "completed": completed.get(institution.id, 0)}
        if any(row[k] for k in ("courses", "confirmed", "attended")):
            rows.append(row)
    return rows


def month_counts(year: int) -> list[dict]:
    """Per month (Seoul time): sessions held, attendances and new enrolments."""
    months: dict[int, dict] = {m: {"month": m, "sessions": 0, "attendances": 0, "enrolments": 0} for m in range(1, 13)}
    course_ids = select(Course.id).where(Course.year == year)
    # Timestamps are UTC and months are Seoul's: bucket in Python over narrow columns.
    for (starts_at,) in db.session.execute(select(CourseSession.starts_at).where(
            CourseSession.course_id.in_(course_ids))):
        _bump(months, starts_at, year, "sessions")
    for (at,) in db.session.execute(select(CheckIn.at).where(
            CheckIn.kind == ATTENDANCE, CheckIn.undone_at.is_(None), CheckIn.scope_id.in_(course_ids))):
        _bump(months, at, year, "attendances")
    for (created_at,) in db.session.execute(select(Enrolment.created_at).where(
            Enrolment.course_id.in_(course_ids), Enrolment.status != CANCELLED)):
        _bump(months, created_at, year, "enrolments")
    return [months[m] for m in range(1, 13)]


def _bump(months: dict, moment: datetime, year: int, key: str) -> None:
    local = to_seoul(moment)
    if local.year == year:
        months[local.month][key] += 1


def export_xlsx(year: int, locale: str = "ko") -> bytes:
    """The three tables as one workbook (no personal data in it)."""
    from flask_babel import gettext as _

    from ..core.export import Sheet, workbook

    courses = [[row["course"].title(locale), row["course"].kind, row["capacity"], row["sessions"], row["confirmed"],
                row["waitlisted"], row["cancelled"], row["attended"], row["completed"]] for row in course_counts(year)]
    return workbook([
        Sheet(_("Courses"), [_("Course"), _("Kind"), _("Places"), _("Sessions"), _("Confirmed"), _("Waiting"),
                             _("Cancelled"), _("Attended"), _("Completed")], courses, first_width=40, freeze=False),
        Sheet(_("Institutions"), [_("Institution"), _("Own courses"), _("Confirmed"), _("Attended"), _("Completed")],
              [[row["institution"].name, row["courses"], row["confirmed"], row["attended"], row["completed"]]
               for row in institution_counts(year)], first_width=40, freeze=False),
        Sheet(_("Months"), [_("Month"), _("Sessions"), _("Attendances"), _("New enrolments")],
              [[f"{year}-{row['month']:02d}", row["sessions"], row["attendances"], row["enrolments"]]
               for row in month_counts(year)], first_width=40, freeze=False),
    ])
