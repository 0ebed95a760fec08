"""Education on the real PostgreSQL: concurrent enrolments, QR attendance scans, and the KPI on a year of data.

    .venv/bin/python bench/education_enrolment.py          # uses OPS_TEST_PG_URL or the local server

Prints enrolments and scans per second with p50/p99 latency, and how long each
education metric takes on a year of data (60 courses, 1,800 learners, 8 sessions each).
"""
from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

ADMIN_URL = os.environ.get("OPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
THREADS = 16


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * share), len(ordered) - 1)]


def timed_in_threads(app, jobs):
    """Run jobs across THREADS threads (each its own session); return wall time and per-job latencies."""
    from ops.extensions import db

    latencies, lock = [], threading.Lock()
    queue = list(jobs)

    def worker():
        with app.app_context():
            while True:
                with lock:
                    if not queue:
                        break
                    job = queue.pop()
                start = time.perf_counter()
                job()
                db.session.commit()
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed)
            db.session.remove()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return time.perf_counter() - started, latencies


def report(label, wall, latencies):
    print(f"{label}: {len(latencies)} in {wall:.2f} s = {len(latencies) / wall:.0f}/s, "
          f"p50 {statistics.median(latencies) * 1000:.1f} ms, p99 {percentile(latencies, 0.99) * 1000:.1f} ms")


def main() -> None:
    name = f"ops_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    os.environ["OPS_INSTANCE_PATH"] = tempfile.mkdtemp()
    try:
        run(ADMIN_URL.rsplit("/", 1)[0] + "/" + name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run(url: str) -> None:
    from ops import create_app
    from ops.core.timeutil import to_seoul, utcnow
    from ops.education import kpi
    from ops.education.attendance import admit_attendee
    from ops.education.models import Course, Enrolment
    from ops.people.models import Person
    from ops.education.services import add_session, create_course, enrol
    from ops.extensions import db
    from ops.passes.codes import verify_code
    from ops.passes.models import CheckIn
    from ops.people.services import find_or_create_person

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "OPS_BROKER_URL": None,
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": THREADS + 2}})
    with app.app_context():
        db.create_all()
        now = to_seoul(utcnow()).replace(tzinfo=None)
        course = create_course(title_ko="벤치마크 과정", title_en="Benchmark", kind="smart_city_center",
                               audience="citizens", capacity=300, year=now.year)
        add_session(course, starts=now - timedelta(minutes=30), ends=now + timedelta(hours=1), place="교육장")
        people = [find_or_create_person(f"수강생{i}", f"010-8{i // 10000:03d}-{i % 10000:04d}").id for i in range(600)]
        db.session.commit()
        course_id = course.id

        def enrol_job(person_id):
            return lambda: enrol(db.session.get(Course, course_id), db.session.get(Person, person_id))

        wall, latencies = timed_in_threads(app, [enrol_job(pid) for pid in people])
        report(f"enrolments ({THREADS} threads, 300 places for 600 people)", wall, latencies)
        db.session.expire_all()
        taken = db.session.get(Course, course_id).taken
        print(f"  places taken: {taken} (never more than 300)")

        codes = [verify_code(c) for c in db.session.scalars(
            db.select(Enrolment.code).where(Enrolment.course_id == course_id, Enrolment.status == "confirmed"))]

        def scan_job(code):
            def job():
                with app.test_request_context("/api/v1/checkin", method="POST"):
                    admit_attendee(code, gate="bench", by_user=None)
            return job

        wall, latencies = timed_in_threads(app, [scan_job(code) for code in codes])
        report(f"attendance scans ({THREADS} threads)", wall, latencies)

        build_year(db, create_course, add_session, enrol, find_or_create_person, CheckIn, Enrolment, now.year)
        as_of = date(now.year, 12, 31)
        for key, fn in (("education.prompt_trainees", kpi.prompt_trainees),
                        ("education.institutions_trained", kpi.institutions_trained),
                        ("education.collaboration_trainees", kpi.collaboration_trainees),
                        ("smart_city_center.users", kpi.smart_city_center_learners)):
            start = time.perf_counter()
            value = fn(now.year, as_of)
            print(f"metric {key} = {value:g} in {(time.perf_counter() - start) * 1000:.1f} ms")
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def build_year(db, create_course, add_session, enrol, find_or_create_person, CheckIn, Enrolment, year):
    """60 courses of 30 learners and 8 sessions, 85 % attendance: about 12,000 check-ins."""
    from ops.education.services import create_institution

    started = time.perf_counter()
    kinds = ("prompt", "data_admin", "collaboration", "smart_city_center")
    rows = []
    for number in range(60):
        kind = kinds[number % 4]
        institution = create_institution(f"기관{number}") if kind == "data_admin" else None
        course = create_course(title_ko=f"과정{number}", title_en=f"Course {number}", kind=kind,
                               audience="institution" if institution else "city_staff", institution=institution,
                               capacity=30, year=year)
        first = datetime(year, 3, 2, 10) + timedelta(days=3 * number)
        sessions = [add_session(course, starts=first + timedelta(days=s), ends=first + timedelta(days=s, hours=2),
                                place="교육장") for s in range(8)]
        for learner in range(30):
            person = find_or_create_person(f"연간{number}-{learner}", f"010-9{number:03d}-{learner:04d}")
            enrolment, _ = enrol(course, person, institution=institution)
            for index, session in enumerate(sessions):
                if (learner + index) % 7:
                    rows.append({"kind": "attendance", "subject_id": enrolment.id, "scope_id": course.id,
                                 "occasion": str(session.id), "method": "scan", "at": session.starts_at})
    db.session.execute(db.insert(CheckIn), rows)
    db.session.commit()
    print(f"a year of data: 60 courses, 1,800 learners, {len(rows):,} check-ins "
          f"(built in {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
