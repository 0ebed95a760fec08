"""The programme's vocabulary: weekly slots, topics and the skills checklist.

Codes are stored; labels are shown in the user's language.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

WEEKDAYS = (("mon", _l("Mon"), "월"), ("tue", _l("Tue"), "화"), ("wed", _l("Wed"), "수"),
            ("thu", _l("Thu"), "목"), ("fri", _l("Fri"), "금"), ("sat", _l("Sat"), "토"))
# Two-hour blocks in which an instructor meets learners one after another.
BLOCKS = (("am", _l("10–12"), "10:00", "오전"), ("pm", _l("13–15"), "13:00", "오후"),
          ("late", _l("15–17"), "15:00", "늦은오후"))
SLOTS: tuple[str, ...] = tuple(f"{d}-{b}" for d, *_ in WEEKDAYS for b, *_ in BLOCKS)
WEEKDAY_INDEX = {code: i for i, (code, *_rest) in enumerate(WEEKDAYS)}
BLOCK_START = {code: start for code, _label, start, _ko in BLOCKS}

TOPICS = {
    "smartphone": _l("Smartphone basics"),
    "kiosk": _l("Kiosks"),
    "health_app": _l("City health apps"),
    "transport_app": _l("Transport apps"),
    "finance_app": _l("Banking and payments"),
    "video_call": _l("Video calls"),
    "scam_safety": _l("Scam safety"),
    "photos": _l("Photos and messages"),
}

SKILLS = {
    "make_call": _l("Makes a call and a video call"),
    "send_message": _l("Sends a message with a photo"),
    "use_kiosk": _l("Orders at a kiosk"),
    "book_transport": _l("Checks the bus or taxi"),
    "open_health_app": _l("Opens the health app"),
    "pay_mobile": _l("Pays with the phone"),
    "spot_scam": _l("Spots a scam message"),
    "install_app": _l("Installs an app"),
}

# The digital-skills check at intake and at completion: everyday tasks the learner can do alone,
# filled in by the instructor with the learner. Its score is how many of them.
SKILL_CHECK = {
    "video_call": _l("Makes a video call"),
    "send_photo": _l("Sends a photo in a message"),
    "kiosk_order": _l("Orders at a kiosk"),
    "map_route": _l("Finds a route on a map app"),
    "bus_arrival": _l("Checks when the bus comes"),
    "gov_app_login": _l("Logs in to a government app"),
    "mobile_payment": _l("Pays with the phone"),
    "health_app": _l("Uses the city health app"),
    "spot_scam": _l("Recognises a scam message"),
    "install_app": _l("Installs an app from the store"),
}

_DAY_WORDS = {"월": "mon", "화": "tue", "수": "wed", "목": "thu", "금": "fri", "토": "sat",
              "mon": "mon", "tue": "tue", "wed": "wed", "thu": "thu", "fri": "fri", "sat": "sat"}
_BLOCK_WORDS = {"오전": "am", "오후": "pm", "늦은오후": "late", "저녁": "late",
                "am": "am", "pm": "pm", "late": "late", "morning": "am", "afternoon": "pm", "evening": "late"}


def slot_label(slot: str | None) -> str:
    if not slot or slot not in SLOTS:
        return "-"
    day, block = slot.split("-")
    day_label = next(str(label) for code, label, _ko in WEEKDAYS if code == day)
    block_label = next(str(label) for code, label, *_ in BLOCKS if code == block)
    return f"{day_label} {block_label}"


def slot_text_ko(slot: str) -> str:
    day, block = slot.split("-")
    return next(ko for code, _l_, ko in WEEKDAYS if code == day) + "요일 " + BLOCK_START[block]


def slot_text_en(slot: str) -> str:
    """'tue-am' → 'Tue 10:00' (for stored English sentences, which are written outside any request)."""
    day, block = slot.split("-")
    return f"{day.capitalize()} {BLOCK_START[block]}"


def parse_slots(text: str | None) -> list[str]:
    """'월 오전, 수 오후' or 'mon-am wed-pm' → ['mon-am', 'wed-pm']; raise ValueError on a word it does not know."""
    out: list[str] = []
    for part in (text or "").replace(";", ",").replace("/", ",").split(","):
        words = part.replace("-", " ").replace("요일", "").lower().split()
        if not words:
            continue
        if len(words) == 1 and len(words[0]) > 1 and words[0][0] in "월화수목금토" and words[0][1:] in _BLOCK_WORDS:
            words = [words[0][0], words[0][1:]]
        if len(words) != 2 or words[0] not in _DAY_WORDS or words[1] not in _BLOCK_WORDS:
            raise ValueError(part.strip())
        slot = f"{_DAY_WORDS[words[0]]}-{_BLOCK_WORDS[words[1]]}"
        if slot not in out:
            out.append(slot)
    return out


_TOPIC_WORDS = {
    "스마트폰": "smartphone", "스마트폰 기초": "smartphone", "키오스크": "kiosk", "건강": "health_app",
    "건강앱": "health_app", "교통": "transport_app", "교통앱": "transport_app", "금융": "finance_app",
    "은행": "finance_app", "영상통화": "video_call", "사기예방": "scam_safety", "보이스피싱": "scam_safety",
    "사진": "photos", "문자": "photos",
}


def parse_topics(text: str | None) -> list[str]:
    """'스마트폰 기초, 키오스크' or 'kiosk' → topic codes; raise ValueError on an unknown one."""
    out: list[str] = []
    for part in (text or "").replace(";", ",").replace("/", ",").split(","):
        word = part.strip().lower()
        if not word:
            continue
        code = word if word in TOPICS else _TOPIC_WORDS.get(word) or _TOPIC_WORDS.get(word.replace(" ", ""))
        if code is None:
            raise ValueError(part.strip())
        if code not in out:
            out.append(code)
    return out
