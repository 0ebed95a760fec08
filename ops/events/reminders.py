"""Event messages: the ticket and waiting-list news at once, and a reminder the day before."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.timeutil import to_seoul
from ..extensions import db
from ..notify.models import OutboxMessage
from ..notify.registry import message_template, reminder_source
from ..notify.services import queue_message
from .models import CONFIRMED, Event, Registration

message_template("events.ticket",
                 ko="[서울디지털재단] {name}님, {event} 입장권입니다 ({days}, {venue}). QR: {url}",
                 en="[Seoul Digital Foundation] {name}, your ticket for {event} ({days}, {venue}). QR: {url}",
                 subject_ko="{event} 입장권", subject_en="Your ticket for {event}")
message_template("events.ticket_again",
                 ko="[서울디지털재단] {name}님, 이미 신청하신 {event} 입장권 링크를 다시 보내 드립니다: {url}",
                 en="[Seoul Digital Foundation] {name}, you are already registered for {event}. Your ticket: {url}",
                 subject_ko="{event} 입장권", subject_en="Your ticket for {event}")
message_template("events.waitlisted",
                 ko="[서울디지털재단] {name}님, {event} 신청이 대기자로 접수되었습니다. 자리가 나면 바로 알려드립니다. {url}",
                 en="[Seoul Digital Foundation] {name}, you are on the waiting list for {event}. "
                    "We will tell you as soon as a place is free. {url}",
                 subject_ko="{event} 대기 접수", subject_en="Waiting list for {event}")
message_template("events.promoted",
                 ko="[서울디지털재단] {name}님, {event} 대기에서 참가가 확정되었습니다. 입장권 QR: {url}",
                 en="[Seoul Digital Foundation] {name}, a place is yours at {event}. Your ticket: {url}",
                 subject_ko="{event} 참가 확정", subject_en="Your place at {event} is confirmed")
message_template("events.offered",
                 ko="[서울디지털재단] {name}님, {event}에 자리가 났습니다. {until}까지 수락하시면 참가가 확정됩니다: {url}",
                 en="[Seoul Digital Foundation] {name}, a place at {event} is free for you. Accept it by {until} "
                    "to keep it: {url}",
                 subject_ko="{event} 자리 안내", subject_en="A place at {event} is free for you")
message_template("events.day_before",
                 ko="[서울디지털재단] 내일 {event}이(가) 열립니다 ({venue}). 입장권 QR을 준비해 주세요: {url}",
                 en="[Seoul Digital Foundation] {event} starts tomorrow at {venue}. Please have your ticket ready: {url}",
                 subject_ko="내일 {event}", subject_en="{event} is tomorrow")


@reminder_source("events.day_before")
def queue_day_before(now: datetime) -> int:
    """The day before an event's first day (Seoul), remind every confirmed registrant once."""
    from .services import _message_data

    tomorrow = (to_seoul(now) + timedelta(days=1)).date()
    events = db.session.scalars(select(Event).where(Event.first_day == tomorrow)).all()
    queued = 0
    for event in events:
        registrations = db.session.scalars(
            select(Registration).where(Registration.event_id == event.id, Registration.status == CONFIRMED)
            .options(selectinload(Registration.person))).all()
        keys = {r.id: f"event-day-before:{r.id}:{tomorrow.isoformat()}" for r in registrations}
        done = set(db.session.scalars(select(OutboxMessage.dedup_key)
                                      .where(OutboxMessage.dedup_key.in_(list(keys.values())))))
        for registration in registrations:
            if keys[registration.id] in done:
                continue
            message = queue_message(template="events.day_before", dedup_key=keys[registration.id],
                                    person=registration.person, recipient=registration.person.phone,
                                    data=_message_data(registration), locale=registration.locale,
                                    purpose="reminder")
            queued += message is not None
    return queued
