"""Benchmark of the 어디나지원단 matching engine, end to end through ``services.run_matching``.

13,000 learners, 130 instructors and 52 smart clinic centers (2 or 3 in each of the 25
districts), with availability and topics drawn the way sign-ups look (mornings and
weekdays are popular, smartphone basics and kiosks are wanted most). Three districts get
fewer instructors than their learners need, so some learners must go to a neighbour.

Prints the time of the run (loading, matching and writing the matches), the share
matched, the share matched within their own district (overall and where the district has
room), the spread of load across instructors, and a check that nobody left waiting could
still be placed.

    .venv/bin/python bench/matching.py                  # SQLite in a temporary folder
    .venv/bin/python bench/matching.py --postgresql     # a throwaway database on OPS_TEST_PG_URL
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402

LEARNERS, INSTRUCTORS, SHORT_DISTRICTS = 13_000, 130, ("gangseo", "nowon", "songpa")
SLOT_WEIGHTS = {"am": 5, "pm": 3, "late": 1}
DAY_WEIGHTS = {"mon": 3, "tue": 3, "wed": 3, "thu": 3, "fri": 2, "sat": 1}
TOPIC_WEIGHTS = {"smartphone": 8, "kiosk": 6, "health_app": 3, "transport_app": 3, "finance_app": 3,
                 "video_call": 4, "scam_safety": 4, "photos": 3}


def _weighted_sample(rng, weights: dict, k: int) -> list:
    pool, out = dict(weights), []
    for _ in range(min(k, len(pool))):
        pick = rng.choices(list(pool), weights=list(pool.values()))[0]
        out.append(pick)
        del pool[pick]
    return out


def _slots(rng, n: int) -> list[str]:
    weights = {f"{d}-{b}": DAY_WEIGHTS[d] * SLOT_WEIGHTS[b] for d in DAY_WEIGHTS for b in SLOT_WEIGHTS}
    return _weighted_sample(rng, weights, n)


def build(db, rng) -> dict:
    """Insert centers, instructors and learners in bulk (not timed)."""
    from ops.core.timeutil import utcnow
    from ops.people.districts import DISTRICTS
    from ops.people.models import Person
    from ops.programs.eodina.models import Center, Instructor, Learner, instructor_centers

    now = utcnow()
    centers = []
    for i, d in enumerate(DISTRICTS):
        for n in range(3 if i < 2 else 2):  # 52 centers: two districts have a third
            centers.append(dict(name=f"{d.name_ko} 센터 {n + 1}", district=d.code, address="-", opening_hours="",
                                capacity=rng.choice((3, 4, 5)), active=True, created_at=now))
    db.session.execute(insert(Center), centers)
    center_rows = db.session.execute(select(Center.id, Center.district)).all()
    by_district = defaultdict(list)
    for cid, district in center_rows:
        by_district[district].append(cid)
    # Learners per district: uneven, as the population is.
    district_weights = {d.code: rng.uniform(0.6, 1.4) for d in DISTRICTS}
    learner_districts = rng.choices(list(district_weights), weights=list(district_weights.values()), k=LEARNERS)
    demand = Counter(learner_districts)
    # Instructors: 130 spread by demand, short districts get one instructor fewer than they need.
    instructor_districts = []
    for d in DISTRICTS:
        instructor_districts += [d.code] * max(1, round(INSTRUCTORS * demand[d.code] / LEARNERS))
    instructor_districts = (instructor_districts + [d.code for d in DISTRICTS])[:INSTRUCTORS]
    for short in SHORT_DISTRICTS:
        if instructor_districts.count(short) > 2:
            i = instructor_districts.index(short)
            instructor_districts[i] = next(d.code for d in DISTRICTS if d.code not in SHORT_DISTRICTS
                                           and BY_ZONE[d.code] != BY_ZONE[short])
    people = [dict(name=f"강사{i}", phone=f"010-9{i:03d}-0000", district=d, created_at=now, updated_at=now)
              for i, d in enumerate(instructor_districts)]
    people += [dict(name=f"학생{i}", phone=f"010-{1000 + i // 10000}-{i % 10000:04d}", district=d, created_at=now,
                    updated_at=now) for i, d in enumerate(learner_districts)]
    db.session.execute(insert(Person), people)
    person_ids = db.session.scalars(select(Person.id).order_by(Person.id)).all()
    capacity_by_district = Counter()
    instructors = []
    for pid, district in zip(person_ids, instructor_districts):
        cap = rng.randint(90, 130)
        capacity_by_district[district] += cap
        instructors.append(dict(person_id=pid, status="active", applied_on=now.date(), districts=[district],
                                availability=_slots(rng, rng.randint(8, 12)),
                                topics=_weighted_sample(rng, TOPIC_WEIGHTS, rng.randint(4, 7)), max_learners=cap,
                                created_at=now))
    db.session.execute(insert(Instructor), instructors)
    ins_rows = db.session.execute(select(Instructor.id, Instructor.districts)).all()
    db.session.execute(insert(instructor_centers), [dict(instructor_id=iid, center_id=cid) for iid, ds in ins_rows
                                                    for cid in by_district[ds[0]]])
    learners = [dict(person_id=pid, district=d, availability=_slots(rng, rng.randint(3, 7)),
                     topics=_weighted_sample(rng, TOPIC_WEIGHTS, rng.randint(1, 3)), source="import",
                     lessons_attended=0, created_at=now)
                for pid, d in zip(person_ids[len(instructor_districts):], learner_districts)]
    db.session.execute(insert(Learner), learners)
    db.session.commit()
    return {"demand": demand, "capacity": capacity_by_district}


def report(db, figures: dict, seconds: float) -> None:
    from ops.programs.eodina.matching import CenterInfo, InstructorInfo, LearnerInfo, Placement, plan_matches
    from ops.programs.eodina.models import Center, Instructor, Learner, Match

    rows = db.session.execute(select(Match.learner_id, Match.instructor_id, Learner.district, Center.district)
                              .join(Learner, Learner.id == Match.learner_id)
                              .join(Center, Center.id == Match.center_id)).all()
    matched = len(rows)
    in_district = sum(1 for r in rows if r[2] == r[3])
    roomy = {d for d, need in figures["demand"].items() if figures["capacity"][d] >= need}
    roomy_learners = sum(n for d, n in figures["demand"].items() if d in roomy)
    roomy_in_district = sum(1 for r in rows if r[2] == r[3] and r[2] in roomy)
    instructors = db.session.scalars(select(Instructor)).all()
    load = Counter(r[1] for r in rows)
    ratios = [load[i.id] / i.max_learners for i in instructors]
    # Would anyone still waiting fit somewhere now? Ask the engine again with the final state.
    waiting = db.session.scalars(select(Learner).where(~select(Match.id).where(Match.learner_id == Learner.id)
                                                       .exists())).all()
    centers = db.session.scalars(select(Center)).all()
    live = db.session.execute(select(Match.instructor_id, Match.center_id, Match.slot)).all()
    again = plan_matches([LearnerInfo(le.id, le.district, frozenset(le.availability), frozenset(le.topics))
                          for le in waiting],
                         [InstructorInfo(i.id, frozenset(i.districts), frozenset(c.id for c in i.centers),
                                         frozenset(i.availability), frozenset(i.topics), i.max_learners, load[i.id])
                          for i in instructors],
                         [CenterInfo(c.id, c.district, c.capacity) for c in centers],
                         [Placement(*r) for r in live])
    total_capacity = sum(i.max_learners for i in instructors)
    print(f"learners {LEARNERS:,}, instructors {len(instructors)}, centers {len(centers)}, "
          f"instructor places {total_capacity:,}")
    print(f"time                          {seconds:.2f} s   (target < 5 s)")
    print(f"matched                       {matched:,} = {matched / LEARNERS:.1%} of learners")
    print(f"still placeable after the run {len(again.proposals)}   (0 = everyone matched whom capacity allows)")
    print(f"within their district         {in_district / max(matched, 1):.1%} of matched")
    print(f"  where the district has room {roomy_in_district / max(roomy_learners, 1):.1%} of its learners "
          f"({len(roomy)} of 25 districts; target > 95%)")
    print(f"load per instructor (share of their maximum): min {min(ratios):.0%}, median "
          f"{statistics.median(ratios):.0%}, max {max(ratios):.0%}, stdev {statistics.pstdev(ratios):.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgresql", action="store_true", help="use a throwaway PostgreSQL database")
    args = parser.parse_args()
    from ops import create_app
    from ops.extensions import db
    from ops.programs.eodina.services import run_matching

    tmp = tempfile.mkdtemp()
    os.environ.setdefault("OPS_INSTANCE_PATH", tmp)
    admin, name = None, None
    if args.postgresql:
        admin_url = os.environ.get("OPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
        name = f"ops_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin_url.rsplit("/", 1)[0] + "/" + name
    else:
        url = f"sqlite:///{tmp}/bench.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "OPS_BROKER_URL": None})
    try:
        with app.app_context():
            db.create_all()
            figures = build(db, random.Random(13))
            db.session.expire_all()
            started = time.perf_counter()
            run_matching()
            db.session.commit()
            seconds = time.perf_counter() - started
            print(f"database: {db.engine.dialect.name}")
            report(db, figures, seconds)
            db.session.remove()
            db.engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    from ops.people.districts import DISTRICTS as _D

    BY_ZONE = {d.code: d.zone for d in _D}
    main()
