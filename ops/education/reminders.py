"""Message texts and the day-before reminder of course sessions."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.timeutil import to_seoul
from ..extensions import db
from ..notify.models import OutboxMessage
from ..notify.registry import message_template, reminder_source
from ..notify.services import queue_message
from .models import CONFIRMED, CourseSession, Enrolment
from .services import enrolment_url, seoul_day_bounds

message_template("education.enrolled",
                 ko="[서울디지털재단] {course} 수강 신청이 확정되었습니다. 출석 QR과 일정: {url}",
                 en="[Seoul Digital Foundation] Your place in {course} is confirmed. Attendance QR and dates: {url}")
message_template("education.enrolled_again",
                 ko="[서울디지털재단] 이미 신청하신 {course} 수강 신청 링크를 다시 보내 드립니다: {url}",
                 en="[Seoul Digital Foundation] You are already enrolled in {course}. Your enrolment: {url}")
message_template("education.waitlisted",
                 ko="[서울디지털재단] {course} 대기 {position}번으로 접수되었습니다. 자리가 나면 바로 알려 드립니다. {url}",
                 en="[Seoul Digital Foundation] You are number {position} on the waiting list for {course}. "
                    "We will tell you as soon as a place is free. {url}")
message_template("education.promoted",
                 ko="[서울디지털재단] 기다리시던 {course} 자리가 확정되었습니다. 출석 QR과 일정: {url}",
                 en="[Seoul Digital Foundation] A place in {course} is now yours. Attendance QR and dates: {url}")
message_template("education.offered",
                 ko="[서울디지털재단] {course}에 자리가 났습니다. {until}까지 수락하시면 자리가 확정됩니다: {url}",
                 en="[Seoul Digital Foundation] A place in {course} is free for you. Accept it by {until} "
                    "to keep it: {url}")
message_template("education.cancelled",
                 ko="[서울디지털재단] {course} 수강 신청이 취소되었습니다.",
                 en="[Seoul Digital Foundation] Your enrolment in {course} is cancelled.")
message_template("education.session_day_before",
                 ko="[서울디지털재단] 내일 {time} {course} 교육이 있습니다. 장소: {place}. 출석 QR: {url}",
                 en="[Seoul Digital Foundation] Tomorrow at {time}: {course}. Where: {place}. Attendance QR: {url}")


@reminder_source("education.session_day_before")
def queue_session_reminders(now: datetime) -> int:
    """Remind every confirmed learner of tomorrow's sessions (Seoul dates); returns how many are new."""
    start, end = seoul_day_bounds(to_seoul(now).date() + timedelta(days=1))
    sessions = db.session.scalars(select(CourseSession).options(selectinload(CourseSession.course))
                                  .where(CourseSession.starts_at >= start, CourseSession.starts_at < end)).all()
    new = 0
    for session in sessions:
        enrolments = db.session.scalars(select(Enrolment).options(selectinload(Enrolment.person)).where(
            Enrolment.course_id == session.course_id, Enrolment.status == CONFIRMED)).all()
        keys = {e.id: f"education-day-before:{e.id}:{session.id}" for e in enrolments}
        known = set(db.session.scalars(select(OutboxMessage.dedup_key).where(
            OutboxMessage.dedup_key.in_(list(keys.values()))))) if keys else set()
        for enrolment in enrolments:
            if keys[enrolment.id] in known:
                continue
            course = session.course
            message = queue_message(
                template="education.session_day_before", person=enrolment.person, purpose="reminder",
                dedup_key=keys[enrolment.id],
                data={"course": course.title_ko, "time": to_seoul(session.starts_at).strftime("%H:%M"),
                      "place": session.place or session.online_url or "", "url": enrolment_url(enrolment)})
            new += message is not None
    return new
