"""KPI benchmark: the roll-up over a year of every programme's data, then the dashboard and the API, on PostgreSQL.

    .venv/bin/python bench/kpi_rollup.py              # 1x then 5x, on OPS_TEST_PG_URL's server (or the local one)
    .venv/bin/python bench/kpi_rollup.py --scale 1    # only 1x (about a minute)
    .venv/bin/python bench/kpi_rollup.py --runs 5

Makes a database of its own (migrated like ``flask db upgrade``, dropped afterwards), loads the
2025 plan as ``ops seed plan`` does, then bulk-inserts a year (2025) of data: 13,000 learners
taught 1:1 by 130 instructors at 52 centers with 150,000 lesson logs, 30,000 event
registrations with their check-ins (Smart Life Week, 72 countries), 3,000 bus participants
(counted by age band, plus the pilot's named participants, and survey answers), 5,000
education enrolments with attendance. Some people take part in several programmes, so the
unique-citizen figure differs from the sum of the programmes'.

Times ``rollup(2025, 2025-11-30)`` with its commit (one warm-up, then ``--runs`` runs) and
prints each run, the median, what was written, the unique citizens and the slowest metric
functions. Target: a full roll-up under 2 seconds.

Then it enters a manager's figure for every manual metric, stores the daily snapshots an hourly
roll-up would have left since 1 January of the year before, and times, as a logged-in manager
through the app's test client, the dashboard page and ``GET /api/v1/kpi`` (both for November,
compared with the same date last year). Target: each under 300 ms at 5x. Both read snapshots,
so their time should not grow with the data.

It checks every figure against what it seeded: the roll-up's against the bulk-loaded rows, and
the page's and API's (each metric's value, its value on the same date last year and its trend,
the unique citizens) against the roll-up, the entries and the stored history. Any wrong figure
prints WRONG and the exit status is 1. Speed is printed, not enforced (this machine's speed varies).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import JSON, func, select  # noqa: E402

from bench.harness import Checks, fresh_database, temp_instance  # noqa: E402

YEAR, AS_OF = 2025, date(2025, 11, 30)
LEARNERS, INSTRUCTORS, LESSONS = 13_000, 130, 150_000
REGISTRATIONS, COUNTRIES = 30_000, 72
BUS_PEOPLE, ENROLMENTS = 3_000, 5_000
SEOUL = timedelta(hours=9)
# What the seeding knows the roll-up must find: figures by metric key, people served by programme.
EXPECTED: dict[str, float] = {}
SERVED: dict[str, set[int]] = {}


def utc(day: date, hour: int, minute: int = 0) -> datetime:
    """A Seoul wall-clock time on ``day`` as the naive UTC the database stores."""
    return datetime(day.year, day.month, day.day, hour, minute) - SEOUL


def put(model, rows: list[dict], ids: bool = False) -> list[int]:
    """Load rows with PostgreSQL's COPY (columns left out get the model's defaults); their new ids if asked."""
    from ops.extensions import db

    table = model.__table__
    if not rows:
        return []
    defaults = {c.name: (c.default.arg(None) if c.default.is_callable else c.default.arg)
                for c in table.columns if c.default is not None and c.name not in rows[0]}
    columns = [c for c in table.columns if c.name in rows[0] or c.name in defaults]
    as_json = {c.name for c in columns if isinstance(c.type, JSON)}
    names = [c.name for c in columns]
    before = db.session.scalar(select(func.coalesce(func.max(table.c.id), 0)))
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table.name} ({', '.join(names)}) FROM STDIN") as copy:
        for row in rows:
            values = [row.get(n, defaults.get(n)) for n in names]
            copy.write_row([json.dumps(v) if n in as_json else v for n, v in zip(names, values)])
    if not ids:
        return []
    return db.session.scalars(select(table.c.id).where(table.c.id > before).order_by(table.c.id)).all()


def people(rows: int, prefix: str, rng, now, districts) -> list[int]:
    from ops.people.models import Person

    return put(Person, [dict(name=f"{prefix}{i}", phone=f"010-{rng.randint(2000, 9999)}-{i % 10000:04d}",
                             district=rng.choice(districts), birth_year=rng.randint(1935, 1965),
                             created_at=now, updated_at=now) for i in range(rows)], ids=True)


# --- 어디나지원단: centers, instructors, learners, matches, lesson logs, online lessons -----------------

def seed_eodina(rng, now, districts) -> list[int]:
    from ops.programs.eodina.models import (Center, Instructor, Learner, LessonLog, Match, OnlineContent,
                                            OnlineView)

    centers = put(Center, [dict(name=f"스마트 클리닉 {d}-{n}", district=d, address="서울", capacity=4, active=True,
                                opened_on=date(2024, 3, 1) + timedelta(days=rng.randint(0, 400)), created_at=now)
                           for i, d in enumerate(districts) for n in range(3 if i < 2 else 2)], ids=True)
    center_district = dict(zip(centers, [d for i, d in enumerate(districts) for _ in range(3 if i < 2 else 2)]))
    by_district = defaultdict(list)
    for cid, d in center_district.items():
        by_district[d].append(cid)
    teacher_people = people(INSTRUCTORS, "강사", rng, now, districts)
    instructors = put(Instructor, [dict(
        person_id=pid, status="active", applied_on=date(YEAR, 1, 10),
        selected_on=date(YEAR, 2, 1) + timedelta(days=i % 40), trained_on=date(YEAR, 3, 15),
        activated_on=date(YEAR, 3, 20), districts=[districts[i % 25]],
        availability=["mon-am", "wed-pm"], topics=["smartphone", "kiosk"], max_learners=110, created_at=now)
        for i, pid in enumerate(teacher_people)], ids=True)
    learner_people = people(LEARNERS, "학습자", rng, now, districts)
    # Lessons per learner: about 11.5 on average; 5% still waiting for their first lesson.
    taught = [rng.random() > 0.05 for _ in range(LEARNERS)]
    weights = [rng.randint(1, 22) if t else 0 for t in taught]
    scale = LESSONS / sum(weights)
    counts = [max(1, round(w * scale)) if w else 0 for w in weights]
    counts[taught.index(True)] += LESSONS - sum(counts)
    learner_rows, plans = [], []
    for i, pid in enumerate(learner_people):
        ins = i % INSTRUCTORS
        district = districts[ins % 25]
        first = date(YEAR, 1, 6) + timedelta(days=rng.randint(0, 340))
        days = [first + timedelta(days=7 * k + rng.randint(0, 2)) for k in range(counts[i])]
        plans.append((ins, rng.choice(by_district[district]), days))
        learner_rows.append(dict(
            person_id=pid, district=district, availability=["mon-am"], topics=["smartphone"], source="import",
            lessons_attended=len(days), taught_at=utc(days[0], 10) if days else None,
            completed_at=utc(days[9], 11) if len(days) >= 10 else None, created_at=now))
    learners = put(Learner, learner_rows, ids=True)
    put(Match, [dict(learner_id=lid, instructor_id=instructors[ins], center_id=center, slot="mon-am",
                     reason_ko="같은 구", reason_en="Same district", created_at=now)
                for lid, (ins, center, days) in zip(learners, plans) if days])
    serial = 0
    lessons = []
    for lid, (ins, center, days) in zip(learners, plans):
        for day in days:
            serial += 1
            lessons.append(dict(learner_id=lid, instructor_id=instructors[ins], center_id=center, lesson_date=day,
                                minutes=50, attended=True, topics=["smartphone"], skills=[],
                                feedback_serial=f"L{serial:015d}", created_at=utc(day, 12)))
    put(LessonLog, lessons)
    SERVED["eodina"] = {pid for pid, (_i, _c, days) in zip(learner_people, plans) if days}
    EXPECTED["eodina.learners_taught"] = sum(1 for _i, _c, days in plans if days and days[0] <= AS_OF)
    contents = put(OnlineContent, [dict(slug=f"lesson-{n}", title_ko=f"온라인 강의 {n}", title_en=f"Online lesson {n}",
                                        kind="video", url=f"https://example.org/{n}", minutes=5,
                                        produced_on=date(YEAR, 1 + n % 11, 15), active=True, created_at=now)
                                   for n in range(12)], ids=True)
    put(OnlineView, [dict(content_id=rng.choice(contents), visitor=f"v{n:08d}", views=rng.randint(1, 3),
                          first_at=utc(date(YEAR, 1, 1) + timedelta(days=n % 360), 15),
                          completed_at=utc(date(YEAR, 1, 1) + timedelta(days=n % 360), 16) if n % 5 else None)
                     for n in range(7_000)])
    print(f"  eodina: {len(centers)} centers, {len(instructors)} instructors, {len(learners):,} learners "
          f"({sum(taught):,} taught), {len(lessons):,} lesson logs")
    return learner_people


# --- Events: Smart Life Week and AI Festa, registrations and check-ins --------------------------------

def seed_events(rng, now, districts, shared: list[int]) -> list[int]:
    from ops.events.models import Event, Registration, TicketType
    from ops.passes.models import CheckIn

    events = [("slw-2025", "slw", [date(YEAR, 9, 30), date(YEAR, 10, 1), date(YEAR, 10, 2)], REGISTRATIONS * 13 // 15),
              ("ai-festa-2025", "ai_festa", [date(YEAR, 6, 20), date(YEAR, 6, 21)], REGISTRATIONS * 2 // 15)]
    countries = ["KR"] + [f"{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(COUNTRIES - 1)]
    # Most visitors are Korean; the rest come from 71 other countries.
    weights = [60] + [1] * (COUNTRIES - 1)
    new_people = people(REGISTRATIONS - len(shared), "방문객", rng, now, districts)
    pool = shared + new_people
    rng.shuffle(pool)
    regs, seq, rows_by_event = [], 0, {}
    for slug, programme, days, n in events:
        event_id = put(Event, [dict(slug=slug, title_ko=slug, title_en=slug, programme=programme, days=[
            d.isoformat() for d in days], first_day=days[0], last_day=days[-1], created_at=now)], ids=True)[0]
        ticket = put(TicketType, [dict(event_id=event_id, name="visitor", label_ko="일반", label_en="Visitor",
                                       capacity=None, taken=n, waitlist=False, public=True, position=0)], ids=True)[0]
        rows = []
        for _ in range(n):
            pid = pool[seq]
            seq += 1
            rows.append(dict(event_id=event_id, ticket_type_id=ticket, person_id=pid, person_key=f"k{pid:012d}",
                             code=f"{slug.upper()}.{seq:08d}", status="confirmed", name="방문객",
                             phone_tail=f"{seq % 10000:04d}", country=rng.choices(countries, weights)[0],
                             locale="ko", source="web", created_at=now, confirmed_at=now))
        regs.append((event_id, days, put(Registration, rows, ids=True)))
        rows_by_event[programme] = [dict(row, id=rid) for row, rid in zip(rows, regs[-1][2])]
    checkins = []
    for event_id, days, ids in regs:
        for rid in ids:
            if rng.random() < 0.12:  # registered, never came
                continue
            for day in rng.sample(days, rng.choice([1, 1, 1, 2, len(days)])):
                checkins.append(dict(kind="ticket", subject_id=rid, scope_id=event_id, occasion=day.isoformat(),
                                     gate=f"gate-{rng.randint(1, 6)}", method="scan",
                                     at=utc(day, rng.randint(9, 17), rng.randint(0, 59))))
    put(CheckIn, checkins)
    came = {c["subject_id"] for c in checkins}
    slw = [r for r in rows_by_event["slw"] if r["id"] in came]
    EXPECTED["slw.visitors"] = len(slw)
    EXPECTED["slw.countries"] = len({r["country"] for r in slw})
    SERVED["events"] = {r["person_id"] for rows in rows_by_event.values() for r in rows if r["id"] in came}
    print(f"  events: {sum(len(r[2]) for r in regs):,} registrations, {len(checkins):,} check-ins, "
          f"{COUNTRIES} countries")
    return new_people


# --- The bus: runs with age-band counts, the pilot's named participants, survey answers ---------------

def seed_bus(rng, now, districts, shared: list[int]) -> None:
    from ops.extensions import db
    from ops.people.models import Person
    from ops.programs.bus import services
    from ops.programs.bus.models import (AGE_BANDS, BusAttendanceCount, BusParticipant, BusSurveyAnswer,
                                         BusSurveyCard, BusVisit)

    bus = services.add_bus("디지털 배움버스", 25, seasons=[(date(YEAR, 3, 1), date(YEAR, 12, 15))],
                           slots=[("am", "오전", "Morning", datetime.min.time().replace(hour=10),
                                   datetime.min.time().replace(hour=12)),
                                  ("pm", "오후", "Afternoon", datetime.min.time().replace(hour=14),
                                   datetime.min.time().replace(hour=16))])
    robot = services.add_programme("ai_robot", "AI 로봇", "AI robot")
    pilot = services.add_programme("pilot", "세대통합", "Intergenerational pilot", per_person=True)
    hosts = [services.find_or_add_institution(f"복지관 {i}", "welfare_center", districts[i % 25]) for i in range(60)]
    db.session.flush()
    days = [date(YEAR, 3, 3) + timedelta(days=d) for d in range(280)]
    slots = [(day, slot) for day in days if day.weekday() < 5 for slot in bus.slots]
    chosen = rng.sample(slots, 200)
    pilot_runs = 20
    visit_rows = [dict(institution_id=rng.choice(hosts).id, bus_id=bus.id, slot_id=slot.id, day=day,
                       programme_id=(pilot if i < pilot_runs else robot).id, expected_participants=20,
                       status="approved", source="web", proposal_round=0, created_at=now,
                       recorded_at=now) for i, (day, slot) in enumerate(chosen)]
    visits = put(BusVisit, visit_rows, ids=True)
    for row, vid in zip(visit_rows, visits):
        row["id"] = vid
    named_each = 16
    counted_total = BUS_PEOPLE - pilot_runs * named_each
    counts, left = [], counted_total
    counted_runs = visits[pilot_runs:]
    for n, vid in enumerate(counted_runs):
        run_total = left // (len(counted_runs) - n)
        left -= run_total
        split = [rng.random() + (2 if band in ("60_69", "70_79") else 0.3) for band in AGE_BANDS]
        parts = [int(run_total * s / sum(split)) for s in split]
        parts[1] += run_total - sum(parts)
        counts += [dict(visit_id=vid, age_band=band, count=c) for band, c in zip(AGE_BANDS, parts)]
    put(BusAttendanceCount, counts)
    fresh = put(Person, [dict(name=f"참여자{i}", birth_year=2014 if i % 2 else 1950, created_at=now, updated_at=now)
                         for i in range(pilot_runs * named_each - len(shared))], ids=True)
    named = shared + fresh
    put(BusParticipant, [dict(visit_id=visits[i // named_each], person_id=pid,
                              role="grandchild" if i % 2 else "grandparent",
                              age_band="under_20" if i % 2 else "70_79", recorded_at=now)
                         for i, pid in enumerate(named)])
    cards = put(BusSurveyCard, [dict(visit_id=vid, seat=seat, serial=f"B{vid:06d}{seat:02d}", created_at=now)
                                for vid in visits for seat in range(1, 21)], ids=True)
    answers = [dict(card_id=cid, visit_id=visits[i // 20], score=rng.choice([3, 4, 4, 5, 5, 5]), answered_at=now)
               for i, cid in enumerate(cards) if rng.random() < 0.45]
    put(BusSurveyAnswer, answers)
    ran = {vid for vid, (day, _slot) in zip(visits, chosen) if day <= AS_OF}
    EXPECTED["bus.users"] = (sum(c["count"] for c in counts if c["visit_id"] in ran)
                             + sum(1 for i in range(len(named)) if visits[i // named_each] in ran))
    EXPECTED["bus.runs"] = len(ran)
    EXPECTED["bus.institutions"] = len({v["institution_id"] for v in visit_rows if v["id"] in ran})
    SERVED["bus"] = set(named)
    print(f"  bus: {len(visits)} runs, {counted_total:,} counted by age band + {len(named)} named participants, "
          f"{len(answers):,} survey answers")


# --- Education: courses, sessions, enrolments and attendance ------------------------------------------

def seed_education(rng, now, districts, shared: list[int]) -> None:
    from ops.education.models import Course, CourseSession, Enrolment, Institution
    from ops.education.services import ATTENDANCE
    from ops.passes.models import CheckIn

    institutions = put(Institution, [dict(name=f"서울시 기관 {i}", kind="public_agency", created_at=now)
                                     for i in range(40)], ids=True)
    kinds = [("prompt", "citizens", 24, None), ("data_admin", "institution", 14, "own"),
             ("collaboration", "city_staff", 2, None), ("smart_city_center", "citizens", 20, None)]
    plan = []  # (course id, session ids with their start, institution)
    for kind, audience, n, own in kinds:
        for i in range(n):
            institution = institutions[i] if own else None
            cid = put(Course, [dict(year=YEAR, title_ko=f"{kind} {i}", title_en=f"{kind} {i}", kind=kind,
                                    audience=audience, institution_id=institution, capacity=100, taken=0,
                                    completion_percent=80, open=True, created_at=now)], ids=True)[0]
            start = date(YEAR, 2, 3) + timedelta(days=rng.randint(0, 300))
            count = rng.randint(4, 8)
            starts = [start + timedelta(days=7 * k) for k in range(count)]
            sids = put(CourseSession, [dict(course_id=cid, starts_at=utc(d, 14), ends_at=utc(d, 16), place="교육장")
                                       for d in starts], ids=True)
            plan.append((cid, list(zip(sids, starts)), institution))
            key = {"prompt": "education.prompt_sessions", "data_admin": "education.data_admin_sessions"}.get(kind)
            if key:
                EXPECTED[key] = EXPECTED.get(key, 0) + sum(1 for d in starts if d <= AS_OF)
    fresh = people(ENROLMENTS - len(shared), "수강생", rng, now, districts)
    pool = shared + fresh
    rng.shuffle(pool)
    enrol_rows = []
    for n, pid in enumerate(pool):
        cid, _sessions, institution = plan[n % len(plan)]
        enrol_rows.append(dict(course_id=cid, person_id=pid, institution_id=institution or rng.choice(
            institutions + [None] * 40), status="confirmed" if n % 25 else "cancelled", code=f"EDU.{n:08d}",
                                source="web", created_at=now))
    enrolments = put(Enrolment, enrol_rows, ids=True)
    checkins = []
    for n, (eid, row) in enumerate(zip(enrolments, enrol_rows)):
        if row["status"] != "confirmed":
            continue
        keen = rng.random()
        for sid, day in plan[n % len(plan)][1]:
            if rng.random() < 0.3 + 0.65 * keen:
                checkins.append(dict(kind=ATTENDANCE, subject_id=eid, scope_id=row["course_id"], occasion=str(sid),
                                     method="scan", at=utc(day, 14, rng.randint(0, 20))))
    put(CheckIn, checkins)
    came = {c["subject_id"] for c in checkins}
    SERVED["education"] = {row["person_id"] for eid, row in zip(enrolments, enrol_rows) if eid in came}
    print(f"  education: {len(plan)} courses, {len(enrolments):,} enrolments, {len(checkins):,} attendances")


def seed() -> None:
    from ops.core.timeutil import utcnow
    from ops.extensions import db
    from ops.people.districts import DISTRICTS
    from ops.plan.loader import load_plan

    rng = random.Random(2025)
    now = utcnow()
    districts = [d.code for d in DISTRICTS]
    load_plan(year=YEAR)
    start = time.perf_counter()
    learners = seed_eodina(rng, now, districts)
    print(f"    {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    visitors = seed_events(rng, now, districts, shared=rng.sample(learners, LEARNERS * 5 // 26))
    print(f"    {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    seed_bus(rng, now, districts, shared=rng.sample(learners, 60))
    shared = rng.sample(learners, LEARNERS * 7 // 130) + rng.sample(visitors, ENROLMENTS * 3 // 25)
    seed_education(rng, now, districts, shared=shared)
    print(f"    {time.perf_counter() - start:.1f} s")
    db.session.commit()
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()


class Stopwatch:
    """Wraps the registered metric functions and the unique-citizen count to time each call."""

    def __init__(self):
        from ops.kpi import services
        from ops.kpi.registry import METRICS

        self.times: dict[str, list[float]] = defaultdict(list)
        self.restore = dict(METRICS), services.unique_people
        for key, fn in list(METRICS.items()):
            METRICS[key] = self.wrap(key, fn)
        services.unique_people = self.wrap("people.unique (all served_people)", services.unique_people)

    def wrap(self, key, fn):
        def timed(*args):
            start = time.perf_counter()
            try:
                return fn(*args)
            finally:
                self.times[key].append(time.perf_counter() - start)
        return timed

    def close(self):
        from ops.kpi import services
        from ops.kpi.registry import METRICS

        METRICS.update(self.restore[0])
        services.unique_people = self.restore[1]


def measure(runs: int) -> dict:
    from ops.extensions import db
    from ops.kpi import services
    from ops.kpi.models import Snapshot
    from ops.kpi.registry import DISTRICT_FIGURES, METRICS, PEOPLE

    start = time.perf_counter()
    services.rollup(YEAR, AS_OF)  # warm-up: the first snapshots, plans cached, pages in memory
    db.session.commit()
    print(f"warm-up: {(time.perf_counter() - start) * 1000:8.1f} ms")
    watch = Stopwatch()
    times, figures = [], {}
    try:
        for n in range(runs):
            start = time.perf_counter()
            figures = services.rollup(YEAR, AS_OF)
            db.session.commit()
            times.append(time.perf_counter() - start)
            print(f"run {n + 1}: {times[-1] * 1000:8.1f} ms")
    finally:
        watch.close()
    median = statistics.median(times)
    written = db.session.scalar(select(func.count()).select_from(Snapshot).where(Snapshot.day == AS_OF))
    print(f"roll-up median {median * 1000:.1f} ms (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f})"
          f"   target < 2000 ms: {'met' if median < 2 else 'NOT met'}")
    per_programme = {k.rsplit(".", 1)[1]: int(v) for k, v in figures.items()
                     if k.startswith(services.UNIQUE_PEOPLE + ".")}
    computed = [k for k in figures if k in METRICS]
    print(f"metrics: {len(computed)} computed by registered functions, "
          f"{len(figures) - len(computed) - len(per_programme) - 1} entered by hand (plan targets "
          f"{len(figures) - len(per_programme) - 1}); snapshots written per roll-up {len(figures)} "
          f"({written} rows for {AS_OF})")
    print(f"unique citizens {int(figures[services.UNIQUE_PEOPLE]):,} (per programme {per_programme}, "
          f"sum {sum(per_programme.values()):,})")
    checks = [(k, EXPECTED[k], figures.get(k)) for k in sorted(EXPECTED)]
    checks += [(f"{services.UNIQUE_PEOPLE}.{k}", len(v), per_programme.get(k)) for k, v in sorted(SERVED.items())]
    checks.append((services.UNIQUE_PEOPLE, len(set().union(*SERVED.values())), figures[services.UNIQUE_PEOPLE]))
    for key, want, got in checks:
        CHECKS.equal(f"{SCALE}x roll-up {key}", got, want)
    print(f"roll-up checked against the seeded data: {len(checks)} figures")
    print("computed: " + ", ".join(f"{k} {figures[k]:g}" for k in sorted(computed) if figures[k] is not None))
    slowest = sorted(((statistics.median(v), k) for k, v in watch.times.items()), reverse=True)[:5]
    print("slowest (median per roll-up):")
    for seconds, key in slowest:
        print(f"  {key:<40} {seconds * 1000:8.1f} ms")
    print("served_people per programme (counted inside people.unique):")
    for key, fn in sorted(PEOPLE.items()):
        start = time.perf_counter()
        db.session.scalar(select(func.count()).select_from(fn(YEAR).subquery()))
        print(f"  {key:<40} {(time.perf_counter() - start) * 1000:8.1f} ms")
    print("district figures (computed by the roll-up, read by the dashboard from its snapshots):")
    for key, (_label, fn) in DISTRICT_FIGURES.items():
        start = time.perf_counter()
        fn(YEAR)
        print(f"  {key:<40} {(time.perf_counter() - start) * 1000:8.1f} ms")
    return figures


# --- What managers read: entries, a year of daily snapshots, the dashboard page and the API -----------

ENTERED: dict[str, float] = {}   # manual metric -> the figure a manager entered
PREVIOUS: dict[str, float] = {}  # metric -> its snapshot on the same date last year
TREND_POINTS: dict[str, int] = {}  # metric -> points of its trend (weekly) up to AS_OF


def history_value(n: int, day: date) -> float:
    """A made-up figure for metric number ``n`` on ``day`` (what an earlier roll-up would have stored)."""
    return float((n * 37 + day.toordinal() * 3) % 5000)


def seed_entries_and_history(figures: dict) -> None:
    """Managers' figures for every manual metric, and the daily snapshots of every metric from 1 January
    of the year before up to the day before AS_OF, as a year of hourly roll-ups would have left them."""
    from ops.accounts.services import create_user
    from ops.extensions import db
    from ops.kpi import services
    from ops.kpi.models import Snapshot
    from ops.plan.models import Target

    manager = create_user("bench-manager@example.org", "manager", "correct-horse-battery")
    targets = db.session.scalars(select(Target).where(Target.year == YEAR).order_by(Target.metric)).all()
    for n, t in enumerate(t for t in targets if t.source == "manual"):
        ENTERED[t.metric] = 10.0 + n
        services.add_entry(year=YEAR, metric=t.metric, value=ENTERED[t.metric], as_of=AS_OF - timedelta(days=n),
                           note="bench", user=manager, today=AS_OF)
    keys = [t.metric for t in targets] + [k for k in figures if k.startswith(services.UNIQUE_PEOPLE)]
    rows, now = [], datetime(YEAR, 1, 1)
    for year, first, last in ((YEAR - 1, date(YEAR - 1, 1, 1), date(YEAR - 1, 12, 31)),
                              (YEAR, date(YEAR, 1, 1), AS_OF - timedelta(days=1))):
        day = first
        while day <= last:
            rows += [dict(year=year, metric=k, day=day, value=history_value(n, day), state="ok", computed_at=now)
                     for n, k in enumerate(keys)]
            day += timedelta(days=1)
    put(Snapshot, rows)
    same_day = services.same_day_last_year(AS_OF)
    PREVIOUS.update({k: history_value(n, same_day) for n, k in enumerate(keys)})
    # The trend is weekly: the latest snapshot of each week (Monday to Sunday); AS_OF's week ends on its
    # roll-up, which has no point where the figure is None.
    weeks = len({day - timedelta(days=day.weekday())
                 for day in (date(YEAR, 1, 1) + timedelta(days=n) for n in range((AS_OF - date(YEAR, 1, 1)).days + 1))})
    TREND_POINTS.update({k: weeks - (figures.get(k) is None) for k in keys})
    db.session.commit()
    db.session.execute(db.text("ANALYZE"))
    db.session.commit()
    print(f"history: {len(rows):,} daily snapshots ({len(keys)} keys, {YEAR - 1} and {YEAR} up to {AS_OF}), "
          f"{len(ENTERED)} managers' figures")


def timed_get(client, url: str, runs: int) -> tuple[list[float], object]:
    client.get(url)  # warm-up: templates compiled, plan rows cached by the database
    times, response = [], None
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - start)
    return times, response


def check_served(api: dict, page: str, figures: dict) -> None:
    """Every figure the API and the page show against what was seeded, rolled up, entered and stored."""
    from ops.kpi import kpi_number, services

    metrics = [m for p in api["programmes"] for m in p["metrics"]]
    for m in metrics:
        key, what = m["key"], f"{SCALE}x {m['key']}"
        want = ENTERED[key] if m["source"] == "manual" else figures.get(key)
        CHECKS.equal(f"{what} shown by the API", m["value"], want)
        CHECKS.equal(f"{what} on the same date last year", (m["previous"] or {}).get("value"), PREVIOUS[key])
        CHECKS.equal(f"{what} trend points", len(m["trend"]), TREND_POINTS[key])
        if m["value"] is not None:
            CHECKS.true(f"{what} shown on the page", f"<strong>{kpi_number(m['value'])}</strong>" in page,
                        f"{kpi_number(m['value'])} not found")
    total = len(set().union(*SERVED.values()))
    CHECKS.equal(f"{SCALE}x unique citizens shown by the API", api["unique_citizens"]["total"], total)
    CHECKS.true(f"{SCALE}x unique citizens shown on the page", f"{total:,}" in page, f"{total:,} not found")
    CHECKS.equal(f"{SCALE}x metrics on the page", page.count('<article class="metric'), len(metrics))
    print(f"dashboard and API checked: {len(metrics)} metrics (value, same date last year, trend) and the "
          f"unique citizens")


def measure_reading(app, runs: int, figures: dict) -> dict:
    from ops.extensions import db

    """Times GET /kpi/<year> (the page) and GET /api/v1/kpi (compare=previous) as a manager; each request
    in an app context of its own, as when served (nothing cached between requests)."""
    with app.app_context():
        seed_entries_and_history(figures)
        db.session.remove()
    client = app.test_client()
    response = client.post("/login", data={"email": "bench-manager@example.org", "password": "correct-horse-battery"})
    assert response.status_code == 302, "the bench manager could not log in"
    page_times, page = timed_get(client, f"/kpi/{YEAR}?month={AS_OF.month}&compare=previous", runs)
    api_times, api = timed_get(client, f"/api/v1/kpi?year={YEAR}&month={AS_OF.month}&compare=previous", runs)
    result = {}
    for name, times, resp in (("dashboard page", page_times, page), ("API answer", api_times, api)):
        median = statistics.median(times)
        result[name] = median
        print(f"{name:<15} median {median * 1000:7.1f} ms (min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, "
              f"{len(resp.data) / 1024:.0f} KiB, HTTP {resp.status_code})   target < 300 ms: "
              f"{'met' if median < 0.3 else 'NOT met'}")
    if os.environ.get("OPS_BENCH_PROFILE"):  # where a page's time goes: OPS_BENCH_PROFILE=1
        import cProfile
        import pstats

        for url in (f"/kpi/{YEAR}?month={AS_OF.month}&compare=previous",
                    f"/api/v1/kpi?year={YEAR}&month={AS_OF.month}&compare=previous"):
            profile = cProfile.Profile()
            profile.runcall(client.get, url)
            print(url)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    ok = CHECKS.equal(f"{SCALE}x dashboard page HTTP status", page.status_code, 200)
    if CHECKS.equal(f"{SCALE}x API HTTP status", api.status_code, 200) and ok:
        check_served(api.get_json(), page.get_data(as_text=True), figures)
    return result


def run_at(scale: int, runs: int) -> dict:
    """One full round on a fresh database: seed ``scale`` times a year of data, roll up, read."""
    global LEARNERS, LESSONS, REGISTRATIONS, ENROLMENTS, SCALE
    from flask_migrate import upgrade

    from ops import create_app
    from ops.extensions import db

    LEARNERS, LESSONS, REGISTRATIONS, ENROLMENTS = (n * scale for n in BASE)
    SCALE = scale
    for found in (EXPECTED, SERVED, ENTERED, PREVIOUS, TREND_POINTS):
        found.clear()
    print(f"\n=== {scale}x a year of data ===")
    os.environ["OPS_INSTANCE_PATH"] = instance = temp_instance()
    try:
        with fresh_database() as url:
            app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "OPS_BROKER_URL": None,
                              "WTF_CSRF_ENABLED": False})
            with app.app_context():
                upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
                start = time.perf_counter()
                print("seeding a year of data (bulk inserts):")
                seed()
                print(f"seeded in {time.perf_counter() - start:.1f} s")
                figures = measure(runs)
                db.session.remove()
            reading = measure_reading(app, max(runs, 5), figures)
            with app.app_context():
                db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
    return reading


BASE = (LEARNERS, LESSONS, REGISTRATIONS, ENROLMENTS)
CHECKS = Checks()
SCALE = 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", default="1,5",
                        help="comma-separated multiples of learners, lesson logs, registrations and enrolments "
                             "(the bus stays as is), each on a fresh database; default 1,5")
    args = parser.parse_args()
    scales = [int(n) for n in args.scale.split(",")]
    summary = {scale: run_at(scale, args.runs) for scale in scales}
    print("\nsummary (median, in-process test client, PostgreSQL):")
    for scale, reading in summary.items():
        print(f"  {scale}x: " + ", ".join(f"{name} {seconds * 1000:.1f} ms" for name, seconds in reading.items()))
    return CHECKS.verdict()


if __name__ == "__main__":
    sys.exit(main())
