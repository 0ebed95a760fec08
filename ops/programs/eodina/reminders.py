"""Reminders: a weekly nudge to instructors with unlogged lessons, and a day-before SMS to learners."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from ...core.timeutil import to_seoul
from ...extensions import db
from ...notify.registry import message_template, reminder_source
from ...notify.services import consenting_to_reminders, queue_message
from .catalog import BLOCK_START, WEEKDAY_INDEX, slot_text_ko
from .models import Center, Instructor, LessonLog, Learner, Match
from .services import lesson_dates_since

message_template(
    "eodina.weekly_nudge",
    ko="[서울디지털재단] {name} 강사님, 지난주 기록되지 않은 1:1 수업이 {count}건 있습니다. 휴대폰에서 수업을 기록해 주세요: {url}"
       " 문의 {helpline}",
    en="[Seoul Digital Foundation] {name}, {count} of last week's 1:1 lessons are not logged yet. "
       "Please log them on your phone: {url} Questions: {helpline}",
)
message_template(
    "eodina.lesson_day_before",
    ko="[서울디지털재단] 내일({date}) {time} {center}에서 어디나지원단 1:1 디지털 수업이 있습니다. 문의 {helpline}",
    en="[Seoul Digital Foundation] Your 1:1 digital lesson is tomorrow ({date}) at {time}, {center}. "
       "Questions: {helpline}",
)


def _base_url() -> str:
    from flask import current_app

    return current_app.config.get("OPS_BASE_URL", "http://127.0.0.1:5000").rstrip("/")


def _helpline() -> str:
    from .outreach import helpline

    return helpline()


def unlogged_lessons(today) -> dict[int, int]:
    """Per active instructor: lessons of the last 7 days (by their learners' weekly slots) with no log."""
    start, end = today - timedelta(days=7), today - timedelta(days=1)
    matches = db.session.execute(select(Match.instructor_id, Match.learner_id, Match.slot, Match.created_at)
                                 .join(Instructor, Instructor.id == Match.instructor_id)
                                 .where(Match.ended_at.is_(None), Instructor.status == "active")).all()
    logged = set(db.session.execute(select(LessonLog.learner_id, LessonLog.lesson_date)
                                    .where(LessonLog.lesson_date >= start, LessonLog.lesson_date <= end)).all())
    out: dict[int, int] = {}
    for m in matches:
        due = [d for d in lesson_dates_since(m.created_at, m.slot, start, end) if (m.learner_id, d) not in logged]
        if due:
            out[m.instructor_id] = out.get(m.instructor_id, 0) + len(due)
    return out


def _already_queued(keys: list[str]) -> set[str]:
    from ...notify.models import OutboxMessage

    if not keys:
        return set()
    return set(db.session.scalars(select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys))))


@reminder_source("eodina.weekly_nudge")
def queue_weekly_nudges(now: datetime) -> int:
    """Once a week per instructor (dedup by ISO week), if any of last week's lessons is unlogged."""
    today = to_seoul(now).date()
    week = today.isocalendar()
    counts = unlogged_lessons(today)
    instructors = db.session.scalars(select(Instructor).where(Instructor.id.in_(list(counts)))).all() if counts else []
    keys = {ins.id: f"eodina-nudge:{ins.id}:{week.year}-W{week.week:02d}" for ins in instructors}
    seen = _already_queued(list(keys.values()))
    new = 0
    for ins in instructors:
        if keys[ins.id] in seen:
            continue
        if queue_message(template="eodina.weekly_nudge", dedup_key=keys[ins.id], person=ins.person,
                         purpose="reminder", data={"name": ins.person.name, "count": counts[ins.id],
                                                   "url": f"{_base_url()}/eodina/my", "helpline": _helpline()}):
            new += 1
    return new


@reminder_source("eodina.lesson_day_before")
def queue_lesson_day_before(now: datetime) -> int:
    """Learners with SMS consent whose weekly lesson is tomorrow (Seoul) get one text per lesson."""
    tomorrow = to_seoul(now).date() + timedelta(days=1)
    day = next((code for code, index in WEEKDAY_INDEX.items() if index == tomorrow.weekday()), None)
    if day is None:  # no lessons on Sundays
        return 0
    rows = db.session.execute(select(Match, Learner, Center).join(Learner, Learner.id == Match.learner_id)
                              .join(Center, Center.id == Match.center_id)
                              .where(Match.ended_at.is_(None), Match.slot.like(f"{day}-%"),
                                     Learner.completed_at.is_(None))).all()
    consenting = consenting_to_reminders({r.Learner.person_id for r in rows})
    keys = {r.Match.id: f"eodina-lesson:{r.Match.id}:{tomorrow.isoformat()}" for r in rows}
    seen = _already_queued(list(keys.values()))
    new = 0
    for match, learner, center in rows:
        if learner.person_id not in consenting or keys[match.id] in seen:
            continue
        block = match.slot.split("-")[1]
        if queue_message(template="eodina.lesson_day_before", dedup_key=keys[match.id], person=learner.person,
                         purpose="reminder", data={"date": tomorrow.strftime("%m/%d"), "time": BLOCK_START[block],
                                                   "center": center.name, "slot": slot_text_ko(match.slot),
                                                   "helpline": _helpline()}):
            new += 1
    return new
