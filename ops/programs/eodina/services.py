"""Every rule and state change of 어디나지원단. Callers commit (except where a function says otherwise)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ...accounts.models import User
from ...core.errors import DomainError, InvalidInput
from ...core.timeutil import seoul_to_utc, seoul_today, utcnow
from ...extensions import db
from ...passes.codes import new_serial, sign_code, signed_serial
from ...people.adjacency import tier_between
from ...people.consent import COLLECTION, SMS_REMINDERS
from ...people.districts import BY_CODE, DISTRICTS
from ...people.services import find_or_create_person, record_consent
from .catalog import SKILLS, SLOTS, TOPICS, WEEKDAY_INDEX
from .matching import CenterInfo, InstructorInfo, LearnerInfo, Placement, plan_matches
from .models import (Center, ImportJob, Instructor, LessonFeedback, LessonLog, Learner, Match, OnlineContent,
                     OnlineView)

CENTERS_TARGET = 2
FEEDBACK_KIND, FEEDBACK_SCOPE = "F", "EODINA"


class NotFound(DomainError):
    code = "not_found"


class InvalidTransition(DomainError):
    code = "invalid_transition"


class NotYourLearner(DomainError):
    code = "not_your_learner"


class AlreadyGiven(DomainError):
    code = "already_given"


class InvalidChoice(InvalidInput):
    """A choice outside what is offered, or a value out of range."""

    code = "invalid_choice"


CHECK_CHOICE = _l("Please check this choice.")


def refuse(field: str):
    """The refusal of one field's choice, with the one message every choice form shows."""
    return InvalidChoice({field: CHECK_CHOICE})


def course_lessons() -> int:
    """Lessons in one course: a learner who attended this many has completed."""
    return int(current_app.config.get("EODINA_COURSE_LESSONS", 8))


def _known(values, allowed, field: str) -> list[str]:
    values = [v for v in (values or []) if v]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise refuse(field)
    return list(dict.fromkeys(values))


# --- Centers -----------------------------------------------------------------------------------

def save_center(center: Center | None, *, name: str, district: str, address: str, opening_hours: str = "",
                capacity: int = 2, phone: str | None = None, opened_on: date | None = None,
                active: bool = True, coordinator_id: int | None = None) -> Center:
    """Add a center or change one."""
    if district not in BY_CODE:
        raise refuse("district")
    if capacity < 1:
        raise refuse("capacity")
    if center is None:
        center = Center()
        db.session.add(center)
    center.name, center.district, center.address = name.strip(), district, address.strip()
    center.opening_hours, center.capacity, center.phone = opening_hours.strip(), capacity, phone or None
    center.opened_on, center.active = opened_on, active
    if coordinator_id is not None and db.session.get(User, coordinator_id) is None:
        raise refuse("coordinator_id")
    center.coordinator_id = coordinator_id
    db.session.flush()
    return center


def close_center(center: Center) -> None:
    """A closed center takes no new matches; its live matches stay until staff move them."""
    center.active = False


def centers_per_district() -> list[tuple[str, int]]:
    """Every district with its number of open centers, shortest first."""
    counts = dict(db.session.execute(select(Center.district, func.count(Center.id))
                                     .where(Center.active.is_(True)).group_by(Center.district)).all())
    rows = [(d.code, counts.get(d.code, 0)) for d in DISTRICTS]
    return sorted(rows, key=lambda r: (r[1] >= CENTERS_TARGET, r[1]))


# --- Instructors -------------------------------------------------------------------------------

PIPELINE = {
    "applied": ("selected", "left"),
    "selected": ("trained", "left"),
    "trained": ("active", "left"),
    "active": ("paused", "left"),
    "paused": ("active", "left"),
    "left": (),
}
STEP_DATE = {"selected": "selected_on", "trained": "trained_on", "active": "activated_on", "paused": "paused_on",
             "left": "left_on"}


def register_instructor(*, name: str, phone: str, birth_year: int | None = None, district: str | None = None,
                        sms_consent: bool = False, applied_on: date | None = None, by_user=None) -> Instructor:
    """An applicant enters the selection pipeline (the same person applying twice stays one applicant)."""
    person = find_or_create_person(name, phone, birth_year=birth_year, district=district)
    existing = db.session.scalar(select(Instructor).where(Instructor.person_id == person.id))
    if existing is not None:
        return existing
    record_consent(person, COLLECTION, True, source="staff", recorded_by=by_user)
    record_consent(person, SMS_REMINDERS, bool(sms_consent), source="staff", recorded_by=by_user)
    instructor = Instructor(person=person, status="applied", applied_on=applied_on or seoul_today(),
                            districts=[person.district] if person.district else [])
    db.session.add(instructor)
    db.session.flush()
    return instructor


def update_instructor(instructor: Instructor, *, districts, center_ids, availability, topics,
                      max_learners: int) -> Instructor:
    """What an instructor serves: districts, centers, weekly slots, topics and caseload."""
    instructor.districts = _known(districts, BY_CODE, "districts")
    instructor.availability = _known(availability, SLOTS, "availability")
    instructor.topics = _known(topics, TOPICS, "topics")
    if not 1 <= int(max_learners) <= 200:
        raise refuse("max_learners")
    instructor.max_learners = int(max_learners)
    ids = [int(i) for i in center_ids or []]
    centers = db.session.scalars(select(Center).where(Center.id.in_(ids))).all() if ids else []
    if len(centers) != len(set(ids)):
        raise refuse("centers")
    instructor.centers = list(centers)
    db.session.flush()
    return instructor


def move_instructor(instructor: Instructor, to_status: str, *, on: date | None = None, by_user=None) -> list[int]:
    """Next step of the pipeline, with its date. Pausing or leaving re-matches the instructor's learners.

    Returns the ids of learners who were moved to someone else.
    """
    if to_status not in PIPELINE.get(instructor.status, ()):
        raise InvalidTransition(to_status, current=instructor.status)
    # Conditional update: two staff clicking at once move the instructor once.
    done = db.session.execute(update(Instructor).where(Instructor.id == instructor.id,
                                                       Instructor.status == instructor.status)
                              .values(status=to_status, **{STEP_DATE[to_status]: on or seoul_today()}))
    if done.rowcount != 1:
        raise InvalidTransition(to_status, current="changed")
    db.session.refresh(instructor)
    if to_status not in ("paused", "left"):
        return []
    now = utcnow()
    ended = db.session.scalars(select(Match.learner_id).where(Match.instructor_id == instructor.id,
                                                               Match.ended_at.is_(None))).all()
    if ended:
        db.session.execute(update(Match).where(Match.instructor_id == instructor.id, Match.ended_at.is_(None))
                           .values(ended_at=now, end_reason="instructor_left"))
        run_matching(learner_ids=list(ended), by_user=by_user, previous="instructor_left")
    return list(ended)


def link_instructor_account(instructor: Instructor, email: str, password: str) -> User:
    """Give an instructor a login (role instructor) so they can log lessons on their phone."""
    from ...accounts.services import create_user

    if instructor.user_id is not None:
        raise InvalidTransition("has_account")
    user = create_user(email, "instructor", password, name=instructor.person.name, person=instructor.person)
    instructor.user_id = user.id
    db.session.flush()
    return user


def attach_user(instructor: Instructor, user: User) -> None:
    """Link an existing instructor account (e.g. the demo login) to an instructor record."""
    instructor.user_id = user.id
    if user.person_id is None:
        user.person_id = instructor.person_id


def instructor_for_user(user) -> Instructor | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(select(Instructor).where(Instructor.user_id == user.id))


# --- Learners ----------------------------------------------------------------------------------

def register_learner(*, name: str, phone: str, district: str, birth_year: int | None = None,
                     preferred_center_id: int | None = None, availability=(), topics=(), consent: bool,
                     sms_consent: bool = False, source: str = "web", by_user=None) -> tuple[Learner, bool]:
    """A learner signs up (or is registered by staff or family); the same person twice is one learner.

    Returns (learner, created).
    """
    from ...people.services import require_collection_consent

    if district not in BY_CODE:
        raise refuse("district")
    slots = _known(availability, SLOTS, "availability")
    wanted = _known(topics, TOPICS, "topics")
    if preferred_center_id is not None and db.session.get(Center, preferred_center_id) is None:
        raise refuse("preferred_center")
    person = find_or_create_person(name, phone, birth_year=birth_year, district=district)
    learner = db.session.scalar(select(Learner).where(Learner.person_id == person.id))
    if learner is not None:
        return learner, False
    require_collection_consent(person, consent, source=source, recorded_by=by_user)
    record_consent(person, SMS_REMINDERS, bool(sms_consent), source=source, recorded_by=by_user)
    learner = Learner(person=person, district=district, preferred_center_id=preferred_center_id,
                      availability=slots, topics=wanted, source=source,
                      registered_by_id=getattr(by_user, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(learner)
            db.session.flush()
    except IntegrityError:  # the same person signed up a moment ago in another request
        return db.session.scalar(select(Learner).where(Learner.person_id == person.id)), False
    return learner, True


def is_waiting():
    """The rule, as SQL, for a waiting learner: not completed and without a live match."""
    return Learner.completed_at.is_(None) & ~select(Match.id).where(
        Match.learner_id == Learner.id, Match.ended_at.is_(None)).exists()


def learner_status(learner: Learner, live: Match | None) -> str:
    if learner.completed_at:
        return "completed"
    if learner.taught_at:
        return "taught"
    return "matched" if live is not None else "waiting"


def live_matches_for(learner_ids) -> dict[int, Match]:
    ids = list(learner_ids)
    if not ids:
        return {}
    rows = db.session.scalars(select(Match).where(Match.learner_id.in_(ids), Match.ended_at.is_(None))).all()
    return {m.learner_id: m for m in rows}


# --- Matching ----------------------------------------------------------------------------------

@dataclass
class MatchRun:
    matched: int
    unmatched: int
    kept: int


def _lock_matching() -> None:
    """One matching run at a time: the second waits, then sees the first's matches."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(4004)"))


def run_matching(learner_ids=None, *, by_user=None, previous: str | None = None) -> MatchRun:
    """Match every waiting learner (or those given) whom capacity allows near home; live matches stay.

    Each match keeps its tier (own district, adjacent, same zone, or further with approval) and
    each learner left waiting keeps the reason, for staff to see.
    """
    _lock_matching()
    centers = db.session.scalars(select(Center).where(Center.active.is_(True))).all()
    instructors = db.session.scalars(select(Instructor).where(Instructor.status == "active")).all()
    live = db.session.execute(select(Match.instructor_id, Match.center_id, Match.slot)
                              .where(Match.ended_at.is_(None))).all()
    loads = Counter(row.instructor_id for row in live)
    waiting = (select(Learner.id, Learner.district, Learner.availability, Learner.topics,
                      Learner.preferred_center_id, Learner.further_approved_at, Learner.wait_reason)
               .where(is_waiting()))
    if learner_ids is not None:
        waiting = waiting.where(Learner.id.in_(list(learner_ids)))
    learners = db.session.execute(waiting).all()
    plan = plan_matches(
        [LearnerInfo(le.id, le.district, frozenset(le.availability or ()), frozenset(le.topics or ()),
                     le.preferred_center_id, le.further_approved_at is not None) for le in learners],
        [InstructorInfo(i.id, frozenset(i.districts or ()), frozenset(c.id for c in i.centers),
                        frozenset(i.availability or ()), frozenset(i.topics or ()), i.max_learners, loads[i.id])
         for i in instructors],
        [CenterInfo(c.id, c.district, c.capacity, c.name) for c in centers],
        [Placement(r.instructor_id, r.center_id, r.slot) for r in live],
    )
    prefix_ko, prefix_en = ("강사 활동 중단으로 재배정: ", "re-matched after the instructor stopped: ") \
        if previous == "instructor_left" else ("", "")
    now = utcnow()
    rows = [dict(learner_id=p.learner_id, instructor_id=p.instructor_id, center_id=p.center_id, slot=p.slot,
                 reason_ko=(prefix_ko + p.reason_ko)[:300], reason_en=(prefix_en + p.reason_en)[:300], tier=p.tier,
                 by_staff=False, created_by_id=getattr(by_user, "id", None), created_at=now)
            for p in plan.proposals]
    if rows:
        db.session.execute(Match.__table__.insert(), rows)
        had_reason = {le.id for le in learners if le.wait_reason is not None}
        _set_wait_reasons([dict(id=p.learner_id, wait_reason=None, wait_reason_ko=None, wait_reason_en=None,
                                wait_checked_at=now) for p in plan.proposals if p.learner_id in had_reason])
    _set_wait_reasons([dict(id=lid, wait_reason=r.code, wait_reason_ko=r.ko, wait_reason_en=r.en,
                            wait_checked_at=now) for lid, r in plan.reasons.items()])
    return MatchRun(matched=len(rows), unmatched=len(plan.unmatched), kept=len(live))


def _set_wait_reasons(values: list[dict]) -> None:
    """One executemany UPDATE (by primary key) for all learners whose waiting reason changes."""
    if values:
        db.session.execute(update(Learner), values)


def approve_further(learner: Learner, *, by_user) -> None:
    """A coordinator allows this learner a place outside their living zone (the next run may use it)."""
    if learner.further_approved_at is None:
        learner.further_approved_at = utcnow()
        learner.further_approved_by_id = getattr(by_user, "id", None)
        db.session.flush()


def waiting_by_reason() -> list[tuple[str | None, int]]:
    """Learners waiting (no live match, not completed) counted by the reason of the last run, most first."""
    rows = db.session.execute(select(Learner.wait_reason, func.count(Learner.id)).where(is_waiting())
                              .group_by(Learner.wait_reason)).all()
    return sorted(((r[0], r[1]) for r in rows), key=lambda r: -r[1])


def override_match(learner: Learner, *, instructor: Instructor, center: Center, slot: str, by_user,
                   note: str = "") -> Match:
    """Staff put a learner with an instructor of their choosing; the reason says who and why."""
    if slot not in SLOTS:
        raise refuse("slot")
    if instructor.status != "active":
        raise refuse("instructor")
    now = utcnow()
    db.session.execute(update(Match).where(Match.learner_id == learner.id, Match.ended_at.is_(None))
                       .values(ended_at=now, end_reason="override"))
    who = getattr(by_user, "name", "") or ""
    note = (note or "").strip()
    match = Match(learner_id=learner.id, instructor_id=instructor.id, center_id=center.id, slot=slot,
                  tier=tier_between(learner.district, center.district),
                  reason_ko=f"담당자 지정({who}): {note or '사유 미기재'}"[:300],
                  reason_en=f"set by staff ({who}): {note or 'no note'}"[:300],
                  by_staff=True, created_by_id=getattr(by_user, "id", None), created_at=now)
    db.session.add(match)
    learner.wait_reason = learner.wait_reason_ko = learner.wait_reason_en = None
    db.session.flush()
    return match


# --- Lessons -----------------------------------------------------------------------------------

def my_learners(instructor: Instructor) -> list[tuple[Learner, Match]]:
    """The instructor's learners with their live match, by slot."""
    rows = db.session.execute(select(Learner, Match).join(Match, Match.learner_id == Learner.id)
                              .where(Match.instructor_id == instructor.id, Match.ended_at.is_(None))
                              .options(joinedload(Match.center)).order_by(Match.slot, Learner.id)).all()
    order = {s: i for i, s in enumerate(SLOTS)}
    return sorted(((r[0], r[1]) for r in rows), key=lambda r: (order.get(r[1].slot, 99), r[0].id))


def lessons_due_on(day: date, pairs) -> list:
    """Of (learner, match) pairs, those whose weekly slot falls on that day."""
    return [(le, m) for le, m in pairs if WEEKDAY_INDEX.get(m.slot.split("-")[0]) == day.weekday()]


def my_learner(instructor: Instructor, learner_id: int) -> tuple[Learner, Match]:
    """One of the instructor's own learners; anybody else's is NotYourLearner (shown as not found)."""
    row = db.session.execute(select(Learner, Match).join(Match, Match.learner_id == Learner.id)
                             .where(Learner.id == learner_id, Match.instructor_id == instructor.id,
                                    Match.ended_at.is_(None))).first()
    if row is None:
        raise NotYourLearner()
    return row[0], row[1]


def log_lesson(instructor: Instructor, learner_id: int, *, lesson_date: date, minutes: int, attended: bool,
               topics=(), skills=(), note: str = "", by_user=None) -> tuple[LessonLog, bool]:
    """Log one class. Logging the same day twice keeps the first (a double tap is harmless).

    The first attended lesson makes the learner taught; the course's last one completes them and
    frees the instructor's place. Returns (lesson, created).
    """
    learner, match = my_learner(instructor, learner_id)
    if lesson_date > seoul_today():
        raise refuse("lesson_date")
    if not 5 <= int(minutes) <= 240:
        raise refuse("minutes")
    lesson = LessonLog(learner_id=learner.id, instructor_id=instructor.id, center_id=match.center_id,
                       lesson_date=lesson_date, minutes=int(minutes), attended=bool(attended),
                       topics=_known(topics, TOPICS, "topics"), skills=_known(skills, SKILLS, "skills"),
                       note=(note or "").strip() or None, feedback_serial=new_serial(),
                       logged_by_id=getattr(by_user, "id", None))
    try:
        with db.session.begin_nested():
            db.session.add(lesson)
            db.session.flush()
    except IntegrityError:
        existing = db.session.scalar(select(LessonLog).where(LessonLog.learner_id == learner.id,
                                                             LessonLog.instructor_id == instructor.id,
                                                             LessonLog.lesson_date == lesson_date))
        return existing, False
    if attended:
        # Taught and completed on the lesson's day (noon in Seoul), not when it was typed in:
        # a lesson logged late, or out of order, still counts in the month and year it was given.
        held_at = seoul_to_utc(datetime.combine(lesson_date, time(12, 0)))
        db.session.execute(update(Learner).where(Learner.id == learner.id)
                           .values(lessons_attended=Learner.lessons_attended + 1,
                                   taught_at=case((or_(Learner.taught_at.is_(None), Learner.taught_at > held_at),
                                                   held_at), else_=Learner.taught_at)))
        completed = db.session.execute(update(Learner).where(Learner.id == learner.id,
                                                             Learner.completed_at.is_(None),
                                                             Learner.lessons_attended >= course_lessons())
                                       .values(completed_at=held_at))
        if completed.rowcount:
            db.session.execute(update(Match).where(Match.id == match.id, Match.ended_at.is_(None))
                               .values(ended_at=utcnow(), end_reason="completed"))
        db.session.refresh(learner)
    return lesson, True


def feedback_code(lesson: LessonLog) -> str:
    return sign_code(FEEDBACK_KIND, FEEDBACK_SCOPE, lesson.feedback_serial).text


def lesson_for_code(code: str) -> LessonLog:
    """The lesson a feedback link is for; a forged or altered link is NotFound."""
    serial = signed_serial(code, FEEDBACK_KIND, FEEDBACK_SCOPE)
    lesson = serial and db.session.scalar(select(LessonLog).where(LessonLog.feedback_serial == serial))
    if lesson is None:
        raise NotFound()
    return lesson


def give_feedback(lesson: LessonLog, rating: int) -> LessonFeedback:
    """The learner rates a lesson 1–5, once (the unique lesson id decides between two taps)."""
    if not 1 <= int(rating) <= 5:
        raise refuse("rating")
    feedback = LessonFeedback(lesson_id=lesson.id, rating=int(rating))
    try:
        with db.session.begin_nested():
            db.session.add(feedback)
            db.session.flush()
    except IntegrityError:
        raise AlreadyGiven() from None
    return feedback


# --- Oversight ---------------------------------------------------------------------------------

def idle_instructors(today: date | None = None, days: int = 14) -> list[tuple[Instructor, date | None]]:
    """Active instructors with no lesson logged in the last ``days`` days, with their last lesson date."""
    today = today or seoul_today()
    last = dict(db.session.execute(select(LessonLog.instructor_id, func.max(LessonLog.lesson_date))
                                   .group_by(LessonLog.instructor_id)).all())
    active = db.session.scalars(select(Instructor).where(Instructor.status == "active")
                                .order_by(Instructor.id)).all()
    cutoff = today - timedelta(days=days)
    return [(i, last.get(i.id)) for i in active if last.get(i.id) is None or last[i.id] < cutoff]


def untaught_learners() -> list[tuple[Learner, Match]]:
    """Learners with a live match who have never had an attended lesson, oldest match first."""
    return [(r[0], r[1]) for r in db.session.execute(
        select(Learner, Match).join(Match, Match.learner_id == Learner.id)
        .where(Match.ended_at.is_(None), Learner.taught_at.is_(None))
        .options(joinedload(Match.instructor)).order_by(Match.created_at)).all()]


def lesson_dates_since(match_created: datetime, slot: str, start: date, end: date) -> list[date]:
    """The dates in [start, end] on which a weekly slot fell, not before the match existed."""
    weekday = WEEKDAY_INDEX[slot.split("-")[0]]
    first = max(start, match_created.date())
    out = []
    day = first + timedelta(days=(weekday - first.weekday()) % 7)
    while day <= end:
        out.append(day)
        day += timedelta(days=7)
    return out


# --- Online lessons ----------------------------------------------------------------------------

def save_content(content: OnlineContent | None, *, slug: str, title_ko: str, title_en: str, kind: str, url: str,
                 minutes: int, produced_on: date | None, active: bool = True) -> OnlineContent:
    if kind not in ("video", "elearning"):
        raise refuse("kind")
    if not url.startswith(("https://", "http://", "/")):
        raise refuse("url")
    if content is None:
        content = OnlineContent()
        db.session.add(content)
    content.slug, content.title_ko, content.title_en = slug.strip().lower(), title_ko.strip(), title_en.strip()
    content.kind, content.url, content.minutes = kind, url.strip(), int(minutes)
    content.produced_on, content.active = produced_on, active
    db.session.flush()
    return content


def record_view(content: OnlineContent, visitor: str) -> OnlineView:
    """An anonymous visitor opened a lesson: one row per visitor and lesson, counting the openings."""
    done = db.session.execute(update(OnlineView).where(OnlineView.content_id == content.id,
                                                       OnlineView.visitor == visitor)
                              .values(views=OnlineView.views + 1))
    if not done.rowcount:
        try:
            with db.session.begin_nested():
                db.session.add(OnlineView(content_id=content.id, visitor=visitor))
                db.session.flush()
        except IntegrityError:  # the same visitor's other tab got there first
            pass
    return db.session.scalar(select(OnlineView).where(OnlineView.content_id == content.id,
                                                      OnlineView.visitor == visitor))


def record_completion(content: OnlineContent, visitor: str) -> OnlineView:
    """The visitor finished the lesson (the first time counts; finishing is not another opening)."""
    view = db.session.scalar(select(OnlineView).where(OnlineView.content_id == content.id,
                                                      OnlineView.visitor == visitor))
    if view is None:
        view = record_view(content, visitor)
    if view.completed_at is None:
        view.completed_at = utcnow()
    return view


def online_totals() -> dict[int, tuple[int, int, int]]:
    """Per content: (openings, distinct visitors, completions)."""
    rows = db.session.execute(select(OnlineView.content_id, func.sum(OnlineView.views), func.count(OnlineView.id),
                                     func.count(OnlineView.completed_at)).group_by(OnlineView.content_id)).all()
    return {r[0]: (int(r[1] or 0), r[2], r[3]) for r in rows}


def import_job(job_id: int) -> ImportJob:
    job = db.session.get(ImportJob, job_id)
    if job is None:
        raise NotFound()
    return job


def link_instructor_demo(user: User) -> Instructor | None:
    """The demo instructor login teaches as the first active instructor (idempotent)."""
    if db.session.scalar(select(Instructor).where(Instructor.user_id == user.id)) is not None:
        return None
    first = db.session.scalar(select(Instructor).where(Instructor.status == "active", Instructor.user_id.is_(None))
                              .order_by(Instructor.id))
    if first is not None:
        attach_user(first, user)
    return first


# --- What the staff and instructor pages show ---------------------------------------------------

def instructor_counts() -> dict[str, int]:
    """Instructors by pipeline status."""
    return dict(db.session.execute(select(Instructor.status, func.count(Instructor.id))
                                   .group_by(Instructor.status)).all())


def all_centers() -> list[Center]:
    return db.session.scalars(select(Center).order_by(Center.district, Center.name)).all()


def active_centers() -> list[Center]:
    return db.session.scalars(select(Center).where(Center.active.is_(True))
                              .order_by(Center.district, Center.name)).all()


def active_instructors() -> list[Instructor]:
    return db.session.scalars(select(Instructor).where(Instructor.status == "active").order_by(Instructor.id)).all()


def staff_users() -> list[User]:
    """Active staff accounts, who may coordinate a center."""
    from ...accounts.roles import STAFF

    return db.session.scalars(select(User).where(User.role.in_([str(r) for r in STAFF]), User.active.is_(True))
                              .order_by(User.name)).all()


def instructor_list(status: str | None, district: str | None) -> tuple[list[Instructor], dict[int, int]]:
    """Instructors in a status (or "ahead": applicants not yet teaching) and district, with their live loads."""
    stmt = select(Instructor).order_by(Instructor.status, Instructor.id)
    if status in PIPELINE:
        stmt = stmt.where(Instructor.status == status)
    elif status == "ahead":
        from .reports import PIPELINE_AHEAD

        stmt = stmt.where(Instructor.status.in_(PIPELINE_AHEAD))
    if district:
        from ...people.models import Person

        stmt = stmt.join(Person, Person.id == Instructor.person_id).where(Person.district == district)
    loads = dict(db.session.execute(select(Match.instructor_id, func.count(Match.id))
                                    .where(Match.ended_at.is_(None)).group_by(Match.instructor_id)).all())
    return db.session.scalars(stmt).all(), loads


def learner_page(district: str | None, only_waiting: bool, page: int, per_page: int) -> tuple[list[Learner], int]:
    """One page of learners (newest first) in a district, or only those waiting, and how many there are."""
    stmt = select(Learner).order_by(Learner.id.desc())
    if district:
        stmt = stmt.where(Learner.district == district)
    if only_waiting:
        stmt = stmt.where(is_waiting())
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all(), total


def learner_record(learner: Learner) -> dict:
    """A learner's matches (newest first), lessons and flags, for the staff page."""
    from .models import LearnerFlag

    matches = db.session.scalars(select(Match).where(Match.learner_id == learner.id)
                                 .options(joinedload(Match.instructor), joinedload(Match.center))
                                 .order_by(Match.created_at.desc())).all()
    lessons = db.session.scalars(select(LessonLog).where(LessonLog.learner_id == learner.id)
                                 .order_by(LessonLog.lesson_date.desc())).all()
    flags = db.session.scalars(select(LearnerFlag).where(LearnerFlag.learner_id == learner.id)
                               .order_by(LearnerFlag.raised_on.desc(), LearnerFlag.id.desc())).all()
    return {"matches": matches, "lessons": lessons, "flags": flags,
            "live": next((m for m in matches if m.ended_at is None), None)}


def matching_overview() -> dict:
    """Waiting learners, live matches and live matches by tier (nearest first), for the matching page."""
    live = db.session.scalar(select(func.count(Match.id)).where(Match.ended_at.is_(None)))
    tiers = db.session.execute(select(Match.tier, func.count(Match.id)).where(Match.ended_at.is_(None))
                               .group_by(Match.tier)).all()
    order = {t: i for i, t in enumerate(("district", "adjacent", "zone", "further"))}
    return {"waiting": db.session.scalar(select(func.count(Learner.id)).where(is_waiting())), "live": live,
            "tiers": sorted(tiers, key=lambda r: order.get(r[0], 9))}


def coordinated_center_ids(user) -> set[int]:
    return set(db.session.scalars(select(Center.id).where(Center.coordinator_id == user.id)))


def recent_closed_flags(limit: int = 20):
    from .models import LearnerFlag

    return db.session.scalars(select(LearnerFlag).where(LearnerFlag.closed_at.is_not(None))
                              .order_by(LearnerFlag.closed_at.desc()).limit(limit)).all()


def instructor_day(instructor: Instructor, today: date) -> tuple[set[int], list[LessonLog]]:
    """Learners this instructor logged today, and their ten latest lesson logs."""
    logged_today = set(db.session.scalars(select(LessonLog.learner_id).where(
        LessonLog.instructor_id == instructor.id, LessonLog.lesson_date == today)))
    recent = db.session.scalars(select(LessonLog).where(LessonLog.instructor_id == instructor.id)
                                .options(joinedload(LessonLog.learner))
                                .order_by(LessonLog.lesson_date.desc(), LessonLog.id.desc()).limit(10)).all()
    return logged_today, recent


def content_items(active_only: bool = False) -> list[OnlineContent]:
    stmt = select(OnlineContent).order_by(OnlineContent.id)
    if active_only:
        stmt = stmt.where(OnlineContent.active.is_(True))
    return db.session.scalars(stmt).all()


def active_content(slug: str) -> OnlineContent | None:
    return db.session.scalar(select(OnlineContent).where(OnlineContent.slug == slug, OnlineContent.active.is_(True)))


def recent_imports(limit: int = 10) -> list[ImportJob]:
    return db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc()).limit(limit)).all()


def feedback_for(lesson: LessonLog) -> LessonFeedback | None:
    return db.session.scalar(select(LessonFeedback).where(LessonFeedback.lesson_id == lesson.id))
