"""Demo data: the 2025 courses with enrolments, attendance and completions as history, and courses open
for enrolment relative to the day it runs (idempotent)."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from ..core.timeutil import seoul_today, utcnow
from ..extensions import db
from ..people.consent import COLLECTION
from ..people.services import find_or_create_person, record_consent
from ..passes.checkin import perform_checkin
from .certificates import issue_certificate
from .models import (CITIZENS, CITY_STAFF, COLLABORATION, CONFIRMED, DATA_ADMIN, INSTITUTION, PROMPT,
                     SMART_CITY_CENTER, Course, Enrolment, Institution)
from .services import ATTENDANCE, add_coordinator, add_session, create_course, create_institution, enrol, is_complete

MARKER = "행정업무 프롬프트 엔지니어링 교육 1기"
INSTITUTIONS = [
    ("서울교통공사", "public_corporation"), ("서울주택도시공사", "public_corporation"),
    ("서울시설공단", "public_corporation"), ("서울에너지공사", "public_corporation"),
    ("서울의료원", "public_agency"), ("서울산업진흥원", "public_agency"), ("서울신용보증재단", "public_agency"),
    ("서울문화재단", "public_agency"), ("서울관광재단", "public_agency"), ("서울연구원", "public_agency"),
    ("서울특별시청", "city_office"),
]
SURNAMES = "김이박최정강조윤장임한오서신권황안송류홍"
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "예준", "지민", "주원", "수아", "영수", "순자",
         "정희", "철수", "미경", "상훈", "은정", "동현", "혜진", "성민"]
PLACE = "서울스마트시티센터 교육장 (중구 세종대로 110)"


class _People:
    """Deterministic demo names and numbers, never repeating."""

    def __init__(self):
        self.n = 0

    def next(self) -> tuple[str, str]:
        self.n += 1
        i = self.n
        name = SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)]
        return name, f"010-{7000 + i // 100:04d}-{(i * 37) % 10000:04d}"


def _sessions(course, days: list[date], start: time, end: time, teacher: str, teacher_user=None, place=PLACE):
    for day in days:
        add_session(course, starts=datetime.combine(day, start), ends=datetime.combine(day, end), place=place,
                    teacher=teacher, teacher_user=teacher_user)


def _fill(course, people: _People, count: int, rng: random.Random, *, institutions=(), by_user=None,
          attend: float = 0.85):
    """Enrol ``count`` people two weeks before the first session (or now, if that is sooner), and mark
    attendance at sessions already over: nothing is recorded before it happens."""
    first = course.sessions[0].starts_at
    now = utcnow()
    for index in range(count):
        institution = institutions[index % len(institutions)] if institutions else None
        name, phone = people.next()
        person = find_or_create_person(name, phone, birth_year=rng.randint(1962, 1999) if institution else
                                       rng.randint(1945, 2000))
        enrolled_at = min(first - timedelta(days=14, minutes=count - index), now)
        enrolment, _created = enrol(course, person, institution=institution,
                                    source="coordinator" if institution else "web", by_user=by_user, now=enrolled_at)
        record_consent(person, COLLECTION, True, source="coordinator" if institution else "web", recorded_by=by_user)
        if enrolment.status != CONFIRMED:
            continue
        for session in course.sessions:
            if session.ends_at < now and rng.random() < attend:
                checkin = perform_checkin(kind=ATTENDANCE, subject_id=enrolment.id, scope_id=course.id,
                                          occasion=str(session.id), method=rng.choice(["scan", "roll-call"]))
                checkin.at = session.starts_at + timedelta(minutes=rng.randint(-10, 15))
    db.session.flush()


def seed_demo(context: dict) -> list[str]:
    if db.session.scalar(select(Course.id).where(Course.title_ko == MARKER)):
        return []
    rng, people = random.Random(2025), _People()
    users = context.get("users", {})
    staff, teacher_user, coordinator = users.get("staff"), users.get("instructor"), users.get("citizen")
    institutions = {}
    for name, kind in INSTITUTIONS:
        institutions[name] = (db.session.scalar(select(Institution).where(Institution.name == name))
                              or create_institution(name, kind))
    if coordinator is not None:
        add_coordinator(institutions["서울교통공사"], coordinator)
    staff_institutions = list(institutions.values())

    # Prompt engineering for city staff: four cohorts of two afternoons each.
    for cohort, month in enumerate((3, 5, 7, 9), start=1):
        course = create_course(title_ko=f"행정업무 프롬프트 엔지니어링 교육 {cohort}기",
                               title_en=f"Prompt engineering for administrative work, cohort {cohort}",
                               kind=PROMPT, audience=CITY_STAFF, year=2025, capacity=30,
                               description_ko="생성형 AI로 보고서·공문·민원 답변 초안을 쓰는 실습 중심 과정")
        _sessions(course, [date(2025, month, 11), date(2025, month, 13)], time(14), time(17), "정다은 책임연구원")
        db.session.refresh(course)
        _fill(course, people, 24, rng, institutions=staff_institutions, by_user=staff)

    # Data administration tailored to each of ten public institutions.
    for number, (name, _kind) in enumerate(INSTITUTIONS[:10]):
        institution = institutions[name]
        course = create_course(title_ko=f"{name} 맞춤형 데이터 행정 교육", title_en=f"Data administration for {name}",
                               kind=DATA_ADMIN, audience=INSTITUTION, institution=institution, year=2025,
                               capacity=25, description_ko="기관 보유 데이터로 하는 데이터 기반 행정 실습")
        day = date(2025, 4 + number % 8, 8 + number)
        _sessions(course, [day, day + timedelta(days=7)], time(10), time(13), "한지수 데이터분석가",
                  place=f"{name} 교육장")
        db.session.refresh(course)
        _fill(course, people, 8, rng, institutions=[institution], by_user=staff)

    # The public–private data collaboration course: a team-project seminar in four meetings.
    course = create_course(title_ko="데이터 분야 민관 협업과정", title_en="Public–private data collaboration course",
                           kind=COLLABORATION, audience=CITIZENS, year=2025, capacity=30,
                           description_ko="공공·민간 실무자가 팀을 이뤄 서울시 데이터로 과제를 푸는 세미나")
    _sessions(course, [date(2025, 6, 5) + timedelta(weeks=w) for w in range(4)], time(19), time(21), "오세훈 교수")
    db.session.refresh(course)
    _fill(course, people, 28, rng)

    # A Smart City Center AI lecture for citizens, full with a waiting list.
    course = create_course(title_ko="서울스마트시티센터 시민 AI 특강: 생성형 AI와 함께하는 일상",
                           title_en="Smart City Center AI lecture: everyday life with generative AI",
                           kind=SMART_CITY_CENTER, audience=CITIZENS, year=2025, capacity=30)
    _sessions(course, [date(2025, 10, 16)], time(14), time(16), "박강사", teacher_user=teacher_user)
    db.session.refresh(course)
    _fill(course, people, 33, rng, attend=0.9)

    # And one coming up, so the public form and the scanner have something live.
    upcoming = seoul_today() + timedelta(days=7)
    course = create_course(title_ko="시민 AI 교실: 스마트폰으로 AI 비서 쓰기",
                           title_en="Citizens' AI class: an AI assistant on your phone",
                           kind=SMART_CITY_CENTER, audience=CITIZENS, year=upcoming.year, capacity=20)
    _sessions(course, [upcoming], time(10), time(12), "박강사", teacher_user=teacher_user)
    db.session.refresh(course)
    _fill(course, people, 6, rng)

    # A three-week course starting in a fortnight, nearly full, so a newcomer sees places and a waiting list.
    later = seoul_today() + timedelta(days=14)
    course = create_course(title_ko="어르신 디지털 배움터: 키오스크와 모바일 민원",
                           title_en="Digital class for seniors: kiosks and mobile civil services",
                           kind=SMART_CITY_CENTER, audience=CITIZENS, year=later.year, capacity=12)
    _sessions(course, [later + timedelta(weeks=w) for w in range(3)], time(14), time(16), "박강사",
              teacher_user=teacher_user)
    db.session.refresh(course)
    _fill(course, people, 10, rng)

    issued = 0
    first_cohort = db.session.scalar(select(Course).where(Course.title_ko == MARKER))
    for enrolment in db.session.scalars(select(Enrolment).where(Enrolment.course_id == first_cohort.id,
                                                                Enrolment.status == CONFIRMED)):
        if is_complete(enrolment):
            issue_certificate(enrolment, now=first_cohort.sessions[-1].ends_at + timedelta(days=3))
            issued += 1
    db.session.flush()
    return [f"education: {len(INSTITUTIONS)} institutions, 2025 courses and open ones with {people.n} learners, "
            f"{issued} certificates; coordinator of 서울교통공사: citizen@demo.ops"]
