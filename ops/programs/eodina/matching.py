"""The matching engine: pure Python over preloaded data (no database access here).

A learner is paired with an instructor, a center and one weekly slot (catalog.SLOTS):

* availability must overlap: the slot is one the learner and the instructor both gave;
* the instructor's caseload never exceeds ``max_learners`` (live matches);
* a center holds at most ``capacity`` lessons at once: in one slot, at most that many
  instructors teach there (each teaches their learners of that slot one after another),
  and an instructor is at one center per slot;
* near home first (``ops.people.adjacency``): every learner is first offered their own
  district; only those left over look in the districts next door, then in the rest of their
  living zone (생활권). Further out only for a learner a coordinator has approved for it;
* whoever is left waits with a reason that says what is missing, where and when;
* topics fit: candidates teaching more of the wanted topics score higher;
* load is balanced: among fitting candidates the least loaded (relative to their
  maximum) wins, and within an instructor the least used slot;
* existing matches are never moved; they only count toward the loads.

Learners with the fewest possibilities go first, so scarce places go to those who have
no alternative. The result says, in Korean and English, why each pair was made (and its
tier), and why each learner still waiting could not be placed.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ...people.adjacency import ADJACENT, TIERS
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
    further_approved: bool = False  # a coordinator allowed a place outside the living zone


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
    tier: str = "district"


@dataclass(frozen=True)
class WaitReason:
    """Why a learner is still waiting: a code to count by, and a sentence for staff."""

    code: str  # no_times | no_instructor | no_shared_time | instructors_full | centers_full
    ko: str
    en: str


@dataclass
class Plan:
    proposals: list[Proposal] = field(default_factory=list)
    unmatched: list[int] = field(default_factory=list)  # learner ids with no place within reach
    reasons: dict[int, WaitReason] = field(default_factory=dict)  # learner id → why still waiting


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


def _reach(district: str) -> dict[str, tuple[str, ...]]:
    """The districts of each tier around ``district`` (nearest first, each district in one tier)."""
    zone = _zone(district)
    near = sorted(ADJACENT.get(district, ()))
    same_zone = sorted(d.code for d in BY_CODE.values() if d.zone == zone and d.code != district
                       and d.code not in ADJACENT.get(district, ()))
    taken = {district, *near, *same_zone}
    return {"district": (district,), "adjacent": tuple(near), "zone": tuple(same_zone),
            "further": tuple(sorted(d for d in BY_CODE if d not in taken))}


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
    reach = {d: _reach(d) for d in {le.district for le in learners}}

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
    for tier in TIERS:
        left = []
        for learner in remaining:
            if tier == "further" and not learner.further_approved:
                left.append(learner)
                continue
            proposal = _best(learner, reach[learner.district][tier], options, state, center_map, tier)
            if proposal is None:
                left.append(learner)
            else:
                plan.proposals.append(proposal)
        remaining = left
    plan.unmatched = [learner.id for learner in remaining]
    for learner in remaining:
        plan.reasons[learner.id] = _why_waiting(learner, reach[learner.district], by_district, options, state)
    return plan


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
    return Proposal(learner.id, ins.id, center_id, slot, ko, en, tier)


ZONE_NAMES = {"central": ("도심권", "central"), "northeast": ("동북권", "northeast"),
              "northwest": ("서북권", "northwest"), "southwest": ("서남권", "southwest"),
              "southeast": ("동남권", "southeast")}


def _why_waiting(learner: LearnerInfo, reach: dict[str, tuple[str, ...]], by_district, options,
                 state: _State) -> WaitReason:
    """What is missing for this learner, in the final state: times, instructors, instructor room or center room."""
    from .catalog import slot_text_en, slot_text_ko

    home = BY_CODE.get(learner.district)
    zone_ko, zone_en = ZONE_NAMES.get(home.zone if home else "", ("", ""))
    allowed = ("district", "adjacent", "zone", "further") if learner.further_approved else ("district", "adjacent",
                                                                                            "zone")
    districts = [d for tier in allowed for d in reach[tier]]
    if learner.further_approved:
        where_ko, where_en = "서울 전역", "anywhere in Seoul"
    else:
        where_ko = f"{home.name_ko if home else learner.district}·인접 자치구·{zone_ko}"
        where_en = f"{home.name_en if home else learner.district}, the districts next to it or the {zone_en} zone"
    slots = sorted(learner.slots)
    shown = slots[:3]
    more_ko = f" 외 {len(slots) - 3}개" if len(slots) > 3 else ""
    more_en = f" and {len(slots) - 3} more" if len(slots) > 3 else ""
    when_ko = ", ".join(slot_text_ko(s) for s in shown) + more_ko
    when_en = ", ".join(slot_text_en(s) for s in shown) + more_en
    if not slots:
        return WaitReason("no_times", "가능한 요일·시간이 등록되지 않음", "no days or times given")
    if not any(by_district.get(d) for d in districts):
        return WaitReason("no_instructor", f"{where_ko}에 활동 중인 강사가 없음",
                          f"no active instructor in {where_en}")
    candidates = options(learner, districts)
    if not candidates:
        return WaitReason("no_shared_time", f"{where_ko}에 {when_ko} 시간이 맞는 강사가 없음",
                          f"no instructor free on {when_en} in {where_en}")
    if all(state.load[ins.id] >= ins.max_learners for ins, _places in candidates):
        return WaitReason("instructors_full", f"{where_ko}에 {when_ko} 시간이 맞는 강사의 담당 인원이 모두 찼음",
                          f"the instructors free on {when_en} in {where_en} have no room left")
    return WaitReason("centers_full", f"{where_ko} 센터가 {when_ko}에 모두 찼음",
                      f"the centers in {where_en} are full on {when_en}")


_WHERE_KO = {"district": "같은 자치구", "adjacent": "인접 자치구(관내 강사 여석 없음)",
             "zone": "같은 생활권(관내·인접 자치구 강사 여석 없음)",
             "further": "다른 생활권(담당자 승인, 생활권 안에 여석 없음)"}
_WHERE_EN = {"district": "same district", "adjacent": "adjacent district (none free in the district)",
             "zone": "same zone (none free in the district or next to it)",
             "further": "another zone (approved by a coordinator; none free in the zone)"}


def _reason(tier: str, learner: LearnerInfo, ins: InstructorInfo, center: CenterInfo, slot: str,
            fit: int) -> tuple[str, str]:
    from .catalog import slot_text_ko

    district = BY_CODE.get(center.district)
    ko = (f"{_WHERE_KO[tier]} {district.name_ko if district else ''}, 가능 시간 일치({slot_text_ko(slot)}), "
          f"희망 주제 {fit}개 일치, 강사 담당 {ins.max_learners}명 중 여석")
    en = (f"{_WHERE_EN[tier]} {district.name_en if district else ''}, both free {slot}, {fit} wanted topic(s) taught, "
          f"instructor has room (max {ins.max_learners})")
    if center.id == learner.preferred_center_id:
        ko += ", 희망 센터"
        en += ", preferred center"
    return ko[:300], en[:300]
