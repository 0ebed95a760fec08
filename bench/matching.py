"""Benchmark of the 어디나지원단 matching engine, end to end through ``services.run_matching``, on PostgreSQL.

13,000 learners, 130 instructors and 52 smart clinic centers (2 in each of the 25 districts,
3 in two of them). Learners are spread over the districts as older residents are: unevenly
(송파, 강서, 노원 have three or four times the older residents of 중구 or 종로). Instructors are
spread roughly by demand but not exactly, as volunteers are: a few districts are short, one
(금천) has none, so some learners must go next door or elsewhere in their living zone.
Availability and topics are drawn the way sign-ups look (mornings and weekdays are popular,
smartphone basics and kiosks are wanted most); a few learners can only come late on a Saturday
afternoon, when no instructor teaches.

The schema comes from the migrations (as ``bench/harness`` builds it), in a throwaway database on
OPS_TEST_PG_URL's server (OPS_BENCH_PG_URL wins), dropped at the end. Times the run (loading,
matching, writing matches and waiting reasons, commit), then prints the share matched in the
learner's own district, in adjacent districts, in the same 생활권 and further out, the share
waiting by reason, and the load spread. It checks its own answer and exits 1 when it is wrong:

* no instructor above their maximum, no center above its capacity in a slot, an instructor
  at one center per slot, every match in a slot both gave;
* every learner matched once or waiting with a reason, and the counts add up;
* each match's stored tier is the tier its districts give, and 'further out' is 0 (nobody here
  has a coordinator's approval);
* nobody left waiting could still be placed within reach.

The speed target (< 2 s) is printed, not enforced: this machine's speed varies.

    .venv/bin/python bench/matching.py
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, insert, select  # noqa: E402

from bench.harness import fresh_database, temp_instance  # noqa: E402

LEARNERS, INSTRUCTORS, TARGET_SECONDS = 13_000, 130, 2.0
# Relative numbers of older residents per district (the benchmark's skew, rounded; the largest
# districts have three to four times the smallest).
OLDER_RESIDENTS = {
    "songpa": 105, "gangseo": 100, "nowon": 95, "eunpyeong": 92, "gwanak": 86, "gangnam": 80, "seongbuk": 76,
    "gangdong": 76, "jungnang": 72, "guro": 72, "dobong": 64, "gangbuk": 66, "yangcheon": 66, "yeongdeungpo": 66,
    "seocho": 64, "dongjak": 64, "dongdaemun": 62, "mapo": 62, "gwangjin": 55, "seodaemun": 55, "geumcheon": 45,
    "seongdong": 45, "yongsan": 40, "jongno": 30, "jung": 27,
}
# Where volunteers are fewer than demand would give (one fewer each), and where there are none.
SHORT, NONE = ("songpa", "nowon", "gwanak", "dobong"), ("geumcheon",)
SLOT_WEIGHTS = {"am": 5, "pm": 3, "late": 1}
DAY_WEIGHTS = {"mon": 3, "tue": 3, "wed": 3, "thu": 3, "fri": 2, "sat": 1}
TOPIC_WEIGHTS = {"smartphone": 8, "kiosk": 6, "health_app": 3, "transport_app": 3, "finance_app": 3,
                 "video_call": 4, "scam_safety": 4, "photos": 3}
SATURDAY_ONLY = 60  # learners who can only come late on Saturday afternoons, when no instructor teaches


def _weighted_sample(rng, weights: dict, k: int) -> list:
    pool, out = dict(weights), []
    for _ in range(min(k, len(pool))):
        pick = rng.choices(list(pool), weights=list(pool.values()))[0]
        out.append(pick)
        del pool[pick]
    return out


def _slots(rng, n: int, days=DAY_WEIGHTS) -> list[str]:
    weights = {f"{d}-{b}": DAY_WEIGHTS[d] * SLOT_WEIGHTS[b] for d in days for b in SLOT_WEIGHTS}
    return _weighted_sample(rng, weights, n)


def build(db, rng) -> dict:
    """Insert centers, instructors and learners in bulk (not timed); what was seeded, for the checks."""
    from ops.core.timeutil import utcnow
    from ops.people.districts import DISTRICTS
    from ops.people.models import Person
    from ops.programs.eodina.models import Center, Instructor, Learner, instructor_centers

    now = utcnow()
    centers = [dict(name=f"{d.name_ko} 센터 {n + 1}", district=d.code, address="-", opening_hours="",
                    capacity=rng.choice((3, 4, 5)), active=True, created_at=now)
               for i, d in enumerate(DISTRICTS) for n in range(3 if i < 2 else 2)]
    db.session.execute(insert(Center), centers)
    by_district = defaultdict(list)
    for cid, district in db.session.execute(select(Center.id, Center.district)).all():
        by_district[district].append(cid)
    learner_districts = rng.choices(list(OLDER_RESIDENTS), weights=list(OLDER_RESIDENTS.values()), k=LEARNERS)
    demand = Counter(learner_districts)
    # Instructors by demand, one fewer where volunteers are short, none where there are none; the
    # places left over go to the districts with most demand per instructor.
    share = {d: 0 if d in NONE else max(1, round(INSTRUCTORS * demand[d] / LEARNERS) - (d in SHORT))
             for d in OLDER_RESIDENTS}
    while sum(share.values()) < INSTRUCTORS:
        d = max((d for d in share if d not in NONE and d not in SHORT), key=lambda d: demand[d] / share[d])
        share[d] += 1
    while sum(share.values()) > INSTRUCTORS:
        d = min((d for d in share if share[d] > 1), key=lambda d: demand[d] / share[d])
        share[d] -= 1
    instructor_districts = [d for d, n in share.items() for _ in range(n)]
    people = [dict(name=f"강사{i}", phone=f"010-9{i:03d}-0000", district=d, created_at=now, updated_at=now)
              for i, d in enumerate(instructor_districts)]
    people += [dict(name=f"학생{i}", phone=f"010-{1000 + i // 10000}-{i % 10000:04d}", district=d, created_at=now,
                    updated_at=now) for i, d in enumerate(learner_districts)]
    db.session.execute(insert(Person), people)
    person_ids = db.session.scalars(select(Person.id).order_by(Person.id)).all()
    instructors = [dict(person_id=pid, status="active", applied_on=now.date(), districts=[district],
                        availability=[s for s in _slots(rng, rng.randint(9, 13)) if s != "sat-late"],
                        topics=_weighted_sample(rng, TOPIC_WEIGHTS, rng.randint(4, 7)),
                        max_learners=rng.randint(85, 125), created_at=now)
                   for pid, district in zip(person_ids, instructor_districts)]
    db.session.execute(insert(Instructor), instructors)
    ins_rows = db.session.execute(select(Instructor.id, Instructor.districts)).all()
    db.session.execute(insert(instructor_centers), [dict(instructor_id=iid, center_id=cid) for iid, ds in ins_rows
                                                    for cid in by_district[ds[0]]])
    learners = [dict(person_id=pid, district=d, topics=_weighted_sample(rng, TOPIC_WEIGHTS, rng.randint(1, 3)),
                     availability=(["sat-late"] if n < SATURDAY_ONLY else _slots(rng, rng.randint(3, 7))),
                     source="import", lessons_attended=0, created_at=now)
                for n, (pid, d) in enumerate(zip(person_ids[len(instructor_districts):], learner_districts))]
    db.session.execute(insert(Learner), learners)
    db.session.commit()
    return {"demand": demand, "instructors": share}


def check_and_report(db, seconds: float) -> list[str]:
    """Print the figures; return what is wrong (empty when the answer is right)."""
    from ops.people.adjacency import TIERS, tier_between
    from ops.programs.eodina.catalog import SLOTS
    from ops.programs.eodina.matching import CenterInfo, InstructorInfo, LearnerInfo, Placement, plan_matches
    from ops.programs.eodina.models import Center, Instructor, Learner, Match

    wrong: list[str] = []
    centers = {c.id: c for c in db.session.scalars(select(Center))}
    instructors = {i.id: i for i in db.session.scalars(select(Instructor))}
    learners = {le.id: le for le in db.session.scalars(select(Learner))}
    matches = db.session.scalars(select(Match).where(Match.ended_at.is_(None))).all()
    load = Counter(m.instructor_id for m in matches)
    per_learner = Counter(m.learner_id for m in matches)
    teaching = defaultdict(set)  # (center, slot) → instructors
    where = defaultdict(set)  # (instructor, slot) → centers
    tiers = Counter()
    bad_tier, bad_slot = [], []
    for m in matches:
        learner, ins, center = learners[m.learner_id], instructors[m.instructor_id], centers[m.center_id]
        teaching[(m.center_id, m.slot)].add(m.instructor_id)
        where[(m.instructor_id, m.slot)].add(m.center_id)
        tier = tier_between(learner.district, center.district)
        tiers[tier] += 1
        if m.tier != tier:
            bad_tier.append(f"match {m.id} stored {m.tier!r}, its districts give {tier!r}")
        if m.slot not in SLOTS or m.slot not in learner.availability or m.slot not in ins.availability:
            bad_slot.append(f"match {m.id} in {m.slot}")
    if bad_tier:
        wrong.append(f"{len(bad_tier)} match(es) with a wrong or missing tier (e.g. {'; '.join(bad_tier[:2])})")
    if bad_slot:
        wrong.append(f"{len(bad_slot)} match(es) in a slot the learner and the instructor did not both give "
                     f"(e.g. {'; '.join(bad_slot[:2])})")
    wrong += [f"instructor {i} has {n} learners, more than their maximum {instructors[i].max_learners}"
              for i, n in load.items() if n > instructors[i].max_learners]
    wrong += [f"center {c} holds {len(ids)} instructors in {slot}, capacity {centers[c].capacity}"
              for (c, slot), ids in teaching.items() if len(ids) > centers[c].capacity]
    wrong += [f"instructor {i} is at {len(cs)} centers in {slot}" for (i, slot), cs in where.items() if len(cs) > 1]
    wrong += [f"learner {lid} has {n} live matches" for lid, n in per_learner.items() if n > 1]
    waiting = [le for le in learners.values() if le.id not in per_learner]
    no_reason = [le.id for le in waiting if not (le.wait_reason and le.wait_reason_ko and le.wait_reason_en)]
    if no_reason:
        wrong.append(f"{len(no_reason)} waiting learner(s) have no reason (e.g. {no_reason[:3]})")
    stale = [le.id for le in learners.values() if le.id in per_learner and le.wait_reason is not None]
    if stale:
        wrong.append(f"{len(stale)} matched learner(s) still carry a waiting reason")
    if len(per_learner) + len(waiting) != LEARNERS or len(learners) != LEARNERS:
        wrong.append(f"matched {len(per_learner)} + waiting {len(waiting)} != {LEARNERS} learners")
    approved = sum(1 for le in learners.values() if le.further_approved_at is not None)
    if tiers["further"] and not approved:
        wrong.append(f"{tiers['further']} learner(s) matched further out without a coordinator's approval")
    # Would anyone still waiting fit within reach now? Ask the engine again with the final state.
    again = plan_matches(
        [LearnerInfo(le.id, le.district, frozenset(le.availability), frozenset(le.topics), le.preferred_center_id,
                     le.further_approved_at is not None) for le in waiting],
        [InstructorInfo(i.id, frozenset(i.districts), frozenset(c.id for c in i.centers), frozenset(i.availability),
                        frozenset(i.topics), i.max_learners, load[i.id]) for i in instructors.values()],
        [CenterInfo(c.id, c.district, c.capacity) for c in centers.values()],
        [Placement(m.instructor_id, m.center_id, m.slot) for m in matches])
    if again.proposals:
        wrong.append(f"{len(again.proposals)} waiting learner(s) could still be placed")

    matched = len(matches)
    ratios = [load[i.id] / i.max_learners for i in instructors.values()]
    print(f"learners {LEARNERS:,}, instructors {len(instructors)}, centers {len(centers)}, "
          f"instructor places {sum(i.max_learners for i in instructors.values()):,}")
    print(f"time                          {seconds:.2f} s   (target < {TARGET_SECONDS:.0f} s; printed, not enforced)")
    print(f"matched                       {matched:,} = {matched / LEARNERS:.1%} of learners")
    for tier, label in zip(TIERS, ("own district", "adjacent district", "same 생활권 (zone)",
                                   "further out (approved only)")):
        print(f"  {label:<28}{tiers[tier]:>6,} = {tiers[tier] / LEARNERS:.1%} of learners")
    print(f"waiting                       {len(waiting):,} = {len(waiting) / LEARNERS:.1%} of learners")
    for reason, n in Counter(le.wait_reason for le in waiting).most_common():
        example = next(le.wait_reason_en for le in waiting if le.wait_reason == reason)
        print(f"  {str(reason):<28}{n:>6,} = {n / LEARNERS:.1%}   e.g. \"{example}\"")
    print(f"load per instructor (share of their maximum): min {min(ratios):.0%}, median "
          f"{statistics.median(ratios):.0%}, max {max(ratios):.0%}, stdev {statistics.pstdev(ratios):.1%}")
    return wrong


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    from flask_migrate import upgrade

    from ops import create_app
    from ops.extensions import db
    from ops.programs.eodina.services import run_matching

    instance = temp_instance()
    os.environ.setdefault("OPS_INSTANCE_PATH", instance)
    with fresh_database() as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True, "OPS_BROKER_URL": None})
        try:
            with app.app_context():
                upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
                build(db, random.Random(13))
                db.session.expire_all()
                started = time.perf_counter()
                run_matching()
                db.session.commit()
                seconds = time.perf_counter() - started
                db.session.expire_all()
                print(f"database: {db.engine.dialect.name} (schema from the migrations, "
                      f"{db.session.scalar(select(func.count()).select_from(db.metadata.tables['eodina_learners']))}"
                      f" learners seeded)")
                wrong = check_and_report(db, seconds)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
            shutil.rmtree(instance, ignore_errors=True)
    if wrong:
        print("WRONG:")
        for line in wrong[:20]:
            print(f"  {line}")
        return 1
    print("OK: capacities kept, every learner matched or waiting with a reason, nobody further out")
    return 0


if __name__ == "__main__":
    sys.exit(main())
