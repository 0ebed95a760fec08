"""Demo data: centers in all 25 districts, about 20 instructors, a few hundred learners, matches, lessons."""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import func, select

from ...core.timeutil import seoul_today
from ...extensions import db
from ...people.adjacency import adjacent
from ...people.districts import DISTRICTS
from .catalog import SKILLS, SLOTS, TOPICS
from .models import Center, LessonLog, Learner

PLAN_YEAR = 2025
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["영자", "순자", "정숙", "영숙", "명숙", "옥순", "춘자", "경자", "정희", "말순", "영철", "정호", "상철",
         "영수", "병철", "광수", "종철", "재호", "성환", "문수", "복순", "금자", "용준", "동수"]
VENUES = ["노인종합복지관", "구립도서관", "주민센터 스마트교실", "시니어클럽", "평생학습관", "복지관 디지털배움터"]
CONTENT = [
    ("kiosk-order", "키오스크로 음식 주문하기", "Ordering food at a kiosk", "video"),
    ("scam-sms", "스미싱 문자 구별하기", "Spotting scam text messages", "video"),
    ("video-call", "가족과 영상통화 하기", "Video calls with family", "video"),
    ("bus-app", "버스 도착 시간 확인하기", "Checking when the bus comes", "video"),
    ("health-app", "손목닥터 9988 시작하기", "Getting started with the city health app", "elearning"),
    ("mobile-bank", "모바일 뱅킹 첫걸음", "First steps in mobile banking", "elearning"),
    ("photo-share", "사진 찍고 보내기", "Taking and sending photos", "video"),
    ("taxi-app", "택시 앱으로 부르기", "Calling a taxi with an app", "video"),
    ("qr-check", "QR 코드 읽는 법", "Reading QR codes", "video"),
    ("smartphone-basics", "스마트폰 기본 설정", "Smartphone basic settings", "elearning"),
    ("public-wifi", "공공 와이파이 안전하게 쓰기", "Using public Wi-Fi safely", "elearning"),
]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng: random.Random) -> str:
    return f"010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}"


def seed_demo(context: dict) -> list[str]:
    """Idempotent: the demo is added once, and the demo instructor login is linked every time."""
    from .services import (link_instructor_demo, log_lesson, move_instructor, register_instructor,
                           register_learner, run_matching, save_center, save_content, update_instructor)

    rng = random.Random(2025)
    demo_user = (context.get("users") or {}).get("instructor")
    if db.session.scalar(select(func.count(Center.id))):
        if demo_user is not None:
            link_instructor_demo(demo_user)
        return []
    today = seoul_today()
    # The plan's season (April–November 2025) so that the year's dashboard has figures, plus a few
    # lessons in the last weeks so that the instructor's phone view has something today.
    season = date(PLAN_YEAR, 4, 1)
    centers: dict[str, list[Center]] = {}
    for d in DISTRICTS:
        venues = rng.sample(VENUES, 3 if d.code in ("nowon", "songpa", "gangseo") else 2)
        centers[d.code] = [save_center(None, name=f"{d.name_ko[:-1]} {v}", district=d.code,
                                       address=f"서울특별시 {d.name_ko} {rng.randint(1, 300)}길 {rng.randint(1, 60)}",
                                       opening_hours="평일 10:00–17:00", capacity=rng.choice((2, 3, 4)),
                                       opened_on=season) for v in venues]
    instructors = []
    for n in range(20):
        d = DISTRICTS[(n * 5) % len(DISTRICTS)]
        ins = register_instructor(name=_name(rng), phone=_phone(rng), birth_year=rng.randint(1950, 1962),
                                  district=d.code, sms_consent=True, applied_on=season - timedelta(days=50))
        for step, offset in (("selected", 40), ("trained", 25), ("active", 10)):
            move_instructor(ins, step, on=season - timedelta(days=offset))
        neighbours = [d.code] + sorted(adjacent(d.code))[:1]  # their district and one next door
        update_instructor(ins, districts=neighbours, center_ids=[c.id for code in neighbours for c in centers[code]],
                          availability=rng.sample(SLOTS, 8), topics=rng.sample(list(TOPICS), 5), max_learners=15)
        instructors.append(ins)
    for n in range(320):
        d = rng.choice(DISTRICTS)
        register_learner(name=_name(rng), phone=_phone(rng), district=d.code, birth_year=rng.randint(1938, 1960),
                         availability=rng.sample(SLOTS, 4), topics=rng.sample(list(TOPICS), 2), consent=True,
                         sms_consent=rng.random() < 0.7, source=rng.choice(("web", "staff", "family")))
    run_matching()
    for ins in instructors:
        from .services import my_learners

        for n, (learner, match) in enumerate(my_learners(ins)[:6]):
            if n < 4:  # taught in the plan's season
                first = season + timedelta(days=rng.randint(14, 180))
                dates = [first + timedelta(days=7 * week) for week in range(rng.randint(1, 5))]
            else:  # taught this week (from Monday up to today, never ahead) and in the weeks before
                this_week = today - timedelta(days=rng.randint(0, today.weekday()))
                dates = [this_week - timedelta(days=7 * week) for week in range(rng.randint(1, 3))]
            for lesson_date in dates:
                log_lesson(ins, learner.id, lesson_date=lesson_date,
                           minutes=50, attended=rng.random() < 0.9, topics=learner.topics[:1],
                           skills=rng.sample(list(SKILLS), 2), note="")
    for slug, ko, en, kind in CONTENT:
        save_content(None, slug=slug, title_ko=ko, title_en=en, kind=kind,
                     url=f"https://www.youtube.com/results?search_query={slug}", minutes=rng.randint(3, 15),
                     produced_on=date(PLAN_YEAR, rng.randint(1, 11), 10))
    if demo_user is not None:
        link_instructor_demo(demo_user)
    db.session.flush()
    learners = db.session.scalar(select(func.count(Learner.id)))
    return [f"eodina: {sum(len(v) for v in centers.values())} centers, {len(instructors)} instructors, "
            f"{learners} learners, {db.session.scalar(select(func.count(LessonLog.id)))} lessons"]


