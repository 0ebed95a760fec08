"""Reports: per instructor per month (for activity allowances) and per district and center."""
from __future__ import annotations

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

    from ...core.export import Sheet, workbook

    sheets = [Sheet(_("Instructors"), [_("Instructor"), _("Month"), _("Lessons"), _("Hours"), _("Learners"),
                                       _("No-shows"), _("Feedback (1–5)")],
                    [[r.instructor.person.name, month, r.lessons, r.hours, r.learners, r.no_shows, r.rating]
                     for r in instructor_month(month)], freeze=False, bold_header=False)]
    districts, centers = district_and_center_progress(locale)
    for title, rows in ((_("Districts"), districts), (_("Centers"), centers)):
        sheets.append(Sheet(title, [title, _("Waiting"), _("Matched"), _("Taught"), _("Completed")],
                            [[p.label, p.waiting, p.matched, p.taught, p.completed] for p in rows],
                            freeze=False, bold_header=False))
    return workbook(sheets)


# --- Where to recruit ----------------------------------------------------------------------------

PIPELINE_AHEAD = ("applied", "selected", "trained")  # applicants not yet teaching


@dataclass
class Shortage:
    """One district: learners waiting there, the free instructor places within reach, and what they ask for."""

    district: str
    label: str
    zone: str
    waiting: int
    free_in_reach: int  # free places of active instructors serving the district or one next to it
    instructors_in_reach: int
    applicants: int  # people from the district in the instructor pipeline, not yet teaching
    top_slots: list[tuple[str, int]]
    top_topics: list[tuple[str, int]]

    @property
    def gap(self) -> int:
        """How many waiting learners the places within reach cannot take (0 when there is room)."""
        return max(self.waiting - self.free_in_reach, 0)


def shortage_by_district(locale: str = "ko") -> list[Shortage]:
    """Every district, largest gap first: where instructors are short and what the waiting learners want."""
    from collections import Counter, defaultdict

    from ...people.adjacency import adjacent
    from ...people.models import Person

    waiting = db.session.execute(select(Learner.district, Learner.availability, Learner.topics).where(
        Learner.completed_at.is_(None),
        ~select(Match.id).where(Match.learner_id == Learner.id, Match.ended_at.is_(None)).exists())).all()
    counts, slots, topics = Counter(), defaultdict(Counter), defaultdict(Counter)
    for row in waiting:
        counts[row.district] += 1
        slots[row.district].update(row.availability or ())
        topics[row.district].update(row.topics or ())
    loads = dict(db.session.execute(select(Match.instructor_id, func.count(Match.id))
                                    .where(Match.ended_at.is_(None)).group_by(Match.instructor_id)).all())
    serving = defaultdict(set)  # district → active instructors serving it
    free = {}
    for ins_id, districts, max_learners in db.session.execute(
            select(Instructor.id, Instructor.districts, Instructor.max_learners).where(Instructor.status == "active")):
        free[ins_id] = max(max_learners - loads.get(ins_id, 0), 0)
        for d in districts or ():
            serving[d].add(ins_id)
    applicants = dict(db.session.execute(select(Person.district, func.count(Instructor.id))
                                         .join(Person, Person.id == Instructor.person_id)
                                         .where(Instructor.status.in_(PIPELINE_AHEAD))
                                         .group_by(Person.district)).all())
    rows = []
    for d in DISTRICTS:
        reach = set().union(*(serving[x] for x in {d.code, *adjacent(d.code)}))
        rows.append(Shortage(d.code, d.name(locale), d.zone, counts[d.code], sum(free[i] for i in reach), len(reach),
                             applicants.get(d.code, 0), slots[d.code].most_common(3), topics[d.code].most_common(3)))
    return sorted(rows, key=lambda r: (-r.gap, -r.waiting, r.district))


def shortage_xlsx(locale: str = "ko") -> bytes:
    """The shortage table as a workbook (one row per district)."""
    from flask_babel import gettext as _

    from ...core.export import Sheet, workbook
    from .catalog import TOPICS, slot_label

    return workbook([Sheet(_("Where to recruit"), [
        _("District"), _("Waiting"), _("Free places within reach"), _("Instructors within reach"), _("Gap"),
        _("Applicants from the district"), _("Times most asked for"), _("Topics most asked for")],
        [[r.label, r.waiting, r.free_in_reach, r.instructors_in_reach, r.gap, r.applicants,
          ", ".join(f"{slot_label(s)} ({n})" for s, n in r.top_slots),
          ", ".join(f"{TOPICS.get(t, t)} ({n})" for t, n in r.top_topics)] for r in shortage_by_district(locale)],
        freeze=False, bold_header=False)])
