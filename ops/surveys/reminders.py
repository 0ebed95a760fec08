"""The survey texts: after each event day, to those checked in that day; after a course, to those who attended."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..core.timeutil import to_seoul
from ..extensions import db
from ..notify.registry import message_template, reminder_source
from ..notify.services import consenting_to_reminders
from ..passes.models import CheckIn
from .models import COURSE, EVENT, SurveyInvite
from .services import OPEN_FOR, invite

message_template("surveys.event",
                 ko="[서울디지털재단] {title}에 와 주셔서 감사합니다. 만족도(0~10점)를 알려 주세요(1분): {url}",
                 en="[Seoul Digital Foundation] Thank you for coming to {title}. How was it (0–10, one minute)? {url}",
                 subject_ko="{title} 만족도 조사", subject_en="{title}: how was it?")
message_template("surveys.course",
                 ko="[서울디지털재단] {title} 교육에 참여해 주셔서 감사합니다. 만족도(1~5점)를 알려 주세요: {url}",
                 en="[Seoul Digital Foundation] Thank you for taking {title}. How was it (1–5)? {url}",
                 subject_ko="{title} 만족도 조사", subject_en="{title}: how was it?")

# An event day counts as over from this hour (Seoul); the texts then wait out the quiet hours.
DAY_OVER_HOUR = 18


def _not_asked(kind: str):
    return select(SurveyInvite.subject_id).where(SurveyInvite.subject_kind == kind)


@reminder_source("surveys.event_day")
def ask_after_event_days(now: datetime) -> int:
    """Ticket holders checked in on an event day that is over (the last two days), once per ticket."""
    from ..events.models import Event, Registration
    from ..events.services import CHECKIN_KIND

    local = to_seoul(now)
    days = [(local - timedelta(days=back)).date() for back in (2, 1)]
    if local.hour >= DAY_OVER_HOUR:
        days.append(local.date())
    asked = 0
    for day in days:
        rows = db.session.execute(
            select(Registration, Event.title_ko, Event.title_en)
            .join(CheckIn, CheckIn.subject_id == Registration.id).join(Event, Event.id == Registration.event_id)
            .where(CheckIn.kind == CHECKIN_KIND, CheckIn.occasion == day.isoformat(), CheckIn.undone_at.is_(None),
                   Registration.id.not_in(_not_asked(EVENT)))
            .options(selectinload(Registration.person))).all()
        consenting = consenting_to_reminders({registration.person_id for registration, *_titles in rows})
        for registration, title_ko, title_en in rows:
            if registration.person_id not in consenting:
                continue
            title = title_en if registration.locale == "en" and title_en else title_ko
            asked += invite(kind=EVENT, subject_id=registration.id, scope_id=registration.event_id,
                            person=registration.person, title=title, locale=registration.locale,
                            occasion=day.isoformat(), now=now) is not None
    return asked


@reminder_source("surveys.course_end")
def ask_after_courses(now: datetime) -> int:
    """Learners who attended a course whose last session has ended (within the survey's 14 days), once each."""
    from ..education.models import CONFIRMED, Course, CourseSession, Enrolment
    from ..education.services import ATTENDANCE

    ended = (select(CourseSession.course_id).group_by(CourseSession.course_id)
             .having(func.max(CourseSession.ends_at) <= now, func.max(CourseSession.ends_at) > now - OPEN_FOR))
    attended = select(CheckIn.subject_id).where(CheckIn.kind == ATTENDANCE, CheckIn.undone_at.is_(None))
    rows = db.session.execute(
        select(Enrolment, Course.title_ko, Course.title_en).join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.course_id.in_(ended), Enrolment.status == CONFIRMED, Enrolment.id.in_(attended),
               Enrolment.id.not_in(_not_asked(COURSE)))
        .options(selectinload(Enrolment.person))).all()
    asked = 0
    consenting = consenting_to_reminders({enrolment.person_id for enrolment, *_titles in rows})
    for enrolment, title_ko, _title_en in rows:
        if enrolment.person_id not in consenting:
            continue
        asked += invite(kind=COURSE, subject_id=enrolment.id, scope_id=enrolment.course_id, person=enrolment.person,
                        title=title_ko, now=now) is not None
    return asked

