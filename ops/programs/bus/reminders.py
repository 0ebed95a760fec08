"""Messages to an institution's contact: decisions at once, reminders 7 days and 1 day before."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...core.timeutil import to_seoul
from ...extensions import db
from ...notify.registry import message_template, reminder_source
from ...notify.models import OutboxMessage
from ...notify.services import queue_message
from .models import APPROVED, BusVisit
from .services import message_data

message_template("bus.request_received",
                 ko="[서울디지털재단] {institution} 디지털 체험버스 방문 신청({date} {time})이 접수되었습니다. "
                    "진행 상황: {url}",
                 en="[Seoul Digital Foundation] We received {institution}'s request for the digital experience "
                    "bus on {date} {time}. Follow it here: {url}")
message_template("bus.visit_approved",
                 ko="[서울디지털재단] {institution} 디지털 체험버스 방문이 확정되었습니다: {date} {time}, "
                    "{programme}. 확인: {url}",
                 en="[Seoul Digital Foundation] The digital experience bus will visit {institution} on {date} "
                    "{time} ({programme}). Details: {url}")
message_template("bus.visit_declined",
                 ko="[서울디지털재단] 죄송합니다. {institution}의 {date} 체험버스 신청을 받을 수 없습니다. "
                    "사유: {reason}. 확인: {url}",
                 en="[Seoul Digital Foundation] Sorry, we cannot accept {institution}'s bus request for {date}. "
                    "Reason: {reason}. Details: {url}")
message_template("bus.visit_cancelled",
                 ko="[서울디지털재단] {institution}의 {date} {time} 체험버스 방문이 취소되었습니다. 사유: {reason}. "
                    "확인: {url}",
                 en="[Seoul Digital Foundation] The bus visit to {institution} on {date} {time} is cancelled. "
                    "Reason: {reason}. Details: {url}")
message_template("bus.visit_proposed",
                 ko="[서울디지털재단] {institution}의 {date} 체험버스 신청에 대해 {proposed_date} {proposed_time}을 "
                    "제안드립니다. 수락 여부를 알려 주세요: {proposal_url}",
                 en="[Seoul Digital Foundation] For {institution}'s bus request of {date} we propose "
                    "{proposed_date} {proposed_time}. Please accept or refuse here: {proposal_url}")
message_template("bus.visit_7_days",
                 ko="[서울디지털재단] 디지털 체험버스가 {date} {time}에 {institution}을 방문합니다({programme}, "
                    "예상 {expected}명). 변경이 있으면 연락 주세요. {url}",
                 en="[Seoul Digital Foundation] The digital experience bus visits {institution} on {date} {time} "
                    "({programme}, about {expected} people). Tell us of any change. {url}")
message_template("bus.visit_1_day",
                 ko="[서울디지털재단] 내일 {time} 디지털 체험버스가 {institution}에 도착합니다. 주차 공간을 "
                    "확보해 주세요. {url}",
                 en="[Seoul Digital Foundation] Tomorrow at {time} the digital experience bus arrives at "
                    "{institution}. Please keep a parking space free. {url}")


def _queue_for_days(now: datetime, template: str, first: int, last: int) -> int:
    """Queue ``template`` for approved visits ``first``..``last`` days after today in Seoul."""
    today = to_seoul(now).date()
    visits = db.session.scalars(
        select(BusVisit).where(BusVisit.status == APPROVED,
                               BusVisit.day.between(today + timedelta(days=first), today + timedelta(days=last)))
        .options(selectinload(BusVisit.institution), selectinload(BusVisit.contact), selectinload(BusVisit.slot),
                 selectinload(BusVisit.programme))).all()
    keys = {visit.id: f"bus:{template}:{visit.id}:{visit.day.isoformat()}:{visit.slot_id}" for visit in visits}
    known = set(db.session.scalars(select(OutboxMessage.dedup_key)
                                   .where(OutboxMessage.dedup_key.in_(list(keys.values()))))) if keys else set()
    new = 0
    for visit in visits:
        contact = visit.contact or visit.institution.contact
        if contact is None or keys[visit.id] in known:
            continue
        message = queue_message(template=template, dedup_key=keys[visit.id], person=contact, purpose="reminder",
                                data={**message_data(visit), "expected": visit.expected_participants})
        new += message is not None
    return new


@reminder_source("bus.visit_7_days")
def visit_in_7_days(now: datetime) -> int:
    """A week ahead (or as soon as possible for a visit approved later, down to 2 days ahead)."""
    return _queue_for_days(now, "bus.visit_7_days", 2, 7)


@reminder_source("bus.visit_1_day")
def visit_tomorrow(now: datetime) -> int:
    return _queue_for_days(now, "bus.visit_1_day", 1, 1)
