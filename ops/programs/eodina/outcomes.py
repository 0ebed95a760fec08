"""Outcomes: the digital-skills check at intake and completion, and what it shows before and after.

The instructor does the check with the learner (SKILL_CHECK: about ten everyday tasks) when
lessons start and when the course is complete. Reports compare the two per learner and
summed per center, district and month (of completion); the KPI metric
``eodina.skills_gained_share`` is the share of completers with both checks who gained at
least ``EODINA_SKILLS_GAIN`` tasks (default 3). The skills ticked at each lesson (SKILLS) are
counted per month too.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ...extensions import db
from ...kpi.registry import metric
from .catalog import SKILL_CHECK
from .models import LessonLog, Learner, SkillCheck
from .models import Match
from .services import AlreadyGiven, InvalidChoice, NotYourLearner, _known

STAGES = ("intake", "completion")


def skills_gain() -> int:
    return int(current_app.config.get("EODINA_SKILLS_GAIN", 3))


def record_skill_check(instructor, learner_id: int, *, stage: str, tasks, checked_on: date) -> SkillCheck:
    """The instructor records the check done with one of their learners, once per stage."""
    from ...core.timeutil import seoul_today

    learner, match = taught_by(instructor, learner_id)
    if stage not in STAGES:
        raise InvalidChoice("stage")
    if checked_on > seoul_today():
        raise InvalidChoice("checked_on")
    done = _known(tasks, SKILL_CHECK, "tasks")
    check = SkillCheck(learner_id=learner.id, stage=stage, tasks=done, score=len(done), checked_on=checked_on,
                       instructor_id=instructor.id, center_id=match.center_id)
    try:
        with db.session.begin_nested():
            db.session.add(check)
            db.session.flush()
    except IntegrityError:
        raise AlreadyGiven() from None
    return check


def taught_by(instructor, learner_id: int) -> tuple[Learner, Match]:
    """One of the instructor's learners, now or at completion (the completion check comes after the last lesson)."""
    row = db.session.execute(select(Learner, Match).join(Match, Match.learner_id == Learner.id)
                             .where(Learner.id == learner_id, Match.instructor_id == instructor.id,
                                    (Match.ended_at.is_(None)) | (Match.end_reason == "completed"))
                             .order_by(Match.created_at.desc())).first()
    if row is None:
        raise NotYourLearner()
    return row[0], row[1]


def completion_checks_due(instructor) -> list[Learner]:
    """The instructor's learners who completed the course and still need their completion check."""
    done = select(SkillCheck.learner_id).where(SkillCheck.stage == "completion")
    return list(db.session.scalars(select(Learner).join(Match, Match.learner_id == Learner.id)
                                   .where(Match.instructor_id == instructor.id, Match.end_reason == "completed",
                                          Learner.id.not_in(done)).order_by(Learner.completed_at.desc())))


def checks_for(learner_id: int) -> dict[str, SkillCheck]:
    return {c.stage: c for c in db.session.scalars(select(SkillCheck).where(SkillCheck.learner_id == learner_id))}


@dataclass
class BeforeAfter:
    label: str
    learners: int = 0  # with both checks
    before: int = 0  # summed scores
    after: int = 0
    gained_enough: int = 0

    @property
    def average_before(self) -> float:
        return round(self.before / self.learners, 1) if self.learners else 0.0

    @property
    def average_after(self) -> float:
        return round(self.after / self.learners, 1) if self.learners else 0.0

    @property
    def share_gained(self) -> float:
        return self.gained_enough / self.learners if self.learners else 0.0


def _pairs(start: date | None = None, end: date | None = None):
    """(learner, intake, completion) for every learner with both checks, completion in [start, end)."""
    checks = db.session.scalars(select(SkillCheck)).all()
    by_learner: dict[int, dict[str, SkillCheck]] = defaultdict(dict)
    for c in checks:
        by_learner[c.learner_id][c.stage] = c
    done = {lid: s for lid, s in by_learner.items() if len(s) == 2 and (start is None or s["completion"].checked_on >= start)
            and (end is None or s["completion"].checked_on < end)}
    learners = {le.id: le for le in db.session.scalars(select(Learner).where(Learner.id.in_(list(done))))} \
        if done else {}
    return [(learners[lid], s["intake"], s["completion"]) for lid, s in done.items() if lid in learners]


def before_after(by: str, locale: str = "ko") -> list[BeforeAfter]:
    """Before and after summed by 'learner', 'center', 'district' or 'month' (of the completion check)."""
    from ...people.districts import BY_CODE
    from .models import Center

    gain = skills_gain()
    centers = {c.id: c.name for c in db.session.scalars(select(Center))}
    rows: dict[str, BeforeAfter] = {}
    for learner, intake, completion in _pairs():
        if by == "learner":
            key = learner.person.masked_name + f" #{learner.id}"
        elif by == "center":
            key = centers.get(completion.center_id, "-")
        elif by == "district":
            found = BY_CODE.get(learner.district)
            key = found.name(locale) if found else learner.district
        else:
            key = completion.checked_on.strftime("%Y-%m")
        row = rows.setdefault(key, BeforeAfter(key))
        row.learners += 1
        row.before += intake.score
        row.after += completion.score
        row.gained_enough += completion.score - intake.score >= gain
    return sorted(rows.values(), key=lambda r: r.label)


def lesson_skills_by_month() -> list[tuple[str, Counter]]:
    """The skills checklist ticked during lessons, counted per month (newest first)."""
    months: dict[str, Counter] = defaultdict(Counter)
    for lesson_date, skills in db.session.execute(select(LessonLog.lesson_date, LessonLog.skills)
                                                  .where(LessonLog.attended.is_(True))):
        months[lesson_date.strftime("%Y-%m")].update(skills or ())
    return sorted(months.items(), reverse=True)


@metric("eodina.skills_gained_share")
def skills_gained_share(year: int, as_of: date) -> float | None:
    """Share (%) of the year's completers with both skills checks who gained at least EODINA_SKILLS_GAIN tasks."""
    end = min(as_of, date(year, 12, 31)) + timedelta(days=1)
    pairs = _pairs(date(year, 1, 1), end)
    if not pairs:
        return None
    gain = skills_gain()
    return round(100.0 * sum(c.score - i.score >= gain for _le, i, c in pairs) / len(pairs), 1)
