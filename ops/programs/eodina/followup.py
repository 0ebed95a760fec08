"""Nobody lost: flag learners who are slipping away, tell their coordinators weekly, close each flag with what was done.

A matched learner is flagged when

* they were absent at their last two logged lessons (``absent_twice``), or
* they have had no attended lesson for ``QUIET_DAYS`` days while matched (``no_lesson``),
  counted from their last attended lesson, their match, or the last time a coordinator closed
  such a flag for them, whichever is latest (so a closed flag comes back only after another
  quiet spell).

The same evidence is flagged once (a unique constraint decides between two sweeps at once).
Every reminder sweep raises flags; on Mondays from 08:00 Seoul each coordinator gets one e-mail
(through the outbox) listing the new flags of their centers; flags at a center without a
coordinator go to the managers.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from ...accounts.models import User
from ...accounts.roles import Role
from ...core.timeutil import to_seoul, utcnow
from ...extensions import db
from ...notify.registry import message_template, reminder_source
from ...notify.services import queue_message
from .models import Center, LearnerFlag, LessonLog, Learner, Match
from .reminders import _already_queued, _base_url
from .services import InvalidTransition, refuse

QUIET_DAYS = 21
DIGEST_WEEKDAY, DIGEST_HOUR = 0, 8  # Monday 08:00 Seoul

message_template(
    "eodina.flag_digest",
    subject_ko="[어디나지원단] 살펴볼 학습자 {count}명",
    subject_en="[Eodina] {count} learner(s) to check on",
    ko="{name}님, 이번 주 새로 살펴볼 학습자가 {count}명 있습니다.\n\n{lines}\n\n조치 후 기록해 주세요: {url}",
    en="{name}, {count} learner(s) need a call this week.\n\n{lines}\n\nPlease record what was done: {url}",
)


def _seoul_date(moment: datetime) -> date:
    return to_seoul(moment).date()


def flag_lost_learners(today: date) -> int:
    """Raise a flag for every matched learner who is slipping away (each piece of evidence once); how many are new."""
    live = db.session.execute(select(Match.learner_id, Match.center_id, Match.created_at)
                              .join(Learner, Learner.id == Match.learner_id)
                              .where(Match.ended_at.is_(None), Learner.completed_at.is_(None))).all()
    if not live:
        return 0
    center_of = {r.learner_id: r.center_id for r in live}
    matched_on = {r.learner_id: _seoul_date(r.created_at) for r in live}
    # The last two logged lessons of each matched learner (a window over their logs).
    ranked = (select(LessonLog.learner_id, LessonLog.lesson_date, LessonLog.attended,
                     func.row_number().over(partition_by=LessonLog.learner_id,
                                            order_by=(LessonLog.lesson_date.desc(), LessonLog.id.desc()))
                     .label("n"))
              .join(Match, (Match.learner_id == LessonLog.learner_id) & Match.ended_at.is_(None))
              .subquery())
    last_two = defaultdict(list)
    for r in db.session.execute(select(ranked.c.learner_id, ranked.c.lesson_date, ranked.c.attended)
                                .where(ranked.c.n <= 2).order_by(ranked.c.learner_id, ranked.c.n)):
        last_two[r.learner_id].append((r.lesson_date, r.attended))
    last_attended = dict(db.session.execute(
        select(LessonLog.learner_id, func.max(LessonLog.lesson_date))
        .join(Match, (Match.learner_id == LessonLog.learner_id) & Match.ended_at.is_(None))
        .where(LessonLog.attended.is_(True)).group_by(LessonLog.learner_id)).all())
    last_closed = dict(db.session.execute(
        select(LearnerFlag.learner_id, func.max(LearnerFlag.closed_at))
        .where(LearnerFlag.kind == "no_lesson", LearnerFlag.closed_at.is_not(None))
        .group_by(LearnerFlag.learner_id)).all())

    found: list[dict] = []
    for learner_id in center_of:
        logs = last_two.get(learner_id, [])
        if len(logs) == 2 and not logs[0][1] and not logs[1][1]:
            second, first = logs[0][0], logs[1][0]
            found.append(dict(learner_id=learner_id, kind="absent_twice", evidence_on=second,
                              reason_ko=f"연속 2회 결석({first}, {second})",
                              reason_en=f"absent twice in a row ({first}, {second})"))
        since = max(d for d in (matched_on[learner_id], last_attended.get(learner_id),
                                _seoul_date(last_closed[learner_id]) if learner_id in last_closed else None)
                    if d is not None)
        quiet = (today - since).days
        if quiet >= QUIET_DAYS:
            found.append(dict(learner_id=learner_id, kind="no_lesson", evidence_on=since,
                              reason_ko=f"매칭 중 {since} 이후 {quiet}일 동안 수업 없음",
                              reason_en=f"no lesson for {quiet} days since {since} while matched"))
    if not found:
        return 0
    known = set(db.session.execute(select(LearnerFlag.learner_id, LearnerFlag.kind, LearnerFlag.evidence_on)
                                   .where(LearnerFlag.learner_id.in_([f["learner_id"] for f in found]))).all())
    new = 0
    for values in found:
        if (values["learner_id"], values["kind"], values["evidence_on"]) in known:
            continue
        try:
            with db.session.begin_nested():  # a sweep running at the same moment may have raised it
                db.session.add(LearnerFlag(**values, center_id=center_of[values["learner_id"]], raised_on=today))
                db.session.flush()
            new += 1
        except IntegrityError:
            pass
    return new


def open_flags(center_ids=None) -> list[LearnerFlag]:
    """Flags not yet closed, oldest first (optionally only those of some centers)."""
    stmt = select(LearnerFlag).where(LearnerFlag.closed_at.is_(None)).order_by(LearnerFlag.raised_on,
                                                                                 LearnerFlag.id)
    if center_ids is not None:
        stmt = stmt.where(LearnerFlag.center_id.in_(list(center_ids)))
    return list(db.session.scalars(stmt))


def close_flag(flag: LearnerFlag, *, action: str, by_user) -> LearnerFlag:
    """A coordinator closes a flag with what was done; two closing at once close it once."""
    action = (action or "").strip()
    if not action:
        raise refuse("action")
    done = db.session.execute(update(LearnerFlag).where(LearnerFlag.id == flag.id, LearnerFlag.closed_at.is_(None))
                              .values(closed_at=utcnow(), closed_by_id=getattr(by_user, "id", None),
                                      action=action[:2000]))
    if done.rowcount != 1:
        raise InvalidTransition("closed")
    db.session.refresh(flag)
    return flag


def queue_flag_digests(now: datetime) -> int:
    """Each coordinator's weekly e-mail of new flags at their centers (managers get the unassigned ones)."""
    seoul = to_seoul(now)
    if seoul.weekday() != DIGEST_WEEKDAY or seoul.hour < DIGEST_HOUR:
        return 0
    week = seoul.date().isocalendar()
    fresh = db.session.execute(select(LearnerFlag, Center.coordinator_id)
                               .outerjoin(Center, Center.id == LearnerFlag.center_id)
                               .where(LearnerFlag.closed_at.is_(None), LearnerFlag.digested_at.is_(None))
                               .order_by(LearnerFlag.raised_on, LearnerFlag.id)).all()
    if not fresh:
        return 0
    managers = db.session.scalars(select(User).where(User.role == Role.MANAGER, User.active.is_(True))).all()
    coordinators = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_({c for _f, c in fresh if c is not None}), User.active.is_(True)))}
    per_user: dict[int, tuple[User, list[LearnerFlag]]] = {}
    for flag, coordinator_id in fresh:
        for user in ([coordinators[coordinator_id]] if coordinator_id in coordinators else managers):
            per_user.setdefault(user.id, (user, []))[1].append(flag)
    keys = {uid: f"eodina-flags:{uid}:{week.year}-W{week.week:02d}" for uid in per_user}
    seen = _already_queued(list(keys.values()))
    new, told = 0, set()
    for user, flags in per_user.values():
        key = keys[user.id]
        if key in seen:  # this week's digest went out already: later flags wait for next week's
            continue
        lines = "\n".join(f"- {f.learner.person.masked_name} ({f.center.name if f.center else '-'}): {f.reason_ko}"
                          for f in flags[:50])
        if queue_message(template="eodina.flag_digest", dedup_key=key, recipient=user.email, channel="email",
                         locale=user.locale or "ko", purpose="service",
                         data={"name": user.name, "count": len(flags), "lines": lines,
                               "url": f"{_base_url()}/eodina/flags"}):
            new += 1
            told.update(f.id for f in flags)
    # Marked only once in a digest that went out: a week with nobody to tell keeps them for the next.
    if told:
        db.session.execute(update(LearnerFlag).where(LearnerFlag.id.in_(told)).values(digested_at=now))
    return new


@reminder_source("eodina.lost_learners")
def sweep_lost_learners(now: datetime) -> int:
    """Raise today's flags, then (on Monday mornings) queue the weekly digests."""
    flag_lost_learners(to_seoul(now).date())
    return queue_flag_digests(now)
