"""Demo data: Smart Life Week 2025 and AI Festa 2025 as history, and, relative to the day the demo is
seeded, an event open for registration today (with a waiting list) and one a few weeks ahead.

Nothing is recorded before it happens: registrations are made at times up to now, and check-ins only
at times already past."""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from ..core.timeutil import seoul_to_utc, seoul_today, utcnow
from ..extensions import db
from ..passes.checkin import perform_checkin
from . import services
from .models import CONFIRMED

SURNAMES = "김이박최정강조윤장임한오서신권황안송류전홍고문양손배백허유남심노하곽성차주우구민진나"
GIVEN = ["민준", "서연", "도윤", "지우", "하준", "서윤", "은주", "영수", "정희", "성민", "지훈", "수빈", "현우",
         "미경", "동현", "예린", "상철", "순자", "경자", "태호", "유진", "재원", "소희", "건우", "다은", "명숙"]
FOREIGN = [("US", "+1", ["Emily Carter", "Daniel Brooks", "Maria Lopez", "James Wilson"]),
           ("JP", "+81", ["Yuki Tanaka", "Haruto Sato", "Aiko Suzuki"]),
           ("CN", "+86", ["Wei Zhang", "Li Na", "Chen Jie"]),
           ("VN", "+84", ["Nguyen Van An", "Tran Thi Mai"]),
           ("SG", "+65", ["Tan Wei Ming", "Priya Nair"]),
           ("ES", "+34", ["Lucia Fernandez", "Javier Ruiz"]),
           ("GB", "+44", ["Oliver Smith", "Amelia Jones"]),
           ("DE", "+49", ["Lukas Schmidt"]),
           ("FR", "+33", ["Camille Martin"]),
           ("IN", "+91", ["Arjun Sharma", "Ananya Iyer"]),
           ("ID", "+62", ["Budi Santoso"]),
           ("TH", "+66", ["Somchai Wongsa"]),
           ("AU", "+61", ["Charlotte Taylor"]),
           ("CA", "+1", ["Noah Tremblay"]),
           ("AE", "+971", ["Omar Al Nuaimi"]),
           ("FI", "+358", ["Aino Virtanen"])]
AFFILIATIONS = ["서울특별시", "성동구청", "(주)스마트시티랩", "서울대학교", "한국전자통신연구원", "시민", "(주)모빌리티원",
                "서울시설공단", "디지털포용협회", "KAIST", "City of Barcelona", "Helsinki Smart Region", "GovTech Singapore"]
CITIES = {"KR": ["서울", "서울", "서울", "성남", "인천", "수원"], "US": ["New York", "Seattle"], "JP": ["Tokyo", "Osaka"],
          "CN": ["Shenzhen", "Beijing"], "ES": ["Barcelona"], "GB": ["London"], "SG": ["Singapore"]}

SLW = dict(
    slug="slw-2025", title_ko="2025 서울 스마트라이프위크", title_en="Seoul Smart Life Week 2025", programme="slw",
    venue_ko="코엑스 A·B홀", venue_en="COEX Hall A & B", address="서울 강남구 영동대로 513 코엑스",
    directions_ko="지하철 2호선 삼성역 5·6번 출구에서 코엑스 지하로 바로 연결됩니다. 9호선 봉은사역 7번 출구에서 걸어서 5분. "
                  "주차 공간이 부족하니 대중교통을 이용해 주세요.",
    directions_en="Subway line 2, Samseong station exits 5 and 6 lead straight into COEX underground; "
                  "line 9, Bongeunsa station exit 7, five minutes' walk. Parking is scarce: please come by public transport.",
    days=[date(2025, 9, 30), date(2025, 10, 1), date(2025, 10, 2)],
    registration_opens_at=seoul_to_utc(datetime(2025, 8, 1, 10, 0)),
    registration_closes_at=seoul_to_utc(datetime(2025, 10, 2, 17, 0)),
    ticket_types=[
        dict(name="visitor", label_ko="일반 참관객", label_en="Visitor", capacity=30000, waitlist=True),
        dict(name="exhibitor", label_ko="전시 참가사", label_en="Exhibitor", capacity=1500, waitlist=False, public=False),
        dict(name="speaker", label_ko="연사", label_en="Speaker", capacity=200, waitlist=False, public=False),
        dict(name="press", label_ko="언론", label_en="Press", capacity=150, waitlist=True),
    ],
    sessions=[
        dict(title_ko="개막식 및 기조연설", title_en="Opening and keynote", day=date(2025, 9, 30), starts_at="10:00",
             room="오디토리움", capacity=1000),
        dict(title_ko="서울 스마트도시상 시상식", title_en="Seoul Smart City Prize ceremony", day=date(2025, 9, 30),
             starts_at="14:00", room="그랜드볼룸", capacity=600),
        dict(title_ko="2025 서울 빅데이터 포럼", title_en="Seoul Big Data Forum 2025", day=date(2025, 10, 1),
             starts_at="10:00", room="컨퍼런스룸 301", capacity=300),
        dict(title_ko="디지털 포용 컨퍼런스", title_en="Digital inclusion conference", day=date(2025, 10, 1),
             starts_at="14:00", room="컨퍼런스룸 307", capacity=200),
        dict(title_ko="PYC 청년 스마트시티 세션", title_en="PYC youth smart city session", day=date(2025, 10, 2),
             starts_at="11:00", room="컨퍼런스룸 317", capacity=20),
    ],
)

FESTA = dict(
    slug="ai-festa-2025", title_ko="2025 서울 AI 페스타", title_en="Seoul AI Festa 2025", programme="ai_adoption",
    venue_ko="동대문디자인플라자(DDP) 알림1관", venue_en="Dongdaemun Design Plaza (DDP), Alimteo Hall 1",
    address="서울 중구 을지로 281 DDP",
    directions_ko="지하철 2·4·5호선 동대문역사문화공원역 1번 출구와 바로 연결됩니다.",
    directions_en="Subway lines 2, 4 and 5, Dongdaemun History & Culture Park station exit 1 leads straight in.",
    days=[date(2025, 3, 8), date(2025, 3, 9)],
    registration_opens_at=seoul_to_utc(datetime(2025, 2, 10, 10, 0)),
    registration_closes_at=seoul_to_utc(datetime(2025, 3, 9, 16, 0)),
    ticket_types=[
        dict(name="citizen", label_ko="시민 관람", label_en="Citizen visitor", capacity=5000, waitlist=True),
        dict(name="family", label_ko="가족 AI 체험", label_en="Family AI workshop", capacity=12, waitlist=True),
    ],
    sessions=[dict(title_ko="AI 토크 콘서트", title_en="AI talk concert", day=date(2025, 3, 8), starts_at="15:00",
                   room="알림1관 무대", capacity=400)],
)


def _phone(rng: random.Random, prefix: str | None) -> str:
    if prefix is None:
        return f"010-{rng.randint(2000, 9999)}-{rng.randint(1000, 9999)}"
    return prefix + str(rng.randint(10 ** 8, 10 ** 9 - 1))


def _people(rng: random.Random, count: int, foreign_share: float):
    for _ in range(count):
        if rng.random() < foreign_share:
            country, prefix, names = rng.choice(FOREIGN)
            yield rng.choice(names), _phone(rng, prefix), country
        else:
            yield rng.choice(SURNAMES) + rng.choice(GIVEN), _phone(rng, None), "KR"


def live_specs(today: date) -> list[tuple[dict, int]]:
    """Two events relative to ``today``: one on today and tomorrow, open for registration now, whose
    hands-on workshop is full with people waiting; and one three weeks ahead. (spec, registrations)"""
    soon = today + timedelta(days=21)
    open_now = dict(
        slug=f"digital-day-{today:%Y%m%d}", title_ko=f"{today:%Y} 시민 디지털 체험의 날",
        title_en=f"Citizens' digital day {today:%Y}", programme="slw",
        venue_ko="서울스마트시티센터", venue_en="Seoul Smart City Center", address="서울 중구 세종대로 110",
        directions_ko="지하철 1·2호선 시청역 4번 출구에서 걸어서 3분.",
        directions_en="Subway lines 1 and 2, City Hall station exit 4, three minutes' walk.",
        days=[today, today + timedelta(days=1)],
        registration_opens_at=seoul_to_utc(datetime.combine(today - timedelta(days=14), time(10))),
        registration_closes_at=seoul_to_utc(datetime.combine(today + timedelta(days=1), time(17))),
        ticket_types=[
            dict(name="visitor", label_ko="일반 참관", label_en="Visitor", capacity=500, waitlist=True),
            dict(name="workshop", label_ko="AI 비서 실습 (소수 정원)", label_en="AI assistant workshop (few seats)",
                 capacity=6, waitlist=True),
        ])
    coming = dict(
        slug=f"ai-talk-{soon:%Y%m%d}", title_ko=f"{soon:%Y} 서울 AI 토크: 일상 속 AI",
        title_en=f"Seoul AI talk {soon:%Y}: AI in everyday life", programme="ai_adoption",
        venue_ko="서울시청 다목적홀", venue_en="Seoul City Hall, multipurpose hall", address="서울 중구 세종대로 110",
        days=[soon],
        registration_opens_at=seoul_to_utc(datetime.combine(today - timedelta(days=3), time(10))),
        registration_closes_at=seoul_to_utc(datetime.combine(soon - timedelta(days=1), time(18))),
        ticket_types=[dict(name="citizen", label_ko="시민 관람", label_en="Citizen visitor", capacity=300,
                           waitlist=True)],
        sessions=[dict(title_ko="AI 토크 콘서트", title_en="AI talk concert", day=soon, starts_at="15:00",
                       room="다목적홀", capacity=300)])
    return [(open_now, 40), (coming, 25)]


def _seed_event(spec: dict, rng: random.Random, count: int, foreign_share: float, staff) -> int:
    if services.event_by_slug(spec["slug"]) is not None:
        return 0
    event = services.create_event(**spec)
    now = utcnow()
    opens = spec["registration_opens_at"]
    until = min(seoul_to_utc(datetime.combine(spec["days"][0], datetime.min.time())), now)
    window = max((until - opens).total_seconds(), 0)
    public_types = [t.name for t in event.ticket_types if t.public]
    made = []
    for name, phone, country in _people(rng, count, foreign_share):
        when = opens + timedelta(seconds=rng.random() * window)
        ticket_type = public_types[0] if rng.random() < 0.85 else rng.choice(public_types)
        locale = "ko" if country == "KR" else "en"
        registered = services.register(
            event, name=name, phone=phone, ticket_type=ticket_type, consent=True, country=country,
            affiliation=rng.choice(AFFILIATIONS), city=rng.choice(CITIES.get(country, [""])) or None,
            sms_consent=rng.random() < 0.6, locale=locale, now=when,
            session_ids=[s.id for s in event.sessions if rng.random() < 0.3])
        if registered.created:
            registered.registration.created_at = when
            made.append(registered.registration)
    for registration in made[::17]:  # a few change their minds
        services.cancel_registration(registration)
    gates = ["A홀 동문", "A홀 서문", "B홀 정문"]
    for registration in made:
        if registration.status != CONFIRMED:
            continue
        for day in spec["days"]:
            if rng.random() < 0.55:
                minutes = int(abs(rng.gauss(120, 90)))  # most arrive in the first hours after 10:00
                at = seoul_to_utc(datetime.combine(day, datetime.min.time()) + timedelta(hours=10, minutes=minutes))
                if at > now:  # not come yet
                    continue
                checkin = perform_checkin(kind=services.CHECKIN_KIND, subject_id=registration.id, scope_id=event.id,
                                          occasion=day.isoformat(), gate=rng.choice(gates), by_user=staff)
                checkin.at = at
    db.session.flush()
    return len(made)


def _fill_small_types(event, rng: random.Random, waiting: int = 3) -> None:
    """Fill each small public ticket type and put a few people on its waiting list."""
    for ticket_type in event.ticket_types:
        if not ticket_type.public or ticket_type.capacity is None or ticket_type.capacity > 20:
            continue
        for name, phone, country in _people(rng, ticket_type.capacity + waiting, 0):
            services.register(event, name=name, phone=phone, ticket_type=ticket_type.name, consent=True,
                              country=country, sms_consent=True, now=utcnow())
    db.session.flush()


def seed(context: dict) -> list[str]:
    """Idempotent: an event that already exists is left as it is."""
    rng = random.Random(2025)
    staff = (context.get("users") or {}).get("staff")
    slw = _seed_event(SLW, rng, 140, 0.3, staff)
    festa = _seed_event(FESTA, rng, 70, 0.05, staff)
    lines = [f"events: slw-2025 ({slw} registrations), ai-festa-2025 ({festa} registrations)"] if slw or festa else []
    for spec, count in live_specs(seoul_today()):
        made = _seed_event(spec, rng, count, 0.1, staff)
        if made:
            _fill_small_types(services.event_by_slug(spec["slug"]), rng)
            lines.append(f"events: {spec['slug']} ({made} registrations, open now: /e/{spec['slug']})")
    return lines
