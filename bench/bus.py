"""Bus benchmark: KPI metrics, counts, calendar and export on ten times a real year of runs.

    .venv/bin/python bench/bus.py          # or: make bench
Uses a fresh PostgreSQL database on OPS_TEST_PG_URL's server (migrated, dropped afterwards);
set OPS_BENCH_RUNS to change the number of runs (default 1,500: last year had 149).
Target: each KPI metric and the month calendar well under 100 ms, the year's counts page
and XLSX export under a second (printed, not enforced: the machine's speed varies).
Checks every figure against what it seeded (counted here, not by the code under test) and
exits 1 with a WRONG line for each difference.
"""
from __future__ import annotations

import io
import os
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from datetime import date, time as clock, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Checks, prepared_app  # noqa: E402

RUNS = int(os.environ.get("OPS_BENCH_RUNS", "1500"))
YEAR = 2025  # the seeded year; nothing here depends on the day the benchmark runs
SENIOR = ("60_69", "70_79", "80_plus")  # the plan's "aged 60 and over"
PILOT_PEOPLE = 16  # named participants per run of the per-person pilot (all aged 70–79)
CARDS = 20  # survey cards per run


METRIC_TARGET_MS, PAGE_TARGET_MS = 100, 1000  # "well under" for metrics and the calendar; the year's counts


def timed(label: str, fn, target_ms: float, repeat: int = 5):
    """Print the median and maximum time of ``fn`` beside its target (not enforced); return its last answer."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        answer = fn()
        times.append((time.perf_counter() - start) * 1000)
    median = statistics.median(times)
    print(f"{label:<38} median {median:8.1f} ms   max {max(times):8.1f} ms   "
          f"target < {target_ms:,.0f} ms{'' if median < target_ms else ' (missed)'}")
    return answer


class Seeded:
    """What the seed wrote, per run: the figures every report must add up to."""

    def __init__(self) -> None:
        self.runs: dict[int, dict] = {}  # visit id -> day, bus, slot, users, senior, scores
        self.pilot_runs = 0

    def figures(self, as_of: date) -> dict:
        """The year's figures counting the runs up to ``as_of``."""
        runs = [r for r in self.runs.values() if r["day"] <= as_of]
        scores = [s for r in runs for s in r["scores"]]
        return {"runs": len(runs), "users": sum(r["users"] for r in runs),
                "users_60plus": sum(r["senior"] for r in runs), "answers": len(scores), "score_sum": sum(scores)}


def seed(rng: random.Random) -> Seeded:
    from sqlalchemy import insert, select

    from ops.core.timeutil import utcnow
    from ops.extensions import db
    from ops.passes.codes import new_serial
    from ops.people.models import Person
    from ops.programs.bus import services
    from ops.programs.bus.models import (AGE_BANDS, BusAttendanceCount, BusParticipant, BusSurveyAnswer,
                                         BusSurveyCard, BusVisit)

    buses = [services.add_bus(f"버스 {n}", 25, seasons=[(date(YEAR, 3, 1), date(YEAR, 7, 31)),
                                                        (date(YEAR, 9, 1), date(YEAR, 11, 30))],
                              slots=[("am", "오전", "Morning", clock(10), clock(12)),
                                     ("pm", "오후", "Afternoon", clock(14), clock(16))]) for n in range(1, 11)]
    robot = services.add_programme("ai_robot", "AI 로봇", "AI robot")
    pilot = services.add_programme("pilot", "세대통합", "Pilot", per_person=True)
    institutions = [services.find_or_add_institution(f"복지관 {i}", "welfare_center", district)
                    for i, district in enumerate(["jongno", "mapo", "gangnam", "nowon", "guro"] * 10)]
    db.session.flush()
    slots = [(bus, slot, day) for bus in buses for slot in bus.slots
             for day in (date(YEAR, 3, 3) + timedelta(days=d) for d in range(270))
             if services.closed_reason(bus, day) is None]
    now = utcnow()  # only the rows' creation stamps
    chosen = rng.sample(slots, min(RUNS, len(slots)))
    pilot_runs = {(bus.id, slot.id, day) for i, (bus, slot, day) in enumerate(chosen) if i % 12 == 0}
    db.session.execute(insert(BusVisit), [dict(
        institution_id=rng.choice(institutions).id, bus_id=bus.id, slot_id=slot.id, day=day,
        programme_id=(pilot if (bus.id, slot.id, day) in pilot_runs else robot).id, expected_participants=20,
        status="approved", source="web", proposal_round=0, created_at=now) for bus, slot, day in chosen])
    seeded = Seeded()
    counts, cards, people = [], [], []
    for visit_id, bus_id, slot_id, day in db.session.execute(
            select(BusVisit.id, BusVisit.bus_id, BusVisit.slot_id, BusVisit.day)):
        run = seeded.runs[visit_id] = {"day": day, "bus": bus_id, "slot": slot_id, "scores": []}
        if (bus_id, slot_id, day) in pilot_runs:
            people.append(visit_id)
            seeded.pilot_runs += 1
            run["users"] = run["senior"] = PILOT_PEOPLE
        else:
            by_band = {band: rng.randint(0, 8) for band in AGE_BANDS}
            counts += [dict(visit_id=visit_id, age_band=band, count=n) for band, n in by_band.items()]
            run["users"] = sum(by_band.values())
            run["senior"] = sum(n for band, n in by_band.items() if band in SENIOR)
        cards += [dict(visit_id=visit_id, seat=seat, serial=new_serial(), created_at=now)
                  for seat in range(1, CARDS + 1)]
    db.session.execute(insert(BusAttendanceCount), counts)
    db.session.execute(insert(BusSurveyCard), cards)
    for visit_id in people:
        rows = [dict(name=f"참여자{visit_id}-{n}", birth_year=1950 if n % 2 else 2015, created_at=now, updated_at=now)
                for n in range(PILOT_PEOPLE)]
        ids = db.session.scalars(insert(Person).returning(Person.id), rows).all()
        db.session.execute(insert(BusParticipant), [dict(visit_id=visit_id, person_id=pid, role="grandparent",
                                                         age_band="70_79", recorded_at=now) for pid in ids])
    answers = []
    for card_id, visit_id in db.session.execute(select(BusSurveyCard.id, BusSurveyCard.visit_id)):
        if rng.random() < .45:
            score = rng.choice([3, 4, 4, 5, 5])
            answers.append(dict(card_id=card_id, visit_id=visit_id, score=score, answered_at=now))
            seeded.runs[visit_id]["scores"].append(score)
    db.session.execute(insert(BusSurveyAnswer), answers)
    db.session.commit()
    print(f"seeded {len(seeded.runs):,} runs on {len(buses)} buses, {len(counts):,} band counts, {len(cards):,} cards, "
          f"{len(answers):,} answers, {len(people) * PILOT_PEOPLE:,} pilot participants")
    return seeded


def check_figures(checks: Checks, what: str, figures, expected: dict) -> None:
    """A reports.Figures against the seeded figures."""
    got = {key: getattr(figures, key) for key in expected}
    checks.equal(what, got, expected)


def check_calendar(checks: Checks, weeks, seeded: Seeded, bus_id: int, year: int, month: int) -> None:
    """Every seeded run of the bus in the weeks shown, in its slot; none on a day without runs."""
    shown = {cell.day for week in weeks for cell in week}
    expected = {(r["day"], r["slot"]): vid for vid, r in seeded.runs.items()
                if r["bus"] == bus_id and r["day"] in shown}
    got = {(cell.day, slot.slot.id): slot.visit.id for week in weeks for cell in week for slot in cell.slots
           if slot.visit is not None}
    checks.equal(f"calendar {year}-{month:02d}: runs by day and slot", got, expected)
    checks.true(f"calendar {year}-{month:02d}: has runs", bool(got), "an empty month shows nothing")
    on_closed = [cell.day for week in weeks for cell in week if cell.closed is not None
                 and any(slot.visit for slot in cell.slots)]
    checks.equal(f"calendar {year}-{month:02d}: runs on days without runs", on_closed, [])


def check_export(checks: Checks, body: bytes, expected: dict) -> None:
    """The workbook's runs sheet lists every run; its month sheet's total row is the year's."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(body), read_only=True)
    runs, months = book.worksheets[0], book.worksheets[1]
    rows = list(runs.iter_rows(min_row=2, values_only=True))
    checks.equal("export: runs sheet", {"runs": len(rows), "users": sum(r[5] for r in rows),
                                        "users_60plus": sum(r[6] for r in rows), "answers": sum(r[7] for r in rows)},
                 {key: expected[key] for key in ("runs", "users", "users_60plus", "answers")})
    total = list(months.iter_rows(values_only=True))[-1]
    checks.equal("export: month sheet's total row (runs, users, 60+, answers)", list(total[1:5]),
                 [expected["runs"], expected["users"], expected["users_60plus"], expected["answers"]])


def main() -> int:
    from sqlalchemy import select

    from ops.accounts.services import create_user
    from ops.core.timeutil import seoul_today
    from ops.extensions import db
    from ops.kpi.registry import METRICS, PEOPLE
    from ops.programs.bus import reports
    from ops.programs.bus.models import Bus

    checks = Checks()
    with prepared_app({"WTF_CSRF_ENABLED": False}) as (_url, _instance, app):
        with app.app_context():
            seeded = seed(random.Random(7))
            create_user("bench@example.org", "staff", "bench-password-1")
            db.session.commit()
            as_of = date(YEAR, 12, 31)
            year = seeded.figures(as_of)
            values = {}
            for key in ("bus.users", "bus.users_60plus", "bus.satisfaction"):
                values[key] = timed(f"metric {key}", lambda key=key: METRICS[key](YEAR, as_of), METRIC_TARGET_MS)
                print(f"{key} = {values[key]}")
            for key in ("bus.users", "bus.users_60plus"):
                checks.equal(f"metric {key}", values[key], float(year[key.split(".")[1]]))
            mean, satisfaction = year["score_sum"] / year["answers"], values["bus.satisfaction"]
            checks.true("metric bus.satisfaction",
                        satisfaction is not None and abs(satisfaction - mean) <= 0.005 + 1e-9,
                        f"got {satisfaction!r}, expected the mean of the {year['answers']} answers, "
                        f"{mean:.4f}, to 2 places")
            served = timed("served_people bus", lambda: db.session.execute(PEOPLE["bus"](YEAR)).all(),
                           METRIC_TARGET_MS)
            checks.equal("served people (the pilot's named participants)", len(served),
                         seeded.pilot_runs * PILOT_PEOPLE)
            bus = db.session.scalar(select(Bus).order_by(Bus.id))
            weeks = timed("month_calendar (one bus, May)", lambda: reports.month_calendar(bus, YEAR, 5),
                          METRIC_TARGET_MS)
            check_calendar(checks, weeks, seeded, bus.id, YEAR, 5)
            summary = timed("summary (year's counts)", lambda: reports.summary(YEAR, as_of), PAGE_TARGET_MS)
            check_figures(checks, "summary: the year's total", summary["total"], year)
            checks.equal("summary: runs per month", {m: f.runs for m, f in summary["by_month"].items()},
                         dict(sorted(Counter(r["day"].month for r in seeded.runs.values()).items())))
            by_month = defaultdict(int)
            for r in seeded.runs.values():
                by_month[r["day"].month] += r["users"]
            checks.equal("summary: participants per month", {m: f.users for m, f in summary["by_month"].items()},
                         dict(sorted(by_month.items())))
            with app.test_request_context():
                body = timed("export_xlsx (year)", lambda: reports.export_xlsx(YEAR, as_of),
                             PAGE_TARGET_MS, repeat=3)
            check_export(checks, body, year)
            bus_id = bus.id
            db.session.remove()
        client = app.test_client()
        login = {"email": "bench@example.org", "password": "bench-password-1"}
        checks.equal("staff login", client.post("/login", data=login).status_code, 302)
        page = timed("GET /bus/calendar?month=2025-05",
                     lambda: client.get(f"/bus/calendar?month={YEAR}-05&bus={bus_id}"), METRIC_TARGET_MS)
        checks.equal("calendar page status", page.status_code, 200)
        links = {vid for vid, r in seeded.runs.items() if r["bus"] == bus_id and r["day"].month == 5}
        missing = [vid for vid in links if f'href="/bus/visits/{vid}"' not in page.text]
        checks.true("calendar page links every run of May", bool(links) and not missing, f"missing {missing[:5]}")
        page = timed("GET /bus/report?year=2025", lambda: client.get(f"/bus/report?year={YEAR}"),
                     PAGE_TARGET_MS, repeat=3)
        checks.equal("counts page status", page.status_code, 200)
        # The page counts the runs up to today (Seoul): expected figures as of the same day.
        shown = seeded.figures(min(seoul_today(), as_of))
        total_row = (f'<td class="num">{shown["runs"]}</td><td class="num">{shown["users"]:,}</td>'
                     f'<td class="num">{shown["users_60plus"]:,}</td>')
        checks.true("counts page's total row", total_row in page.text, f"no {total_row!r} in the page")
    return checks.verdict()


if __name__ == "__main__":
    sys.exit(main())
