"""Outcomes: the digital-skills check at intake and completion, and what it shows before and after.

The instructor does the check with the learner (SKILL_CHECK: about ten everyday tasks) when
lessons start and when the course is complete. Reports compare the two per learner and
summed per center, district and month (of completion); the KPI metric
``eodina.skills_gained_share`` is the share of completers with both checks who gained at
least ``EODINA_SKILLS_GAIN`` tasks (default 3). The skills ticked at each lesson (SKILLS) are
counted per month too. About three months after completion each learner is asked whether
they still use the skills: by text with a signed answer link when they agreed to texts, else by
a call put on the staff call-back list; the answers are reported.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ...core.timeutil import utcnow
from ...extensions import db
from ...kpi.registry import metric
from ...notify.registry import message_template, reminder_source
from ...notify.services import consenting_to_reminders, queue_message
from ...passes.codes import new_serial, sign_code, signed_serial
from .catalog import SKILL_CHECK
from .models import FollowUp, LessonLog, Learner, Match, SkillCheck
from .services import AlreadyGiven, NotFound, NotYourLearner, _known, refuse

STAGES = ("intake", "completion")


def skills_gain() -> int:
    return int(current_app.config.get("EODINA_SKILLS_GAIN", 3))


def record_skill_check(instructor, learner_id: int, *, stage: str, tasks, checked_on: date) -> SkillCheck:
    """The instructor records the check done with one of their learners, once per stage."""
    from ...core.timeutil import seoul_today

    learner, match = taught_by(instructor, learner_id)
    if stage not in STAGES:
        raise refuse("stage")
    if checked_on > seoul_today():
        raise refuse("checked_on")
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


# --- Three months later ---------------------------------------------------------------------------

FOLLOW_UP_DAYS = 91  # about three months after completion
FOLLOW_UP_KIND, FOLLOW_UP_SCOPE = "F", "EODINA-FOLLOWUP"
ANSWERS = ("yes", "some", "no")

message_template(
    "eodina.follow_up",
    ko="[서울디지털재단] {name}님, 어디나지원단 수업에서 배운 것을 요즘도 쓰고 계신가요? 답해 주세요: {url} 문의 {helpline}",
    en="[Seoul Digital Foundation] {name}, do you still use what you learned in your 1:1 lessons? "
       "Please tell us: {url} Questions: {helpline}",
)


def follow_up_code(follow_up: FollowUp) -> str:
    return sign_code(FOLLOW_UP_KIND, FOLLOW_UP_SCOPE, follow_up.serial).text


def follow_up_for_code(code: str) -> FollowUp:
    """The follow-up a text's link is for; a forged or altered link is NotFound."""
    serial = signed_serial(code, FOLLOW_UP_KIND, FOLLOW_UP_SCOPE)
    found = serial and db.session.scalar(select(FollowUp).where(FollowUp.serial == serial))
    if found is None:
        raise NotFound()
    return found


def answer_follow_up(follow_up: FollowUp, answer: str) -> bool:
    """Record the learner's answer once (the first one counts); False when it was answered before."""
    if answer not in ANSWERS:
        raise refuse("answer")
    done = db.session.execute(update(FollowUp).where(FollowUp.id == follow_up.id, FollowUp.answer.is_(None))
                              .values(answer=answer, answered_at=utcnow()))
    db.session.refresh(follow_up)
    return done.rowcount == 1


@reminder_source("eodina.follow_up")
def queue_follow_ups(now: datetime) -> int:
    """Learners who completed three months ago: a text with an answer link, or (no SMS consent) a call."""
    from .outreach import helpline
    from .reminders import _base_url

    cutoff = now - timedelta(days=FOLLOW_UP_DAYS)
    due = db.session.scalars(select(Learner).where(
        Learner.completed_at.is_not(None), Learner.completed_at <= cutoff,
        ~select(FollowUp.id).where(FollowUp.learner_id == Learner.id).exists()).order_by(Learner.id)).all()
    texting = consenting_to_reminders({le.person_id for le in due})
    new = 0
    for learner in due:
        follow_up = FollowUp(learner_id=learner.id, serial=new_serial(),
                             channel="sms" if learner.person_id in texting else "call")
        try:
            with db.session.begin_nested():  # another sweep at the same moment asked first
                db.session.add(follow_up)
                db.session.flush()
        except IntegrityError:
            continue
        if follow_up.channel == "sms":
            queue_message(template="eodina.follow_up", dedup_key=f"eodina-follow-up:{follow_up.id}",
                          person=learner.person, purpose="reminder",
                          data={"name": learner.person.name, "helpline": helpline(),
                                "url": f"{_base_url()}/eodina/s/{follow_up_code(follow_up)}"})
        else:
            follow_up.callback_id = _follow_up_call(learner).id
        new += 1
    return new


def _follow_up_call(learner: Learner):
    """A call on the staff call-back list, asking whether they still use the skills."""
    from .models import CallbackRequest

    open_call = db.session.scalar(select(CallbackRequest).where(CallbackRequest.person_id == learner.person_id,
                                                                CallbackRequest.done_at.is_(None)))
    if open_call is not None:
        return open_call
    call = CallbackRequest(person_id=learner.person_id, source="followup",
                           note="수료 3개월: 배운 것을 요즘도 쓰시는지 여쭤 주세요 / 3 months after: still using the skills?")
    db.session.add(call)
    db.session.flush()
    return call


def record_follow_up_by_call(callback_id: int, answer: str) -> None:
    """Staff heard the answer on the phone: it is the learner's answer to the follow-up of that call."""
    found = db.session.scalar(select(FollowUp).where(FollowUp.callback_id == callback_id))
    if found is not None and answer in ANSWERS:
        answer_follow_up(found, answer)


def follow_up_answers() -> dict[str, Counter]:
    """Per channel (sms, call): how many answered yes, some, no, or not yet."""
    out: dict[str, Counter] = defaultdict(Counter)
    for channel, answer in db.session.execute(select(FollowUp.channel, FollowUp.answer)):
        out[channel][answer or "none"] += 1
    return dict(out)
