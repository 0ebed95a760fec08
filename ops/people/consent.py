"""Consent notices, written as the Personal Information Protection Act expects.

Each notice states the purpose, the items collected, how long they are kept and
that the person may refuse (and what refusing means). A change of wording is a
new version; every consent row records the version the person saw.
"""
from __future__ import annotations

from dataclasses import dataclass

COLLECTION = "collection"
SMS_REMINDERS = "sms_reminders"


@dataclass(frozen=True)
class Notice:
    purpose: str
    version: str
    required: bool
    title_ko: str
    title_en: str
    purpose_ko: str
    purpose_en: str
    items_ko: str
    items_en: str
    retention_ko: str
    retention_en: str
    refusal_ko: str
    refusal_en: str

    def text(self, locale: str) -> dict[str, str]:
        en = locale == "en"
        return {
            "title": self.title_en if en else self.title_ko,
            "purpose": self.purpose_en if en else self.purpose_ko,
            "items": self.items_en if en else self.items_ko,
            "retention": self.retention_en if en else self.retention_ko,
            "refusal": self.refusal_en if en else self.refusal_ko,
        }


NOTICES: dict[str, Notice] = {
    COLLECTION: Notice(
        purpose=COLLECTION,
        version="2025-01",
        required=True,
        title_ko="개인정보 수집·이용 동의 (필수)",
        title_en="Consent to the collection and use of personal information (required)",
        purpose_ko="프로그램 신청 접수, 본인 확인, 참석 확인과 안내, 사업 실적 통계 작성",
        purpose_en="Taking your application, confirming who you are and your attendance, "
                   "contacting you about it, and counting the programme's results",
        items_ko="이름, 휴대전화 번호, 출생연도, 거주 자치구 (이메일·소속은 선택). 주민등록번호는 수집하지 않습니다.",
        items_en="Name, mobile number, year of birth, district (e-mail and affiliation optional). "
                 "We never collect resident registration numbers.",
        retention_ko="사업 종료 후 3년간 보관한 뒤 지체 없이 파기합니다.",
        retention_en="Kept for 3 years after the programme ends, then destroyed without delay.",
        refusal_ko="동의를 거부할 권리가 있습니다. 다만 거부하시면 신청이 접수되지 않습니다.",
        refusal_en="You have the right to refuse. If you refuse, we cannot take your application.",
    ),
    SMS_REMINDERS: Notice(
        purpose=SMS_REMINDERS,
        version="2025-01",
        required=False,
        title_ko="알림 문자 수신 동의 (선택)",
        title_en="Consent to reminder text messages (optional)",
        purpose_ko="일정 전날 안내, 대기 순번 확정, 입장권 발송 등 알림 문자 발송",
        purpose_en="Sending reminders the day before, waiting-list news and your ticket by text message",
        items_ko="이름, 휴대전화 번호",
        items_en="Name, mobile number",
        retention_ko="동의 철회 또는 사업 종료 시까지 보관합니다.",
        retention_en="Kept until you withdraw consent or the programme ends.",
        refusal_ko="동의하지 않으셔도 신청할 수 있으며, 알림 문자만 받지 않게 됩니다.",
        refusal_en="You can still apply without this; you just will not get reminders.",
    ),
}
