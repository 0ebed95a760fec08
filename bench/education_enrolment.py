"""Education on the real PostgreSQL: the KPI on a year of data, concurrent enrolments and QR attendance scans.

    .venv/bin/python bench/education_enrolment.py

Uses a fresh PostgreSQL database on OPS_TEST_PG_URL's server (migrated, dropped afterwards).
Prints how long each education metric takes on a year of data (60 courses, 1,800 learners,
8 sessions each), then enrolments and scans per second with p50/p99 latency (600 people for
300 places, 16 threads). Checks its answers and exits 1 with a WRONG line for each
difference: the metrics equal what was seeded, no course above its places, every attempt
either confirmed or waitlisted, exactly one attendance per scanned code.
"""
from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from datetime import date, datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Checks, prepared_app  # noqa: E402

THREADS = 16
YEAR = 2025  # the seeded year; nothing here depends on the day the benchmark runs
PLACES, PEOPLE = 300, 600  # the burst: places of one course, people enrolling at once
COURSES, LEARNERS, SESSIONS = 60, 30, 8  # the year of data
KINDS = ("prompt", "data_admin", "collaboration", "smart_city_center")
COMPLETION_PERCENT = 80  # the courses' default completion rule


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def timed_in_threads(app, jobs):
    """Run jobs across THREADS threads (each its own session); wall time, per-job latencies, answers, errors."""
    from ops.extensions import db

    latencies, answers, errors, lock = [], [], [], threading.Lock()
    queue = list(jobs)

    def worker():
        with app.app_context():
            while True:
                with lock:
                    if not queue:
                        break
                    job = queue.pop()
                start = time.perf_counter()
                try:
                    answer = job()
                    db.session.commit()
                except Exception as exc:  # noqa: BLE001 - counted and reported as wrong
                    db.session.rollback()
                    answer, error = None, f"{type(exc).__name__}: {exc}"
                else:
                    error = None
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
                    answers.append(answer)
                    if error:
                        errors.append(error)
            db.session.remove()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return time.perf_counter() - started, latencies, answers, errors


def report(label, wall, latencies):
    print(f"{label}: {len(latencies)} in {wall:.2f} s = {len(latencies) / wall:.0f}/s, "
          f"p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms")


def build_year() -> dict:
    """60 courses of 30 learners and 8 sessions, 85 % attendance: about 12,000 check-ins.

    Returns the metrics' figures, counted here from what is seeded.
    """
    from ops.education.services import add_session, create_course, create_institution, enrol
    from ops.extensions import db
    from ops.passes.models import CheckIn
    from ops.people.services import find_or_create_person

    started = time.perf_counter()
    rows = []
    completed, came, delivered = {kind: set() for kind in KINDS}, {kind: set() for kind in KINDS}, set()
    for number in range(COURSES):
        kind = KINDS[number % len(KINDS)]
        institution = create_institution(f"기관{number}") if kind == "data_admin" else None
        course = create_course(title_ko=f"과정{number}", title_en=f"Course {number}", kind=kind,
                               audience="institution" if institution else "city_staff", institution=institution,
                               capacity=LEARNERS, year=YEAR)
        first = datetime(YEAR, 3, 2, 10) + timedelta(days=3 * number)
        sessions = [add_session(course, starts=first + timedelta(days=s), ends=first + timedelta(days=s, hours=2),
                                place="교육장") for s in range(SESSIONS)]
        if institution is not None:
            delivered.add(institution.id)  # its last session ends within the year
        for learner in range(LEARNERS):
            phone = f"010-9{number:03d}-{learner:04d}"
            person = find_or_create_person(f"연간{number}-{learner}", phone)
            enrolment, _ = enrol(course, person, institution=institution)
            attended = 0
            for index, session in enumerate(sessions):
                if (learner + index) % 7:
                    attended += 1
                    rows.append({"kind": "attendance", "subject_id": enrolment.id, "scope_id": course.id,
                                 "occasion": str(session.id), "method": "scan", "at": session.starts_at})
            if attended:
                came[kind].add(phone)
            if attended * 100 >= COMPLETION_PERCENT * SESSIONS:
                completed[kind].add(phone)
    db.session.execute(db.insert(CheckIn), rows)
    db.session.commit()
    print(f"a year of data: {COURSES} courses, {COURSES * LEARNERS:,} learners, {len(rows):,} check-ins "
          f"(built in {time.perf_counter() - started:.1f} s)")
    return {"education.prompt_trainees": len(completed["prompt"]),
            "education.institutions_trained": len(delivered),
            "education.collaboration_trainees": len(came["collaboration"]),
            "smart_city_center.users": len(came["smart_city_center"])}


def year_metrics(checks: Checks) -> None:
    from ops.education import kpi

    expected = build_year()
    as_of = date(YEAR, 12, 31)
    for key, fn in (("education.prompt_trainees", kpi.prompt_trainees),
                    ("education.institutions_trained", kpi.institutions_trained),
                    ("education.collaboration_trainees", kpi.collaboration_trainees),
                    ("smart_city_center.users", kpi.smart_city_center_learners)):
        start = time.perf_counter()
        value = fn(YEAR, as_of)
        print(f"metric {key} = {value:g} in {(time.perf_counter() - start) * 1000:.1f} ms")
        checks.equal(f"metric {key}", value, expected[key])


def burst(app, checks: Checks) -> None:
    """PEOPLE enrol at once in a course of PLACES places, then every confirmed code is scanned (twice)."""
    from collections import Counter

    from sqlalchemy import func, select

    from ops.education.attendance import admit_attendee
    from ops.education.models import Course, Enrolment
    from ops.education.services import add_session, create_course, enrol
    from ops.extensions import db
    from ops.passes.codes import verify_code
    from ops.passes.models import CheckIn
    from ops.people.models import Person
    from ops.people.services import find_or_create_person

    course = create_course(title_ko="벤치마크 과정", title_en="Benchmark", kind="smart_city_center",
                           audience="citizens", capacity=PLACES, year=YEAR)
    starts = datetime(YEAR, 11, 3, 10)
    session = add_session(course, starts=starts, ends=starts + timedelta(hours=2), place="교육장")
    people = [find_or_create_person(f"수강생{i}", f"010-8{i // 10000:03d}-{i % 10000:04d}").id
              for i in range(PEOPLE)]
    db.session.commit()
    course_id, session_id = course.id, str(session.id)

    def enrol_job(person_id):
        return lambda: enrol(db.session.get(Course, course_id), db.session.get(Person, person_id))[0].status

    wall, latencies, answers, errors = timed_in_threads(app, [enrol_job(pid) for pid in people])
    report(f"enrolments ({THREADS} threads, {PLACES} places for {PEOPLE} people)", wall, latencies)
    db.session.expire_all()
    taken = db.session.get(Course, course_id).taken
    by_status = dict(db.session.execute(select(Enrolment.status, func.count()).where(Enrolment.course_id == course_id)
                                        .group_by(Enrolment.status)).all())
    print(f"  places taken: {taken} of {PLACES}; enrolments by status: {by_status}; answers: {dict(Counter(answers))}")
    checks.equal("enrolment errors", errors[:3], [])
    checks.true("places taken never above the course's places", taken <= PLACES, f"{taken} taken of {PLACES}")
    checks.equal("enrolments: every place taken, the rest waiting",
                 {"taken": taken, **by_status}, {"taken": PLACES, "confirmed": PLACES, "waitlisted": PEOPLE - PLACES})
    checks.equal("answers: confirmed + waitlisted = attempts", dict(Counter(answers)),
                 {"confirmed": PLACES, "waitlisted": PEOPLE - PLACES})

    codes = [verify_code(c) for c in db.session.scalars(
        select(Enrolment.code).where(Enrolment.course_id == course_id, Enrolment.status == "confirmed"))]

    def scan_job(code):
        def job():
            # The session is named (as the roll-call page does), so the scan does not depend on today.
            with app.test_request_context("/api/v1/checkin", method="POST"):
                return admit_attendee(code, gate="bench", by_user=None, occasion=session_id).result
        return job

    wall, latencies, answers, errors = timed_in_threads(app, [scan_job(code) for code in codes])
    report(f"attendance scans ({THREADS} threads)", wall, latencies)
    checks.equal("first scans: every code admitted", {"answers": dict(Counter(answers)), "errors": errors[:3]},
                 {"answers": {"ok": len(codes)}, "errors": []})
    wall, latencies, answers, errors = timed_in_threads(app, [scan_job(code) for code in codes])
    report(f"repeat scans of the same codes ({THREADS} threads)", wall, latencies)
    checks.equal("repeat scans: every code already checked in",
                 {"answers": dict(Counter(answers)), "errors": errors[:3]},
                 {"answers": {"already_checked_in": len(codes)}, "errors": []})
    rows, subjects = db.session.execute(
        select(func.count(), func.count(func.distinct(CheckIn.subject_id)))
        .where(CheckIn.scope_id == course_id, CheckIn.kind == "attendance", CheckIn.undone_at.is_(None))).one()
    print(f"  attendance rows: {rows} for {len(codes)} codes scanned twice")
    checks.equal("exactly one attendance per scanned code", {"rows": rows, "codes": subjects},
                 {"rows": len(codes), "codes": len(codes)})


def main() -> int:
    checks = Checks()
    # The app's engine options, with a pooled connection for every thread.
    engine = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False, "pool_size": THREADS + 2}}
    with prepared_app(engine) as (_url, _instance, app):
        with app.app_context():
            year_metrics(checks)
            burst(app, checks)
            from ops.extensions import db

            db.session.remove()
    return checks.verdict()


if __name__ == "__main__":
    sys.exit(main())
