"""The consent notice of event registration: it lists what the event form actually collects.

Registered into the shared NOTICES (so record_consent accepts it and the privacy page shows it).
"""
from __future__ import annotations

from ..people.consent import NOTICES, Notice

EVENT_REGISTRATION = "event_registration"

NOTICES.setdefault(EVENT_REGISTRATION, Notice(
    purpose=EVENT_REGISTRATION,
    version="2025-01",
    required=True,
    title_ko="행사 참가 신청 개인정보 수집·이용 동의 (필수)",
    title_en="Consent to the collection and use of personal information for event registration (required)",
    purpose_ko="행사 참가 신청 접수, 입장권 발급과 발송, 현장 입장 확인, 행사 안내, 참가 통계(국가별·일자별) 작성",
    purpose_en="Taking your registration, issuing and sending your ticket, checking you in at the entrance, "
               "telling you about the event, and counting visitors (by country and day)",
    items_ko="이름, 휴대전화 번호, 국가 (이메일·소속·도시는 선택). 주민등록번호는 수집하지 않습니다.",
    items_en="Name, mobile number, country (e-mail, organisation and city optional). "
             "We never collect resident registration numbers.",
    retention_ko="행사 종료 후 1년간 보관한 뒤 지체 없이 파기합니다.",
    retention_en="Kept for 1 year after the event, then destroyed without delay.",
    refusal_ko="동의를 거부할 권리가 있습니다. 다만 거부하시면 참가 신청이 접수되지 않습니다.",
    refusal_en="You have the right to refuse. If you refuse, we cannot take your registration.",
))
