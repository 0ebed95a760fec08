"""Education rules: courses and sessions, enrolment with a waiting list, attendance, completion.

Every state change goes through here; views, the scanner handler, the CLI and the
demo seeder call these functions and commit.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from ..core.errors import DomainError
from ..core.timeutil import SEOUL, seoul_to_utc, to_seoul, utcnow
from ..extensions import db
from ..notify.services import queue_message
from ..passes.capacity import promote_waitlist, release_seat, take_seat, waitlist_position
from ..passes.checkin import AlreadyCheckedIn, live_checkin, perform_checkin, undo_checkin
from ..passes.codes import sign_code
from ..passes.models import CheckIn
from .models import (AUDIENCES, CANCELLED, CITY_STAFF, CONFIRMED, INSTITUTION, INSTITUTION_KINDS, KINDS,
                     WAITLISTED, Course, CourseSession, Enrolment, Institution, InstitutionCoordinator)

ATTENDANCE = "attendance"


class InvalidCourse(DomainError):
    """Bad course or session data; ``field`` names what to fix."""

    code = "invalid_course"

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


class CourseClosed(DomainError):
    code = "closed"


class NotForThisInstitution(DomainError):
    code = "not_for_this_institution"


class NotCoordinator(DomainError):
    code = "not_coordinator"


class AlreadyCancelled(DomainError):
    code = "cancelled"


class NotConfirmed(DomainError):
    code = "not_confirmed"


class WrongCourse(DomainError):
    code = "wrong_course"


# --- Institutions -----------------------------------------------------------------------------

def create_institution(name: str, kind: str = "public_agency") -> Institution:
    """Add a public institution (names are unique)."""
    name = " ".join((name or "").split())
    if not name or len(name) > 200:
        raise InvalidCourse("name")
    if kind not in INSTITUTION_KINDS:
        raise InvalidCourse("kind")
    if db.session.scalar(select(Institution.id).where(Institution.name == name)):
        raise InvalidCourse("name_taken")
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


def courses_for_institution(institution: Institution) -> list[Course]:
    """Open courses an institution may enrol its people in: city-staff courses and its own."""
    return db.session.scalars(select(Course).where(
        Course.open.is_(True),
        (Course.audience == CITY_STAFF) | ((Course.audience == INSTITUTION) & (Course.institution_id == institution.id)))
        .order_by(Course.year.desc(), Course.id)).all()


# --- Courses and sessions ---------------------------------------------------------------------

def create_course(*, title_ko: str, title_en: str, kind: str, audience: str, year: int | None = None,
                  institution: Institution | None = None, capacity: int | None = None,
                  completion_percent: int = 80, description_ko: str | None = None,
                  description_en: str | None = None) -> Course:
    """A new course; an institution's course names the institution."""
    if not (title_ko or "").strip():
        raise InvalidCourse("title_ko")
    if kind not in KINDS:
        raise InvalidCourse("kind")
    if audience not in AUDIENCES:
        raise InvalidCourse("audience")
    if audience == INSTITUTION and institution is None:
        raise InvalidCourse("institution")
    if capacity is not None and capacity < 1:
        raise InvalidCourse("capacity")
    if not 1 <= int(completion_percent) <= 100:
        raise InvalidCourse("completion_percent")
    course = Course(title_ko=title_ko.strip(), title_en=(title_en or title_ko).strip(), kind=kind,
                    audience=audience, year=year or to_seoul(utcnow()).year,
                    institution_id=institution.id if (institution and audience == INSTITUTION) else None,
                    capacity=capacity, taken=0, completion_percent=int(completion_percent),
                    description_ko=description_ko or None, description_en=description_en or None)
    db.session.add(course)
    db.session.flush()
    return course


def add_session(course: Course, *, starts: datetime, ends: datetime, place: str | None = None,
                online_url: str | None = None, capacity: int | None = None, teacher: str | None = None,
                teacher_user=None) -> CourseSession:
    """Add a meeting; ``starts``/``ends`` are Seoul wall-clock times."""
    if ends <= starts:
        raise InvalidCourse("ends")
    place, online_url = (place or "").strip() or None, (online_url or "").strip() or None
    if not place and not online_url:
        raise InvalidCourse("place")
    if online_url and not online_url.startswith(("https://", "http://")):
        raise InvalidCourse("online_url")
    # The course's places are shared by all its sessions, so every room must hold them all.
    if capacity is not None and (capacity < 1 or (course.capacity is not None and capacity < course.capacity)):
        raise InvalidCourse("capacity")
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
        raise InvalidCourse("capacity_below_taken")
    course.capacity = capacity
    db.session.flush()
    return _promote(course)


# --- Enrolment --------------------------------------------------------------------------------

def enrolment_url(enrolment: Enrolment) -> str:
    return f"{current_app.config['OPS_BASE_URL'].rstrip('/')}/education/e/{enrolment.code}"


def live_enrolment(course_id: int, person_id: int) -> Enrolment | None:
    return db.session.scalar(select(Enrolment).where(
        Enrolment.course_id == course_id, Enrolment.person_id == person_id, Enrolment.status != CANCELLED))


def enrol(course: Course, person, *, institution: Institution | None = None, source: str = "web",
          by_user=None, locale: str = "ko") -> tuple[Enrolment, bool]:
    """Give the person a place, or a place in line; the same person twice gets their enrolment back.

    Returns (enrolment, created). The seat is taken by one conditional UPDATE, so
    concurrent enrolments never exceed the capacity; the caller commits.
    """
    existing = live_enrolment(course.id, person.id)
    if existing is not None:
        return existing, False
    if not course.open:
        raise CourseClosed()
    if course.audience == INSTITUTION and (institution is None or institution.id != course.institution_id):
        raise NotForThisInstitution()
    seated = take_seat(Course, course.id)
    enrolment = Enrolment(course_id=course.id, person_id=person.id, institution_id=getattr(institution, "id", None),
                          status=CONFIRMED if seated else WAITLISTED, code=sign_code("A", course.scope).text,
                          source=source, enrolled_by_id=getattr(by_user, "id", None), created_at=utcnow())
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


def _promote(course: Course, locale: str = "ko") -> list[Enrolment]:
    promoted = promote_waitlist(Course, course.id, Enrolment, Enrolment.course_id)
    for entry in promoted:
        queue_message(template="education.promoted", person=entry.person, purpose="service", locale=locale,
                      data={"course": course.title(locale), "url": enrolment_url(entry)},
                      dedup_key=f"education-promoted:{entry.id}")
    return promoted


def cancel_enrolment(enrolment_id: int, *, by_user=None, locale: str = "ko") -> tuple[Enrolment, list[Enrolment]]:
    """Cancel; a freed place goes to the first in line, who is told at once. Returns (cancelled, promoted)."""
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.id == enrolment_id).with_for_update())
    if enrolment is None:
        raise WrongCourse()
    if enrolment.status == CANCELLED:
        raise AlreadyCancelled()
    was_confirmed = enrolment.status == CONFIRMED
    enrolment.status = CANCELLED
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


def record_attendance(enrolment: Enrolment, session: CourseSession, *, by_user=None, gate: str | None = None,
                      method: str = "scan") -> CheckIn:
    """Mark one confirmed enrolment present at one session; AlreadyCheckedIn when it already is."""
    if session.course_id != enrolment.course_id:
        raise WrongCourse()
    if enrolment.status == CANCELLED:
        raise AlreadyCancelled()
    if enrolment.status != CONFIRMED:
        raise NotConfirmed()
    return perform_checkin(kind=ATTENDANCE, subject_id=enrolment.id, scope_id=enrolment.course_id,
                           occasion=str(session.id), gate=gate, by_user=by_user, method=method)


def present_ids(session: CourseSession) -> set[int]:
    return set(db.session.scalars(select(CheckIn.subject_id).where(
        CheckIn.kind == ATTENDANCE, CheckIn.scope_id == session.course_id, CheckIn.occasion == str(session.id),
        CheckIn.undone_at.is_(None))))


def attended_session_ids(enrolment: Enrolment) -> set[int]:
    return {int(o) for o in db.session.scalars(select(CheckIn.occasion).where(
        CheckIn.kind == ATTENDANCE, CheckIn.subject_id == enrolment.id, CheckIn.undone_at.is_(None)))}


def roll_call(session: CourseSession, present: set[int], *, by_user=None) -> tuple[int, int]:
    """The teacher's checklist: tick who is here, untick a mistake. Returns (marked, unmarked)."""
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


def is_complete(enrolment: Enrolment) -> bool:
    if enrolment.status != CONFIRMED:
        return False
    attended = attended_counts(enrolment.course_id).get(enrolment.id, 0)
    return meets_rule(enrolment.course, attended, session_count(enrolment.course_id))


def seoul_day_bounds(day: date) -> tuple[datetime, datetime]:
    start = seoul_to_utc(datetime.combine(day, datetime.min.time()).replace(tzinfo=SEOUL))
    return start, start + timedelta(days=1)
