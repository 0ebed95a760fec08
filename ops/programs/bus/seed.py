"""Demo data: one bus, 24 host institutions across Seoul, the 2025 season's runs with counts and answers.

Last year's real figures were 149 runs, 2,926 users and 4.25 satisfaction; the demo is
drawn at random (seeded, so it is the same every time) to look like that, not to copy it.
"""
from __future__ import annotations

import random
from datetime import date, time, timedelta

from sqlalchemy import select

from ...core.timeutil import seoul_today
from ...core.workdays import holiday_name
from ...extensions import db
from .models import AGE_BANDS, Bus
from . import services

BUS_NAME = "디지털 체험버스 1호"

INSTITUTIONS = [  # name, kind, district, hub of its region
    ("종로노인종합복지관", "welfare_center", "jongno", True),
    ("용산구립청파도서관", "library", "yongsan", False),
    ("성동노인종합복지관", "welfare_center", "seongdong", False),
    ("자양동 행복경로당", "senior_center", "gwangjin", False),
    ("동대문노인종합복지관", "welfare_center", "dongdaemun", False),
    ("중랑구립정보도서관", "library", "jungnang", False),
    ("성북노인종합복지관", "welfare_center", "seongbuk", True),
    ("번동 어르신경로당", "senior_center", "gangbuk", False),
    ("도봉노인종합복지관", "welfare_center", "dobong", False),
    ("상계동 은빛경로당", "senior_center", "nowon", False),
    ("은평노인종합복지관", "welfare_center", "eunpyeong", True),
    ("홍은동 사랑경로당", "senior_center", "seodaemun", False),
    ("마포구립서강도서관", "library", "mapo", False),
    ("신월종합사회복지관", "welfare_center", "yangcheon", False),
    ("강서노인종합복지관", "welfare_center", "gangseo", True),
    ("개봉동 늘푸른경로당", "senior_center", "guro", False),
    ("금천구립독산도서관", "library", "geumcheon", False),
    ("영등포노인종합복지관", "welfare_center", "yeongdeungpo", False),
    ("사당2동 주민센터", "community_center", "dongjak", False),
    ("관악노인종합복지관", "welfare_center", "gwanak", False),
    ("양재동 경로당", "senior_center", "seocho", False),
    ("강남노인종합복지관", "welfare_center", "gangnam", False),
    ("송파노인종합복지관", "welfare_center", "songpa", True),
    ("암사동 어르신경로당", "senior_center", "gangdong", False),
]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민지", "서연", "지훈", "현우", "영숙", "순자", "정희", "미경", "성호", "경수", "은주", "동현",
         "하은", "도윤", "서준", "지아", "예린", "시우", "옥순", "말순", "춘자", "영철", "상철", "재원"]
PROGRAMMES = [  # code, Korean, English, per person, share of runs
    ("ai_robot", "AI 로봇 체험", "AI robot experience", False, 38),
    ("health_care", "건강·정서 돌봄 체험", "Health and emotional care", False, 30),
    ("everyday_digital", "키오스크·모바일 생활 체험", "Kiosks and everyday mobile", False, 24),
    ("intergenerational", "조부모·손주 세대통합 체험 (시범)", "Grandparents and grandchildren together (pilot)",
     True, 8),
]
# Days the bus serves a festival instead of institutions; public holidays come from ops.core.workdays.
FESTIVAL_DAYS = {date(2025, 9, 30): "스마트라이프위크 현장 운영", date(2025, 10, 1): "스마트라이프위크 현장 운영",
                 date(2025, 10, 2): "스마트라이프위크 현장 운영"}
BAND_WEIGHTS = [5, 28, 25, 28, 14]  # under 20 … 80+: about two thirds aged 60+, as last year
SCORE_WEIGHTS = [1, 3, 11, 38, 47]  # scores 1 … 5: a mean near 4.25
RUNS_2025 = 142
ANSWER_RATE = 0.45


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return f"010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}"


def _setup(today: date) -> Bus:
    seasons = []
    for year in range(2025, today.year + 2):
        seasons += [(date(year, 3, 1), date(year, 7, 31)), (date(year, 9, 1), date(year, 11, 30))]
    bus = services.add_bus(BUS_NAME, 25, seasons=seasons, slots=[
        ("am", "오전", "Morning", time(10), time(12)), ("pm", "오후", "Afternoon", time(14), time(16))])
    for starts, ends in seasons:  # Korean public holidays of any year, lunar and substitute days included
        day = starts
        while day <= ends:
            if holiday_name(day):
                services.add_blackout(bus, day, holiday_name(day))
            day += timedelta(days=1)
    for day, reason in FESTIVAL_DAYS.items():
        services.add_blackout(bus, day, reason)
    return bus


def _operating_slots(bus: Bus, first: date, last: date) -> list[tuple[date, object]]:
    out = []
    day = first
    while day <= last:
        if services.closed_reason(bus, day) is None:
            out += [(day, slot) for slot in bus.slots]
        day += timedelta(days=1)
    return out


def _past_run(rng, bus, institution, programme, day, slot, users) -> None:
    visit = services.request_visit(institution, slot_id=slot.id, day=day, programme_id=programme.id,
                                   expected_participants=min(bus.seats, users + rng.randint(-3, 3) or 1),
                                   source=rng.choice(["web", "web", "phone"]), today=day - timedelta(days=21),
                                   notify=False)
    services.approve_visit(visit.id, notify=False)
    if programme.per_person:
        for i in range(users):
            grandparent = i % 2 == 0
            services.add_participant(
                visit, name=_name(rng), phone=_phone(rng) if grandparent else None,
                birth_year=rng.randint(1942, 1962) if grandparent else rng.randint(2013, 2018),
                role="grandparent" if grandparent else "grandchild", consent=True, today=day)
    else:
        bands = rng.choices(AGE_BANDS, weights=BAND_WEIGHTS, k=users)
        services.record_counts(visit, {band: bands.count(band) for band in AGE_BANDS}, today=day)
    for card in services.issue_survey_cards(visit, users):
        if rng.random() < ANSWER_RATE:
            score = rng.choices([1, 2, 3, 4, 5], weights=SCORE_WEIGHTS)[0]
            services.answer_survey(services.card_code(card), score=score, today=day,
                                   comment=rng.choice([None, None, None, "로봇이 신기했어요", "또 와 주세요",
                                                       "설명이 친절했어요", "시간이 짧았어요"]))


def seed_demo(context: dict) -> list[str]:
    if db.session.scalar(select(Bus).where(Bus.name == BUS_NAME)) is not None:
        return []
    rng = random.Random(2025)
    today = seoul_today()
    bus = _setup(today)
    programmes = [services.add_programme(code, ko, en, per_person=pp) for code, ko, en, pp, _ in PROGRAMMES]
    shares = [share for *_, share in PROGRAMMES]
    institutions = []
    for name, kind, district, hub in INSTITUTIONS:
        contact = services.add_contact(_name(rng), _phone(rng), consent=True, sms_consent=rng.random() < 0.8,
                                       source="staff")
        institutions.append(services.find_or_add_institution(name, kind, district, contact=contact, is_hub=hub))
    weights = [3 if hub else 1 for *_, hub in INSTITUTIONS]

    slots = _operating_slots(bus, date(2025, 3, 1), min(date(2025, 11, 30), today - timedelta(days=1)))
    for day, slot in sorted(rng.sample(slots, min(RUNS_2025, len(slots))), key=lambda pair: (pair[0], pair[1].starts)):
        programme = rng.choices(programmes, weights=shares)[0]
        users = 2 * rng.randint(5, 9) if programme.per_person else max(6, min(40, round(rng.gauss(21, 5))))
        _past_run(rng, bus, rng.choices(institutions, weights=weights)[0], programme, day, slot, users)

    # What staff find waiting: requests and approved visits next month (or, when the bus does not run
    # then, at the start of the coming season).
    next_month = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    ahead = [(day, slot) for day, slot in _operating_slots(bus, max(next_month, today + timedelta(days=3)),
                                                           today + timedelta(days=200))][:40]
    for n, (day, slot) in enumerate(rng.sample(ahead, min(8, len(ahead)))):
        visit = services.request_visit(rng.choice(institutions), slot_id=slot.id, day=day,
                                       programme_id=rng.choices(programmes, weights=shares)[0].id,
                                       expected_participants=rng.randint(12, 25), today=today, notify=False)
        if n < 3:
            services.approve_visit(visit.id, notify=False)
    return [f"Bus: {BUS_NAME}, {len(institutions)} host institutions, 2025 runs and upcoming requests"]
