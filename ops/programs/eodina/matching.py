"""The matching engine: pure Python over preloaded data (no database access here).

A learner is paired with an instructor, a center and one weekly slot (catalog.SLOTS):

* availability must overlap: the slot is one the learner and the instructor both gave;
* the instructor's caseload never exceeds ``max_learners`` (live matches);
* a center holds at most ``capacity`` lessons at once: in one slot, at most that many
  instructors teach there (each teaches their learners of that slot one after another),
  and an instructor is at one center per slot;
* same district first: every learner is first offered their own district; only those
  left over look in their living zone, then anywhere;
* topics fit: candidates teaching more of the wanted topics score higher;
* load is balanced: among fitting candidates the least loaded (relative to their
  maximum) wins, and within an instructor the least used slot;
* existing matches are never moved; they only count toward the loads.

Learners with the fewest possibilities go first, so scarce places go to those who have
no alternative. The result says, in Korean and English, why each pair was made.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ...people.districts import BY_CODE


@dataclass
class CenterInfo:
    id: int
    district: str
    capacity: int
    name: str = ""


@dataclass
class InstructorInfo:
    id: int
    districts: frozenset[str]
    center_ids: frozenset[int]
    slots: frozenset[str]
    topics: frozenset[str]
    max_learners: int
    load: int = 0  # live matches already held


@dataclass
class LearnerInfo:
    id: int
    district: str
    slots: frozenset[str]
    topics: frozenset[str] = frozenset()
    preferred_center_id: int | None = None


@dataclass(frozen=True)
class Placement:
    """A live match that already exists (it occupies the center in its slot)."""

    instructor_id: int
    center_id: int
    slot: str


@dataclass
class Proposal:
    learner_id: int
    instructor_id: int
    center_id: int
    slot: str
    reason_ko: str
    reason_en: str


@dataclass
class Plan:
    proposals: list[Proposal] = field(default_factory=list)
    unmatched: list[int] = field(default_factory=list)  # learner ids with no place anywhere


class _State:
    def __init__(self, centers: dict[int, CenterInfo], instructors: list[InstructorInfo], existing: list[Placement]):
        self.centers = centers
        self.load = {i.id: i.load for i in instructors}
        self.where = {}  # (instructor, slot) → center
        self.teachers = defaultdict(set)  # (center, slot) → instructors teaching there
        self.slot_use = defaultdict(int)  # (instructor, slot) → learners
        for p in existing:
            self.place(p.instructor_id, p.center_id, p.slot, count_load=False)

    def place(self, instructor_id: int, center_id: int, slot: str, count_load: bool = True) -> None:
        self.where[(instructor_id, slot)] = center_id
        self.teachers[(center_id, slot)].add(instructor_id)
        self.slot_use[(instructor_id, slot)] += 1
        if count_load:
            self.load[instructor_id] += 1

    def center_for(self, instructor: InstructorInfo, slot: str, centers: list[int], preferred: int | None):
        """The center this instructor can teach at in this slot, or None."""
        already = self.where.get((instructor.id, slot))
        if already is not None:
            return already if already in centers else None
        ordered = sorted(centers, key=lambda c: (c != preferred, len(self.teachers[(c, slot)]), c))
        for center_id in ordered:
            if len(self.teachers[(center_id, slot)]) < self.centers[center_id].capacity:
                return center_id
        return None


def _zone(district: str) -> str | None:
    found = BY_CODE.get(district)
    return found.zone if found else None


def plan_matches(learners: list[LearnerInfo], instructors: list[InstructorInfo], centers: list[CenterInfo],
                 existing: list[Placement] = ()) -> Plan:
    """Pair each learner with the best place that is still free; never move ``existing``."""
    center_map = {c.id: c for c in centers if c.capacity > 0}
    state = _State(center_map, instructors, list(existing))
    # Where each instructor may teach, per district: their chosen centers there, or every center of a
    # district they serve when they named none.
    by_district: dict[str, list[tuple[InstructorInfo, list[int]]]] = defaultdict(list)
    centers_in = defaultdict(list)
    for c in center_map.values():
        centers_in[c.district].append(c.id)
    for ins in instructors:
        chosen = [cid for cid in ins.center_ids if cid in center_map]
        districts = set(ins.districts) | {center_map[cid].district for cid in chosen}
        for district in districts:
            places = [cid for cid in chosen if center_map[cid].district == district] or (
                [] if chosen and district not in ins.districts else centers_in[district])
            if places:
                by_district[district].append((ins, places))
    zone_districts = defaultdict(list)
    for district in by_district:
        zone_districts[_zone(district)].append(district)

    def options(learner: LearnerInfo, districts) -> list[tuple[InstructorInfo, list[int]]]:
        return [(ins, places) for d in districts for ins, places in by_district.get(d, ())
                if ins.slots & learner.slots]

    def scarcity(learner: LearnerInfo) -> tuple:
        own = sum(len(ins.slots & learner.slots) for ins, _ in by_district.get(learner.district, ()))
        return (own, len(learner.slots), learner.id)

    plan = Plan()
    remaining = sorted(learners, key=scarcity)
    # Tier by tier over everyone: nobody takes a neighbour's place before every learner of that
    # district has had their own district's chance.
    for tier in ("district", "zone", "city"):
        left = []
        for learner in remaining:
            proposal = _best(learner, _tier_districts(tier, learner.district, by_district, zone_districts),
                             options, state, center_map, tier)
            if proposal is None:
                left.append(learner)
            else:
                plan.proposals.append(proposal)
        remaining = left
    plan.unmatched = [learner.id for learner in remaining]
    return plan


def _tier_districts(tier: str, district: str, by_district, zone_districts) -> list[str]:
    zone = _zone(district)
    if tier == "district":
        return [district]
    if tier == "zone":
        return [d for d in zone_districts.get(zone, ()) if d != district]
    return [d for d in by_district if _zone(d) != zone]


def _best(learner: LearnerInfo, districts, options, state: _State, center_map, tier: str) -> Proposal | None:
    """The best free place for this learner among instructors of these districts, placed at once."""
    best = None
    for ins, places in options(learner, districts):
        if state.load[ins.id] >= ins.max_learners:
            continue
        fit = len(ins.topics & learner.topics)
        balance = state.load[ins.id] / max(ins.max_learners, 1)
        for slot in sorted(ins.slots & learner.slots, key=lambda s: (state.slot_use[(ins.id, s)], s)):
            center_id = state.center_for(ins, slot, places, learner.preferred_center_id)
            if center_id is None:
                continue
            score = (fit, center_id == learner.preferred_center_id, -balance,
                     -state.slot_use[(ins.id, slot)], -ins.id)
            if best is None or score > best[0]:
                best = (score, ins, center_id, slot, fit)
            break  # the least used slot with room is this instructor's offer
    if best is None:
        return None
    _score, ins, center_id, slot, fit = best
    state.place(ins.id, center_id, slot)
    ko, en = _reason(tier, learner, ins, center_map[center_id], slot, fit)
    return Proposal(learner.id, ins.id, center_id, slot, ko, en)


def _reason(tier: str, learner: LearnerInfo, ins: InstructorInfo, center: CenterInfo, slot: str,
            fit: int) -> tuple[str, str]:
    from .catalog import slot_text_ko

    district = BY_CODE.get(center.district)
    where_ko = {"district": "같은 자치구", "zone": "같은 생활권의 이웃 자치구(관내 강사 여석 없음)",
                "city": "다른 생활권(관내·생활권 강사 여석 없음)"}[tier]
    where_en = {"district": "same district", "zone": "neighbouring district in the same zone (none free in the district)",
                "city": "another zone (none free in the district or zone)"}[tier]
    ko = (f"{where_ko} {district.name_ko if district else ''}, 가능 시간 일치({slot_text_ko(slot)}), "
          f"희망 주제 {fit}개 일치, 강사 담당 {ins.max_learners}명 중 여석")
    en = (f"{where_en} {district.name_en if district else ''}, both free {slot}, {fit} wanted topic(s) taught, "
          f"instructor has room (max {ins.max_learners})")
    if center.id == learner.preferred_center_id:
        ko += ", 희망 센터"
        en += ", preferred center"
    return ko[:300], en[:300]

