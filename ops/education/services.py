"""Education rules: courses and sessions, enrolment with a waiting list, attendance, completion.

Every state change goes through here; views, the scanner handler, the CLI and the
demo seeder call these functions and commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from ..core.errors import AlreadyCancelled, DomainError, InvalidInput
from ..core.timeutil import SEOUL, seoul_to_utc, to_seoul, utcnow
from ..extensions import db
from ..notify.services import queue_message
from ..passes.capacity import (OfferGone, lapse_offers, promote_waitlist, release_seat, settle_offer, take_seat,
                               waitlist_position)
from ..passes.checkin import AlreadyCheckedIn, live_checkin, perform_checkin, undo_checkin
from ..passes.codes import sign_code
from ..passes.models import CheckIn
from .models import (AUDIENCES, CANCELLED, CITIZENS, CITY_STAFF, CONFIRMED, INSTITUTION, INSTITUTION_KINDS, KINDS,
                     OFFERED, WAITLISTED, DEFAULT_OFFER_HOURS, Certificate, Course, CourseSession, Enrolment,
                     EnrolmentHistory, Institution, InstitutionCoordinator)

ATTENDANCE = "attendance"


class InvalidCourse(InvalidInput):
    """Bad course, session or institution data."""

    code = "invalid_course"


CHECK_FIELD = _l("Please check this field.")


class CourseClosed(DomainError):
    code = "closed"


class EnrolmentClosed(CourseClosed):
    """Enrolment closed when the first session started (or at the time staff set); staff can still
    add someone late with a reason (``late_reason``)."""

    code = "enrolment_closed"


class LateReasonNeeded(EnrolmentClosed):
    code = "late_reason_needed"


class NotAttendanceTime(DomainError):
    """Attendance is taken only from shortly before a session starts until a while after it ends."""

    code = "not_attendance_time"

    def __init__(self, opens: datetime, closes: datetime):
        super().__init__(self.code)
        self.opens, self.closes = opens, closes

    def hours(self) -> dict:
        """The window in Seoul time, for the message."""
        return {"opens": to_seoul(self.opens).strftime("%m-%d %H:%M"), "closes": to_seoul(self.closes).strftime("%H:%M")}


class NotForThisInstitution(DomainError):
    code = "not_for_this_institution"


class NotCoordinator(DomainError):
    code = "not_coordinator"


class NotConfirmed(DomainError):
    code = "not_confirmed"


class WrongCourse(DomainError):
    code = "wrong_course"


# --- Institutions -----------------------------------------------------------------------------

def create_institution(name: str, kind: str = "public_agency") -> Institution:
    """Add a public institution (names are unique)."""
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise InvalidCourse({"name": CHECK_FIELD})
    if kind not in INSTITUTION_KINDS:
        raise InvalidCourse({"kind": CHECK_FIELD})
    if db.session.scalar(select(Institution.id).where(Institution.name == name)):
        raise InvalidCourse({"name": _l("An institution with this name exists.")})
    institution = Institution(name=name, kind=kind)
    db.session.add(institution)
    db.session.flush()
    return institution


def add_coordinator(institution: Institution, user) -> InstitutionCoordinator:
    """Let a user enrol this institution's people (idempotent)."""
    link = db.session.scalar(select(InstitutionCoordinator).where(
        InstitutionCoordinator.institution_id == institution.id, InstitutionCoordinator.user_id == user.id))
    if link is None:
        link = InstitutionCoordinator(institution_id=institution.id, user_id=user.id)
        db.session.add(link)
        db.session.flush()
    return link


def coordinated_institutions(user) -> list[Institution]:
    if not getattr(user, "is_authenticated", False):
        return []
    return db.session.scalars(select(Institution).join(InstitutionCoordinator)
                              .where(InstitutionCoordinator.user_id == user.id).order_by(Institution.name)).all()


def may_act_for(user, institution: Institution) -> bool:
    """Foundation staff act for any institution; others only for those they coordinate."""
    if user.has_role("staff", "manager"):
        return True
    return db.session.scalar(select(InstitutionCoordinator.id).where(
        InstitutionCoordinator.institution_id == institution.id,
        InstitutionCoordinator.user_id == user.id)) is not None


def courses_for_institution(institution: Institution, now: datetime | None = None) -> list[Course]:
    """Courses an institution may still enrol its people in: city-staff courses and its own, open now."""
    courses = db.session.scalars(select(Course).where(
        Course.open.is_(True),
        (Course.audience == CITY_STAFF) | ((Course.audience == INSTITUTION) & (Course.institution_id == institution.id)))
        .order_by(Course.year.desc(), Course.id)).all()
    return [course for course in courses if enrolment_open(course, now)]


# --- Courses and sessions ---------------------------------------------------------------------

def create_course(*, title_ko: str, title_en: str, kind: str, audience: str, year: int | None = None,
                  institution: Institution | None = None, capacity: int | None = None,
                  completion_percent: int = 80, description_ko: str | None = None,
                  description_en: str | None = None, offer_hours: int | None = DEFAULT_OFFER_HOURS,
                  enrol_closes_at: datetime | None = None) -> Course:
    """A new course; an institution's course names the institution. A freed place is offered to the first
    in line for ``offer_hours`` (0: given at once). ``enrol_closes_at`` (Seoul wall-clock time; none: when
    the first session starts) is when enrolment closes."""
    if not (title_ko or "").strip():
        raise InvalidCourse({"title_ko": CHECK_FIELD})
    if kind not in KINDS:
        raise InvalidCourse({"kind": CHECK_FIELD})
    if audience not in AUDIENCES:
        raise InvalidCourse({"audience": CHECK_FIELD})
    if audience == INSTITUTION and institution is None:
        raise InvalidCourse({"institution": _l("Please choose the institution.")})
    if capacity is not None and capacity < 1:
        raise InvalidCourse({"capacity": _l("The room must hold all of the course's places.")})
    if not 1 <= int(completion_percent) <= 100:
        raise InvalidCourse({"completion_percent": CHECK_FIELD})
    offer_hours = DEFAULT_OFFER_HOURS if offer_hours is None else _offer_hours(offer_hours)
    course = Course(title_ko=title_ko.strip(), title_en=(title_en or title_ko).strip(), kind=kind,
                    audience=audience, year=year or to_seoul(utcnow()).year,
                    institution_id=institution.id if (institution and audience == INSTITUTION) else None,
                    capacity=capacity, taken=0, completion_percent=int(completion_percent), offer_hours=offer_hours,
                    enrol_closes_at=seoul_to_utc(enrol_closes_at) if enrol_closes_at else None,
                    description_ko=description_ko or None, description_en=description_en or None)
    db.session.add(course)
    db.session.flush()
    return course


MAX_OFFER_HOURS = 24 * 14


def _offer_hours(value) -> int:
    try:
        hours = int(value)
    except (TypeError, ValueError):
        hours = -1
    if not 0 <= hours <= MAX_OFFER_HOURS:
        raise InvalidCourse({"offer_hours": _l("Enter hours from 0 to 336 (two weeks); 0 gives a freed place at "
                                               "once.")})
    return hours


def change_settings(course: Course, *, capacity: int | None, open: bool, offer_hours: int | None,
                    enrol_closes_at: datetime | None) -> list[Enrolment]:
    """Staff change a course's places, whether enrolment is open, how long a freed place is held for the
    first in line (None: unchanged), and when enrolment closes (Seoul wall-clock time; none: when the first
    session starts, and never after the last session ends). More places move the waiting list up; the
    caller commits."""
    hours = course.offer_hours if offer_hours is None else _offer_hours(offer_hours)
    closes = seoul_to_utc(enrol_closes_at) if enrol_closes_at else None
    if closes is not None:
        last_end = db.session.scalar(select(func.max(CourseSession.ends_at))
                                     .where(CourseSession.course_id == course.id))
        if last_end is not None and closes > last_end:
            raise InvalidCourse({"enrol_closes_day": _l("Enrolment cannot close after the course's last session "
                                                        "ends.")})
    promoted = set_capacity(course, capacity)
    course.open, course.offer_hours, course.enrol_closes_at = bool(open), hours, closes
    db.session.flush()
    return promoted


def add_session(course: Course, *, starts: datetime, ends: datetime, place: str | None = None,
                online_url: str | None = None, capacity: int | None = None, teacher: str | None = None,
                teacher_user=None) -> CourseSession:
    """Add a meeting; ``starts``/``ends`` are Seoul wall-clock times."""
    if ends <= starts:
        raise InvalidCourse({"ends": _l("The end must be after the start.")})
    place, online_url = (place or "").strip() or None, (online_url or "").strip() or None
    if not place and not online_url:
        raise InvalidCourse({"place": _l("Please give a place or an online link.")})
    if online_url and not online_url.startswith(("https://", "http://")):
        raise InvalidCourse({"online_url": _l("Please enter a web address.")})
    # The course's places are shared by all its sessions, so every room must hold them all.
    if capacity is not None and (capacity < 1 or (course.capacity is not None and capacity < course.capacity)):
        raise InvalidCourse({"capacity": _l("The room must hold all of the course's places.")})
    session = CourseSession(course_id=course.id, starts_at=seoul_to_utc(starts), ends_at=seoul_to_utc(ends),
                            place=place, online_url=online_url, capacity=capacity,
                            teacher=(teacher or "").strip() or None, teacher_user_id=getattr(teacher_user, "id", None))
    db.session.add(session)
    db.session.flush()
    return session


def set_capacity(course: Course, capacity: int | None) -> list[Enrolment]:
    """Change a course's places; more places promote the waiting list at once."""
    # Locked, so that an enrolment taking a place meanwhile cannot slip under a lowered capacity.
    db.session.execute(select(Course.id).where(Course.id == course.id).with_for_update())
    db.session.refresh(course)
    if capacity is not None and capacity < course.taken:
        raise InvalidCourse({"capacity": _l("More people than that already have a place: cancel some first.")})
    course.capacity = capacity
    db.session.flush()
    return _promote(course)


# --- Enrolment --------------------------------------------------------------------------------

def enrolment_url(enrolment: Enrolment) -> str:
    return f"{current_app.config['OPS_BASE_URL'].rstrip('/')}/education/e/{enrolment.code}"


def live_enrolment(course_id: int, person_id: int) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(
        Enrolment.course_id == course_id, Enrolment.person_id == person_id, Enrolment.status != CANCELLED))


def enrolment_closes_at(course: Course) -> datetime | None:
    """When enrolment closes (UTC): the time staff set, else when the first session starts."""
    if course.enrol_closes_at is not None:
        return course.enrol_closes_at
    return db.session.scalar(select(func.min(CourseSession.starts_at)).where(CourseSession.course_id == course.id))


def enrolment_open(course: Course, now: datetime | None = None) -> bool:
    closes = enrolment_closes_at(course)
    return course.open and (closes is None or (now or utcnow()) < closes)


def enrol(course: Course, person, *, institution: Institution | None = None, source: str = "web",
          by_user=None, locale: str = "ko", late_reason: str | None = None,
          now: datetime | None = None) -> tuple[Enrolment, bool]:
    """Give the person a place, or a place in line; the same person twice gets their enrolment back.

    Returns (enrolment, created). The seat is taken by one conditional UPDATE, so
    concurrent enrolments never exceed the capacity; the caller commits. After enrolment
    closes (``enrolment_closes_at``) only staff can add someone, giving ``late_reason``,
    which is kept on the enrolment with who added them.
    """
    now = now or utcnow()
    existing = live_enrolment(course.id, person.id)
    if existing is not None:
        return existing, False
    if not course.open:
        raise CourseClosed()
    late_reason = " ".join((late_reason or "").split())[:300] or None
    if not enrolment_open(course, now):
        if source != "staff" or by_user is None or not by_user.has_role("staff", "manager"):
            raise EnrolmentClosed()
        if late_reason is None:
            raise LateReasonNeeded()
    else:
        late_reason = None
    if course.audience == INSTITUTION and (institution is None or institution.id != course.institution_id):
        raise NotForThisInstitution()
    seated = take_seat(Course, course.id)
    enrolment = Enrolment(course_id=course.id, person_id=person.id, institution_id=getattr(institution, "id", None),
                          status=CONFIRMED if seated else WAITLISTED, code=sign_code("A", course.scope).text,
                          source=source, enrolled_by_id=getattr(by_user, "id", None), late_reason=late_reason,
                          created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(enrolment)
            db.session.flush()
    except IntegrityError:  # the same person enrolled from another request a moment ago
        if seated:
            release_seat(Course, course.id)
        existing = live_enrolment(course.id, person.id)
        if existing is None:
            raise
        return existing, False
    data = {"course": course.title(locale), "url": enrolment_url(enrolment)}
    if seated:
        template = "education.enrolled"
    else:
        template = "education.waitlisted"
        data["position"] = waitlist_position(Enrolment, Enrolment.course_id, enrolment)
    queue_message(template=template, person=person, data=data, locale=locale, purpose="service",
                  dedup_key=f"education-enrolled:{enrolment.id}")
    return enrolment, True


def send_enrolment_again(enrolment: Enrolment, locale: str = "ko") -> bool:
    """Someone enrolled again with this person's name and phone: the enrolment link goes to the
    phone on file (never to the caller), at most once per 10 minutes; True when queued now."""
    from ..notify.services import queue_at_most_every

    person = enrolment.person
    return queue_at_most_every(timedelta(minutes=10), template="education.enrolled_again",
                               key=f"education-enrolled-again:{enrolment.id}", person_id=person.id,
                               recipient=person.phone, locale=locale,
                               data={"course": enrolment.course.title(locale), "url": enrolment_url(enrolment)})


def position_in_line(enrolment: Enrolment) -> int | None:
    if enrolment.status != WAITLISTED:
        return None
    return waitlist_position(Enrolment, Enrolment.course_id, enrolment)


def _history(enrolment: Enrolment, what: str, at: datetime, until: datetime | None = None) -> None:
    db.session.add(EnrolmentHistory(enrolment_id=enrolment.id, what=what, at=at, until=until))


def enrolment_history(enrolment: Enrolment) -> list[EnrolmentHistory]:
    return list(db.session.scalars(select(EnrolmentHistory).where(EnrolmentHistory.enrolment_id == enrolment.id)
                                   .order_by(EnrolmentHistory.at, EnrolmentHistory.id)))


def _promote(course: Course, locale: str = "ko", now: datetime | None = None) -> list[Enrolment]:
    """Freed places go to the first in line: at once (``offer_hours`` 0), or as an offer they accept in time.

    An offered place stays taken (held for them), so a new enrolment meanwhile joins the line."""
    now = now or utcnow()
    hours = course.offer_hours or 0
    promoted = promote_waitlist(Course, course.id, Enrolment, Enrolment.course_id,
                                promote_to=OFFERED if hours else CONFIRMED)
    for entry in promoted:
        if hours:
            entry.offer_expires_at = now + timedelta(hours=hours)
            _history(entry, "offered", now, entry.offer_expires_at)
            queue_message(template="education.offered", person=entry.person, purpose="service", locale=locale,
                          data={"course": course.title(locale), "url": enrolment_url(entry),
                                "until": to_seoul(entry.offer_expires_at).strftime("%m-%d %H:%M")},
                          dedup_key=f"education-offered:{entry.id}:{entry.offer_expires_at:%Y%m%d%H%M}")
        else:
            queue_message(template="education.promoted", person=entry.person, purpose="service", locale=locale,
                          data={"course": course.title(locale), "url": enrolment_url(entry)},
                          dedup_key=f"education-promoted:{entry.id}")
    db.session.flush()
    return promoted


def accept_offer(enrolment_id: int, now: datetime | None = None) -> Enrolment:
    """The learner takes the place offered to them, if the offer has not expired (OfferGone otherwise)."""
    now = now or utcnow()
    if not settle_offer(Enrolment, enrolment_id, now, accepted=True, status=CONFIRMED, offer_expires_at=None):
        raise OfferGone()
    enrolment = db.session.get(Enrolment, enrolment_id, populate_existing=True)
    _history(enrolment, "accepted", now)
    db.session.flush()
    return enrolment


def expire_offers(now: datetime | None = None) -> int:
    """Offers not accepted in time lapse and move on to the next in line; returns how many lapsed.

    Each offer is taken by one conditional UPDATE, so two sweeps (or a sweep and a late accept)
    never both act on it. The caller commits."""
    now = now or utcnow()
    lapsed = 0
    for enrolment in lapse_offers(Enrolment, now, cancelled_at=now):
        _history(enrolment, "expired", now)
        release_seat(Course, enrolment.course_id)
        _promote(db.session.get(Course, enrolment.course_id), now=now)
        lapsed += 1
    db.session.flush()
    return lapsed


def cancel_enrolment(enrolment_id: int, *, by_user=None, locale: str = "ko") -> tuple[Enrolment, list[Enrolment]]:
    """Cancel; a freed place goes to the first in line, who is told at once. Returns (cancelled, promoted)."""
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.id == enrolment_id).with_for_update())
    if enrolment is None:
        raise WrongCourse()
    if enrolment.status == CANCELLED:
        raise AlreadyCancelled()
    was_confirmed = enrolment.status in (CONFIRMED, OFFERED)  # an offered place is held: it frees too
    enrolment.status = CANCELLED
    enrolment.offer_expires_at = None
    enrolment.cancelled_at = utcnow()
    db.session.flush()
    course = db.session.get(Course, enrolment.course_id)
    queue_message(template="education.cancelled", person=enrolment.person, purpose="service", locale=locale,
                  data={"course": course.title(locale)}, dedup_key=f"education-cancelled:{enrolment.id}")
    promoted: list[Enrolment] = []
    if was_confirmed:
        release_seat(Course, course.id)
        promoted = _promote(course, locale)
    return enrolment, promoted


# --- Attendance -------------------------------------------------------------------------------

def session_for_scan(course: Course, occasion: str | None, now: datetime | None = None) -> CourseSession | None:
    """The session a scan is for: the one named, else the course's session today (Seoul time)."""
    if occasion:
        if not str(occasion).isdigit():
            return None
        return db.session.scalar(select(CourseSession).where(CourseSession.id == int(occasion),
                                                             CourseSession.course_id == course.id))
    now = now or utcnow()
    day_start, day_end = seoul_day_bounds(to_seoul(now).date())
    todays = db.session.scalars(select(CourseSession).where(
        CourseSession.course_id == course.id, CourseSession.starts_at >= day_start,
        CourseSession.starts_at < day_end).order_by(CourseSession.starts_at)).all()
    if not todays:
        return None
    # Two sessions on one day (morning and afternoon): the one under way, else the nearest.
    for session in todays:
        if session.starts_at - timedelta(hours=1) <= now <= session.ends_at:
            return session
    return min(todays, key=lambda s: abs((s.starts_at - now).total_seconds()))


def attendance_window(session: CourseSession) -> tuple[datetime, datetime]:
    """From when until when (UTC) attendance at a session is taken (OPS_ATTENDANCE_OPENS_BEFORE/CLOSES_AFTER)."""
    config = current_app.config
    return (session.starts_at - timedelta(minutes=config.get("OPS_ATTENDANCE_OPENS_BEFORE", 30)),
            session.ends_at + timedelta(minutes=config.get("OPS_ATTENDANCE_CLOSES_AFTER", 120)))


def check_attendance_time(session: CourseSession, now: datetime | None = None) -> None:
    """NotAttendanceTime unless ``now`` is inside the session's attendance window."""
    opens, closes = attendance_window(session)
    if not opens <= (now or utcnow()) <= closes:
        raise NotAttendanceTime(opens, closes)


def record_attendance(enrolment: Enrolment, session: CourseSession, *, by_user=None, gate: str | None = None,
                      method: str = "scan", now: datetime | None = None) -> CheckIn:
    """Mark one confirmed enrolment present at one session; AlreadyCheckedIn when it already is,
    NotAttendanceTime outside the session's attendance window."""
    if session.course_id != enrolment.course_id:
        raise WrongCourse()
    if enrolment.status == CANCELLED:
        raise AlreadyCancelled()
    if enrolment.status != CONFIRMED:
        raise NotConfirmed()
    check_attendance_time(session, now)
    checkin = perform_checkin(kind=ATTENDANCE, subject_id=enrolment.id, scope_id=enrolment.course_id,
                              occasion=str(session.id), gate=gate, by_user=by_user, method=method)
    if now is not None:  # recorded as of the time given (a paper roll entered later, a test's clock)
        checkin.at = now
    return checkin


def present_ids(session: CourseSession) -> set[int]:
    return set(db.session.scalars(select(CheckIn.subject_id).where(
        CheckIn.kind == ATTENDANCE, CheckIn.scope_id == session.course_id, CheckIn.occasion == str(session.id),
        CheckIn.undone_at.is_(None))))


def attended_session_ids(enrolment: Enrolment) -> set[int]:
    return {int(o) for o in db.session.scalars(select(CheckIn.occasion).where(
        CheckIn.kind == ATTENDANCE, CheckIn.subject_id == enrolment.id, CheckIn.undone_at.is_(None)))}


def roll_call(session: CourseSession, present: set[int], *, by_user=None,
              now: datetime | None = None) -> tuple[int, int]:
    """The teacher's checklist: tick who is here, untick a mistake. Returns (marked, unmarked).

    Only inside the session's attendance window (NotAttendanceTime otherwise)."""
    check_attendance_time(session, now)
    confirmed = set(db.session.scalars(select(Enrolment.id).where(
        Enrolment.course_id == session.course_id, Enrolment.status == CONFIRMED)))
    present = set(present) & confirmed
    already = present_ids(session)
    marked = unmarked = 0
    for enrolment_id in sorted(present - already):
        try:
            perform_checkin(kind=ATTENDANCE, subject_id=enrolment_id, scope_id=session.course_id,
                            occasion=str(session.id), by_user=by_user, method="roll-call")
        except AlreadyCheckedIn:  # scanned at the door while the teacher was ticking
            continue
        marked += 1
    for enrolment_id in sorted((already & confirmed) - present):
        checkin = live_checkin(ATTENDANCE, enrolment_id, str(session.id))
        if checkin is not None:
            undo_checkin(checkin, by_user=by_user, reason="roll call")
            unmarked += 1
    return marked, unmarked


def attended_counts(course_id: int) -> dict[int, int]:
    """Sessions attended per enrolment of one course (one query)."""
    rows = db.session.execute(select(CheckIn.subject_id, func.count(func.distinct(CheckIn.occasion))).where(
        CheckIn.kind == ATTENDANCE, CheckIn.scope_id == course_id, CheckIn.undone_at.is_(None))
        .group_by(CheckIn.subject_id))
    return {subject: count for subject, count in rows}


def session_count(course_id: int) -> int:
    return db.session.scalar(select(func.count(CourseSession.id)).where(CourseSession.course_id == course_id)) or 0


def meets_rule(course: Course, attended: int, sessions: int) -> bool:
    """The course's completion rule: attended at least ``completion_percent`` % of its sessions."""
    return sessions > 0 and attended * 100 >= course.completion_percent * sessions


def course_ended(course_id: int, now: datetime | None = None) -> bool:
    """Whether the course's last session has ended (a course without sessions has not)."""
    last = db.session.scalar(select(func.max(CourseSession.ends_at)).where(CourseSession.course_id == course_id))
    return last is not None and last <= (now or utcnow())


def is_complete(enrolment: Enrolment, now: datetime | None = None) -> bool:
    """Completed: confirmed, the course's last session has ended, and the completion rule is met."""
    if enrolment.status != CONFIRMED or not course_ended(enrolment.course_id, now):
        return False
    attended = attended_counts(enrolment.course_id).get(enrolment.id, 0)
    return meets_rule(enrolment.course, attended, session_count(enrolment.course_id))


def seoul_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = seoul_to_utc(datetime.combine(day, datetime.min.time()).replace(tzinfo=SEOUL))
    return start, start + timedelta(days=1)


def enrol_person(course: Course, *, name: str, phone: str, birth_year: int | None = None,
                 district: str | None = None, institution: Institution | None = None,
                 sms_consent: bool | None = None, source: str = "web", by_user=None,
                 locale: str = "ko", late_reason: str | None = None) -> tuple[Enrolment, bool]:
    """Enrol a person from their details, recording the consent they gave (as bus and eodina do).

    The collection consent is recorded with a new enrolment (the caller checked it was given);
    the SMS decision too when the form asked for it (``sms_consent`` not None)."""
    from ..people.consent import COLLECTION, SMS_REMINDERS
    from ..people.services import find_or_create_person, record_consent

    person = find_or_create_person(name, phone, birth_year=birth_year, district=district)
    enrolment, created = enrol(course, person, institution=institution, source=source, by_user=by_user,
                               locale=locale, late_reason=late_reason)
    if created:
        by = {"source": "staff", "recorded_by": by_user} if source == "staff" else {}
        record_consent(person, COLLECTION, True, **by)
        if sms_consent is not None:
            record_consent(person, SMS_REMINDERS, bool(sms_consent), **by)
    return enrolment, created


# --- What the pages show ----------------------------------------------------------------------
# The routes only parse, call and answer: the lists they show are read here.

PAST_SHOWN = 20  # finished courses listed under "past", newest first


def public_courses(now: datetime | None = None) -> tuple[list[Course], list[Course]]:
    """Citizens' courses they can still join (soonest first), and the finished ones (newest first, at most
    ``PAST_SHOWN``). A course that has begun but whose enrolment is closed is in neither."""
    now = now or utcnow()
    listed = db.session.scalars(select(Course).options(selectinload(Course.sessions))
                                .where(Course.audience == CITIZENS)).all()
    joinable = sorted((c for c in listed if c.sessions and enrolment_open(c, now)),
                      key=lambda c: (c.sessions[0].starts_at, c.id))
    past = sorted((c for c in listed if c.sessions and c.sessions[-1].ends_at <= now),
                  key=lambda c: (c.sessions[-1].ends_at, c.id), reverse=True)[:PAST_SHOWN]
    return joinable, past


def enrolment_by_code(text: str) -> Enrolment | None:
    """The enrolment a verified code's text names."""
    return db.session.scalar(select(Enrolment).where(Enrolment.code == text))


def list_institutions(*, with_coordinators: bool = False) -> list[Institution]:
    """Every institution by name (with its coordinators loaded for the staff list)."""
    stmt = select(Institution).order_by(Institution.name)
    if with_coordinators:
        stmt = stmt.options(selectinload(Institution.coordinators))
    return db.session.scalars(stmt).all()


def user_by_email(email: str | None, field: str):
    """The account with this login e-mail, or ``InvalidCourse`` on ``field``."""
    from ..accounts.models import User

    user = db.session.scalar(select(User).where(User.email == (email or "").strip().lower())) if email else None
    if user is None:
        raise InvalidCourse({field: _l("No account has this e-mail.")})
    return user


def add_coordinator_by_email(institution: Institution, email: str | None) -> InstitutionCoordinator:
    return add_coordinator(institution, user_by_email(email, "email"))


def add_session_taught_by(course: Course, *, teacher_email: str | None = None, **session) -> CourseSession:
    """``add_session`` with the teacher's account named by its login e-mail (for the roll call), if given."""
    teacher_user = user_by_email(teacher_email, "teacher_email") if teacher_email else None
    return add_session(course, teacher_user=teacher_user, **session)


@dataclass
class CourseRoster:
    """The staff course page's lists: its enrolments (confirmed first, then by when they came), each one's
    attended sessions, certificate and history, and how many sessions the course has."""

    enrolments: list[Enrolment]
    counts: dict[int, int]
    sessions: int
    certificates: dict[int, Certificate]
    history: dict[int, list[EnrolmentHistory]]


def course_roster(course: Course) -> CourseRoster:
    enrolments = db.session.scalars(select(Enrolment).options(selectinload(Enrolment.person),
                                                              selectinload(Enrolment.institution))
                                    .where(Enrolment.course_id == course.id)
                                    .order_by(Enrolment.status != CONFIRMED, Enrolment.created_at, Enrolment.id)).all()
    ids = [e.id for e in enrolments]
    certificates = {c.enrolment_id: c for c in db.session.scalars(select(Certificate).where(
        Certificate.enrolment_id.in_(ids)))} if ids else {}
    history: dict[int, list[EnrolmentHistory]] = {}
    for row in db.session.scalars(select(EnrolmentHistory).where(EnrolmentHistory.enrolment_id.in_(ids))
                                  .order_by(EnrolmentHistory.at)) if ids else ():
        history.setdefault(row.enrolment_id, []).append(row)
    return CourseRoster(enrolments, attended_counts(course.id), session_count(course.id), certificates, history)


def roll_call_list(session: CourseSession) -> list[Enrolment]:
    """The confirmed learners of a session's course, in the order the teacher calls them (by name)."""
    enrolments = db.session.scalars(select(Enrolment).options(selectinload(Enrolment.person)).where(
        Enrolment.course_id == session.course_id, Enrolment.status == CONFIRMED)).all()
    enrolments.sort(key=lambda e: (e.person.name, e.id))
    return enrolments
