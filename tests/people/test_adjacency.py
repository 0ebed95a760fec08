"""The district adjacency that near-home matching relies on."""
from ops.people.adjacency import ADJACENT, adjacent, tier_between
from ops.people.districts import BY_CODE


def test_every_district_has_neighbours_and_only_real_ones():
    assert set(ADJACENT) == set(BY_CODE)
    for district, near in ADJACENT.items():
        assert near, district
        assert near <= set(BY_CODE) and district not in near


def test_adjacency_is_symmetric():
    for district, near in ADJACENT.items():
        for other in near:
            assert district in adjacent(other), (district, other)


def test_tiers_from_home():
    assert tier_between("dobong", "dobong") == "district"
    assert tier_between("dobong", "nowon") == "adjacent"
    assert tier_between("dobong", "seongdong") == "zone"
    assert tier_between("dobong", "mapo") == "further"
    assert tier_between("mapo", "yeongdeungpo") == "adjacent"  # across the Han by bridge
