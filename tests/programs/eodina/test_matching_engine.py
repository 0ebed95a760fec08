"""The pure matching engine: rules over preloaded data."""
from ops.programs.eodina.matching import CenterInfo, InstructorInfo, LearnerInfo, Placement, plan_matches


def ins(id, districts=("jongno",), slots=("mon-am",), topics=(), max_learners=10, load=0, centers=()):
    return InstructorInfo(id, frozenset(districts), frozenset(centers), frozenset(slots), frozenset(topics),
                          max_learners, load)


def lea(id, district="jongno", slots=("mon-am",), topics=(), preferred=None):
    return LearnerInfo(id, district, frozenset(slots), frozenset(topics), preferred)


CENTER = CenterInfo(1, "jongno", 5)


def test_same_district_instructor_is_chosen_over_a_neighbour():
    plan = plan_matches([lea(1)], [ins(1, districts=("jung",)), ins(2)], [CENTER, CenterInfo(2, "jung", 5)])
    assert plan.proposals[0].instructor_id == 2 and plan.proposals[0].center_id == 1


def test_learner_goes_next_door_when_the_district_has_no_room():
    plan = plan_matches([lea(1)], [ins(1, districts=("jung",))], [CENTER, CenterInfo(2, "jung", 5)])
    assert plan.proposals[0].instructor_id == 1 and plan.proposals[0].tier == "adjacent"
    assert "인접 자치구" in plan.proposals[0].reason_ko and "adjacent district" in plan.proposals[0].reason_en


def test_no_shared_time_means_no_match():
    plan = plan_matches([lea(1, slots=("tue-pm",))], [ins(1, slots=("mon-am",))], [CENTER])
    assert plan.proposals == [] and plan.unmatched == [1]


def test_instructor_never_takes_more_than_their_maximum():
    plan = plan_matches([lea(i) for i in range(1, 6)], [ins(1, max_learners=3, load=1)], [CENTER])
    assert len(plan.proposals) == 2 and len(plan.unmatched) == 3


def test_center_holds_no_more_instructors_at_once_than_its_capacity():
    small = CenterInfo(1, "jongno", 1)
    plan = plan_matches([lea(1), lea(2)], [ins(1, max_learners=1), ins(2, max_learners=1)], [small])
    assert len(plan.proposals) == 1


def test_an_instructor_teaches_one_slot_at_one_center():
    centers = [CenterInfo(1, "jongno", 1), CenterInfo(2, "jongno", 1)]
    existing = [Placement(9, 1, "mon-am")]  # another instructor fills center 1 at that time
    plan = plan_matches([lea(1), lea(2)], [ins(1)], centers, existing)
    assert {p.center_id for p in plan.proposals} == {2}


def test_topics_that_fit_win():
    plan = plan_matches([lea(1, topics=("kiosk",))], [ins(1, topics=("video_call",)), ins(2, topics=("kiosk",))],
                        [CENTER])
    assert plan.proposals[0].instructor_id == 2
    assert "1개 일치" in plan.proposals[0].reason_ko


def test_load_is_spread_across_instructors():
    plan = plan_matches([lea(i) for i in range(1, 11)], [ins(1), ins(2)], [CENTER])
    per = [sum(1 for p in plan.proposals if p.instructor_id == i) for i in (1, 2)]
    assert per == [5, 5]


def test_existing_load_counts_toward_balance():
    plan = plan_matches([lea(1)], [ins(1, load=5), ins(2, load=1)], [CENTER])
    assert plan.proposals[0].instructor_id == 2


def test_scarce_learner_gets_the_only_place_they_fit():
    # Learner 2 can only come on Monday morning; learner 1 could also come on Tuesday.
    plan = plan_matches([lea(1, slots=("mon-am", "tue-am")), lea(2, slots=("mon-am",))],
                        [ins(1, slots=("mon-am",), max_learners=1), ins(2, slots=("tue-am",), max_learners=1)],
                        [CENTER])
    assert {(p.learner_id, p.instructor_id) for p in plan.proposals} == {(1, 2), (2, 1)}


def test_preferred_center_is_used_when_free():
    centers = [CENTER, CenterInfo(2, "jongno", 5)]
    plan = plan_matches([lea(1, preferred=2)], [ins(1)], centers)
    assert plan.proposals[0].center_id == 2 and "희망 센터" in plan.proposals[0].reason_ko


# --- Near home: district, adjacent, zone; further only with approval -------------------------------

def _centers(*districts):
    return [CenterInfo(n, d, 5) for n, d in enumerate(districts, start=1)]


def test_adjacent_district_is_tried_before_the_rest_of_the_zone():
    # 도봉's neighbours are 강북 and 노원; 성동 is in the same 동북 zone but not next door.
    plan = plan_matches([lea(1, district="dobong")],
                        [ins(1, districts=("seongdong",)), ins(2, districts=("nowon",))],
                        _centers("seongdong", "nowon"))
    assert (plan.proposals[0].instructor_id, plan.proposals[0].tier) == (2, "adjacent")


def test_same_zone_is_used_when_no_neighbour_has_room():
    plan = plan_matches([lea(1, district="dobong")], [ins(1, districts=("seongdong",))], _centers("seongdong"))
    assert plan.proposals[0].tier == "zone"
    assert "같은 생활권" in plan.proposals[0].reason_ko and "same zone" in plan.proposals[0].reason_en


def test_learner_never_goes_to_another_zone_without_approval():
    # 마포 (서북) is a bridge away from 영등포 but not in 동북: a 도봉 learner stays waiting.
    plan = plan_matches([lea(1, district="dobong")], [ins(1, districts=("mapo",))], _centers("mapo"))
    assert plan.proposals == [] and plan.unmatched == [1]
    assert plan.reasons[1].code == "no_instructor"
    assert "도봉구" in plan.reasons[1].ko and "Dobong-gu" in plan.reasons[1].en


def test_approved_learner_may_go_further_out_and_the_match_says_so():
    learner = LearnerInfo(1, "dobong", frozenset({"mon-am"}), frozenset(), None, further_approved=True)
    plan = plan_matches([learner], [ins(1, districts=("mapo",))], _centers("mapo"))
    assert plan.proposals[0].tier == "further" and "담당자 승인" in plan.proposals[0].reason_ko


def test_waiting_reason_names_the_times_nobody_nearby_teaches():
    plan = plan_matches([lea(1, district="dobong", slots=("tue-am",))], [ins(1, districts=("nowon",))],
                        _centers("nowon"))
    reason = plan.reasons[1]
    assert reason.code == "no_shared_time"
    assert "화요일 10:00" in reason.ko and "도봉구·인접 자치구·동북권" in reason.ko
    assert "Tue 10:00" in reason.en and "Dobong-gu" in reason.en


def test_waiting_reason_says_when_the_instructors_are_full():
    plan = plan_matches([lea(1), lea(2)], [ins(1, max_learners=1)], [CENTER])
    assert plan.reasons[2].code == "instructors_full" and "no room left" in plan.reasons[2].en


def test_waiting_reason_says_when_the_centers_are_full():
    # The only center's one place on Monday morning is taken by a neighbour's instructor.
    small = CenterInfo(1, "jongno", 1)
    plan = plan_matches([lea(1)], [ins(1), ins(2, districts=("jung",), max_learners=1, load=1)],
                        [small], [Placement(2, 1, "mon-am")])
    assert plan.reasons[1].code == "centers_full" and "centers" in plan.reasons[1].en


def test_learner_without_times_waits_for_that_reason():
    plan = plan_matches([lea(1, slots=())], [ins(1)], [CENTER])
    assert plan.reasons[1].code == "no_times"
