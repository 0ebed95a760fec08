"""Reports: per instructor per month (for activity allowances) and per district and center."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, distinct, func, select

from ...extensions import db
from ...people.districts import DISTRICTS
from .models import Center, Instructor, LessonFeedback, LessonLog, Learner, Match


@dataclass
class InstructorMonth:
    instructor: Instructor
    lessons: int
    minutes: int
    learners: int
    no_shows: int
    rating: float | None = None  # average learner feedback (1–5) of the month's lessons

    @property
    def hours(self) -> float:
        return round(self.minutes / 60, 1)


def month_bounds(month: str) -> tuple[date, date]:
    """'2025-05' → (2025-05-01, 2025-06-01); ValueError for anything else."""
    year, mon = (int(p) for p in month.split("-"))
    start = date(year, mon, 1)
    return start, (start + timedelta(days=32)).replace(day=1)


def instructor_month(month: str) -> list[InstructorMonth]:
    """Attended lessons, hours and distinct learners of each instructor in the month."""
    start, end = month_bounds(month)
    rows = db.session.execute(
        select(LessonLog.instructor_id,
               func.sum(case((LessonLog.attended.is_(True), 1), else_=0)),
               func.sum(case((LessonLog.attended.is_(True), LessonLog.minutes), else_=0)),
               func.count(distinct(case((LessonLog.attended.is_(True), LessonLog.learner_id)))),
               func.sum(case((LessonLog.attended.is_(False), 1), else_=0)))
        .where(LessonLog.lesson_date >= start, LessonLog.lesson_date < end)
        .group_by(LessonLog.instructor_id)).all()
    figures = {r[0]: r[1:] for r in rows}
    ratings = dict(db.session.execute(
        select(LessonLog.instructor_id, func.avg(LessonFeedback.rating))
        .join(LessonFeedback, LessonFeedback.lesson_id == LessonLog.id)
        .where(LessonLog.lesson_date >= start, LessonLog.lesson_date < end)
        .group_by(LessonLog.instructor_id)).all())
    instructors = db.session.scalars(select(Instructor).where(Instructor.id.in_(list(figures)))).all()
    out = [InstructorMonth(i, int(figures[i.id][0] or 0), int(figures[i.id][1] or 0), int(figures[i.id][2] or 0),
                           int(figures[i.id][3] or 0),
                           round(float(ratings[i.id]), 1) if ratings.get(i.id) is not None else None)
           for i in instructors]
    return sorted(out, key=lambda r: r.instructor.person.name)


@dataclass
class Progress:
    key: str  # district code or center id
    label: str
    waiting: int = 0
    matched: int = 0
    taught: int = 0
    completed: int = 0


def _learner_states():
    """(learner district, center: matched one or else preferred, state) for every learner, in one query."""
    live = select(Match.learner_id, Match.center_id).where(Match.ended_at.is_(None)).subquery()
    latest = select(func.max(Match.id).label("id")).group_by(Match.learner_id).subquery()
    last = select(Match.learner_id, Match.center_id).join(latest, latest.c.id == Match.id).subquery()
    return db.session.execute(
        select(Learner.district, func.coalesce(live.c.center_id, last.c.center_id, Learner.preferred_center_id),
               live.c.learner_id.is_not(None), Learner.taught_at.is_not(None), Learner.completed_at.is_not(None))
        .outerjoin(live, live.c.learner_id == Learner.id).outerjoin(last, last.c.learner_id == Learner.id)).all()


def _add(progress: Progress, has_live: bool, taught: bool, completed: bool) -> None:
    if completed:
        progress.completed += 1
    if taught:
        progress.taught += 1
    if has_live and not taught:
        progress.matched += 1
    if not has_live and not taught and not completed:
        progress.waiting += 1


def district_and_center_progress(locale: str = "ko") -> tuple[list[Progress], list[Progress]]:
    """Learners waiting, matched (not yet taught), taught and completed per district and per center."""
    by_district = {d.code: Progress(d.code, d.name(locale)) for d in DISTRICTS}
    centers = db.session.scalars(select(Center).order_by(Center.district, Center.name)).all()
    by_center = {c.id: Progress(str(c.id), c.name) for c in centers}
    for district, center_id, has_live, taught, completed in _learner_states():
        if district in by_district:
            _add(by_district[district], has_live, taught, completed)
        if center_id in by_center:
            _add(by_center[center_id], has_live, taught, completed)
    return list(by_district.values()), list(by_center.values())


def export_xlsx(month: str, locale: str = "ko") -> bytes:
    """One workbook: the month per instructor, and progress per district and per center."""
    from flask_babel import gettext as _
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Instructors")[:31]
    sheet.append([_("Instructor"), _("Month"), _("Lessons"), _("Hours"), _("Learners"), _("No-shows"),
                  _("Feedback (1–5)")])
    for r in instructor_month(month):
        sheet.append([r.instructor.person.name, month, r.lessons, r.hours, r.learners, r.no_shows, r.rating])
    districts, centers = district_and_center_progress(locale)
    for title, rows in ((_("Districts"), districts), (_("Centers"), centers)):
        ws = book.create_sheet(title[:31])
        ws.append([title, _("Waiting"), _("Matched"), _("Taught"), _("Completed")])
        for p in rows:
            ws.append([p.label, p.waiting, p.matched, p.taught, p.completed])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
