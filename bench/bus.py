"""Bus benchmark: KPI metrics, counts, calendar and export on ten times a real year of runs.

    .venv/bin/python bench/bus.py          # or: make bench
Uses a fresh PostgreSQL database (OPS_TEST_PG_URL's server, dropped afterwards); set
OPS_BENCH_RUNS to change the number of runs (default 1,500: last year had 149).
Target: each KPI metric and the month calendar well under 100 ms, the year's counts page
and XLSX export under a second.
"""
from __future__ import annotations

import os
import random
import statistics
import time
import uuid
from datetime import date, time as clock, timedelta

from sqlalchemy import create_engine, insert, select, text

RUNS = int(os.environ.get("OPS_BENCH_RUNS", "1500"))
PG_ADMIN_URL = os.environ.get("OPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def timed(label: str, fn, repeat: int = 5) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    print(f"{label:<38} median {statistics.median(times):8.1f} ms   max {max(times):8.1f} ms")


def seed(rng: random.Random) -> None:
    from ops.core.timeutil import utcnow
    from ops.extensions import db
    from ops.passes.codes import new_serial
    from ops.people.models import Person
    from ops.programs.bus import services
    from ops.programs.bus.models import (AGE_BANDS, BusAttendanceCount, BusParticipant, BusSurveyAnswer,
                                         BusSurveyCard, BusVisit)

    buses = [services.add_bus(f"버스 {n}", 25, seasons=[(date(2025, 3, 1), date(2025, 7, 31)),
                                                        (date(2025, 9, 1), date(2025, 11, 30))],
                              slots=[("am", "오전", "Morning", clock(10), clock(12)),
                                     ("pm", "오후", "Afternoon", clock(14), clock(16))]) for n in range(1, 11)]
    robot = services.add_programme("ai_robot", "AI 로봇", "AI robot")
    pilot = services.add_programme("pilot", "세대통합", "Pilot", per_person=True)
    institutions = [services.find_or_add_institution(f"복지관 {i}", "welfare_center", district)
                    for i, district in enumerate(["jongno", "mapo", "gangnam", "nowon", "guro"] * 10)]
    db.session.flush()
    slots = [(bus, slot, day) for bus in buses for slot in bus.slots
             for day in (date(2025, 3, 3) + timedelta(days=d) for d in range(270))
             if services.closed_reason(bus, day) is None]
    now = utcnow()
    chosen = rng.sample(slots, min(RUNS, len(slots)))
    db.session.execute(insert(BusVisit), [dict(
        institution_id=rng.choice(institutions).id, bus_id=bus.id, slot_id=slot.id, day=day,
        programme_id=(pilot if i % 12 == 0 else robot).id, expected_participants=20, status="approved",
        source="web", proposal_round=0, created_at=now) for i, (bus, slot, day) in enumerate(chosen)])
    visits = db.session.execute(select(BusVisit.id, BusVisit.programme_id)).all()
    counts, cards, people = [], [], []
    for visit_id, programme_id in visits:
        if programme_id == pilot.id:
            people.append(visit_id)
        else:
            counts += [dict(visit_id=visit_id, age_band=band, count=rng.randint(0, 8)) for band in AGE_BANDS]
        cards += [dict(visit_id=visit_id, seat=seat, serial=new_serial(), created_at=now) for seat in range(1, 21)]
    db.session.execute(insert(BusAttendanceCount), counts)
    db.session.execute(insert(BusSurveyCard), cards)
    for visit_id in people:
        rows = [dict(name=f"참여자{visit_id}-{n}", birth_year=1950 if n % 2 else 2015, created_at=now, updated_at=now)
                for n in range(16)]
        ids = db.session.scalars(insert(Person).returning(Person.id), rows).all()
        db.session.execute(insert(BusParticipant), [dict(visit_id=visit_id, person_id=pid, role="grandparent",
                                                         age_band="70_79", recorded_at=now) for pid in ids])
    card_rows = db.session.execute(select(BusSurveyCard.id, BusSurveyCard.visit_id)).all()
    db.session.execute(insert(BusSurveyAnswer), [dict(card_id=cid, visit_id=vid, score=rng.choice([3, 4, 4, 5, 5]),
                                                      answered_at=now) for cid, vid in card_rows if rng.random() < .45])
    db.session.commit()
    print(f"seeded {len(visits):,} runs on {len(buses)} buses, {len(counts):,} band counts, {len(cards):,} cards, "
          f"{len(people) * 16:,} pilot participants")


def main() -> None:
    name = f"ops_bench_bus_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    os.environ.setdefault("OPS_INSTANCE_PATH", f"/tmp/{name}")
    try:
        from ops import create_app
        from ops.accounts.services import create_user
        from ops.extensions import db
        from ops.kpi.registry import METRICS, PEOPLE
        from ops.programs.bus import reports
        from ops.programs.bus.models import Bus

        app = create_app({"SQLALCHEMY_DATABASE_URI": PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name,
                          "WTF_CSRF_ENABLED": False, "TESTING": True})
        with app.app_context():
            db.create_all()
            seed(random.Random(7))
            create_user("bench@example.org", "staff", "bench-password-1")
            db.session.commit()
            as_of = date(2025, 12, 31)
            for key in ("bus.users", "bus.users_60plus", "bus.satisfaction"):
                print(f"{key} = {METRICS[key](2025, as_of)}")
                timed(f"metric {key}", lambda key=key: METRICS[key](2025, as_of))
            timed("served_people bus", lambda: db.session.execute(PEOPLE["bus"](2025)).all())
            bus = db.session.scalar(select(Bus).order_by(Bus.id))
            timed("month_calendar (one bus, May)", lambda: reports.month_calendar(bus, 2025, 5))
            timed("summary (year's counts)", lambda: reports.summary(2025, as_of))
            with app.test_request_context():
                timed("export_xlsx (year)", lambda: reports.export_xlsx(2025, as_of), repeat=3)
            bus_id = bus.id
        client = app.test_client()
        login = {"email": "bench@example.org", "password": "bench-password-1"}
        assert client.post("/login", data=login).status_code == 302
        assert client.get(f"/bus/calendar?month=2025-05&bus={bus_id}").status_code == 200
        timed("GET /bus/calendar?month=2025-05", lambda: client.get(f"/bus/calendar?month=2025-05&bus={bus_id}"))
        timed("GET /bus/report?year=2025", lambda: client.get("/bus/report?year=2025"), repeat=3)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    main()
