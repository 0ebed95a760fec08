"""Which of Seoul's 25 districts border which: the "next door" of near-home matching.

Source: the district boundaries of the Seoul Metropolitan Government's administrative map
(서울특별시 행정구역도, "서울시 자치구 경계", Seoul Open Data Plaza / 서울 열린데이터광장),
read by hand. Two districts are adjacent when their boundaries touch. The boundary in the
Han River runs along the river, so districts facing each other across it (joined by a
bridge, e.g. 마포–영등포 by 마포대교, 성동–강남 by 동호대교·영동대교) count as adjacent; districts
meeting only at a mountain ridge with no road (종로–강북 on 북한산) do not.

Kept as data so that staff can check it against the map; ``tests/people/test_adjacency.py``
checks that it is symmetric and names every district.
"""
from __future__ import annotations

from .districts import BY_CODE

_BORDERS: dict[str, tuple[str, ...]] = {
    # 도심권 (central)
    "jongno": ("jung", "seodaemun", "eunpyeong", "seongbuk", "dongdaemun"),
    "jung": ("jongno", "seodaemun", "mapo", "yongsan", "seongdong", "dongdaemun"),
    "yongsan": ("jung", "mapo", "seongdong", "yeongdeungpo", "dongjak", "seocho", "gangnam"),
    # 동북권 (northeast)
    "seongdong": ("jung", "yongsan", "dongdaemun", "gwangjin", "gangnam"),
    "gwangjin": ("seongdong", "dongdaemun", "jungnang", "gangnam", "songpa", "gangdong"),
    "dongdaemun": ("jongno", "jung", "seongdong", "gwangjin", "jungnang", "seongbuk"),
    "jungnang": ("dongdaemun", "gwangjin", "seongbuk", "nowon"),
    "seongbuk": ("jongno", "dongdaemun", "jungnang", "nowon", "gangbuk"),
    "gangbuk": ("seongbuk", "dobong", "nowon"),
    "dobong": ("gangbuk", "nowon"),
    "nowon": ("dobong", "gangbuk", "seongbuk", "jungnang"),
    # 서북권 (northwest)
    "eunpyeong": ("jongno", "seodaemun", "mapo"),
    "seodaemun": ("eunpyeong", "jongno", "jung", "mapo"),
    "mapo": ("eunpyeong", "seodaemun", "jung", "yongsan", "gangseo", "yeongdeungpo"),
    # 서남권 (southwest)
    "yangcheon": ("gangseo", "guro", "yeongdeungpo"),
    "gangseo": ("yangcheon", "yeongdeungpo", "mapo"),
    "guro": ("yangcheon", "yeongdeungpo", "geumcheon", "gwanak"),
    "geumcheon": ("guro", "gwanak"),
    "yeongdeungpo": ("gangseo", "yangcheon", "guro", "dongjak", "gwanak", "mapo", "yongsan"),
    "dongjak": ("yeongdeungpo", "gwanak", "seocho", "yongsan"),
    "gwanak": ("dongjak", "yeongdeungpo", "guro", "geumcheon", "seocho"),
    # 동남권 (southeast)
    "seocho": ("dongjak", "gwanak", "gangnam", "yongsan"),
    "gangnam": ("seocho", "songpa", "yongsan", "seongdong", "gwangjin"),
    "songpa": ("gangnam", "gangdong", "gwangjin"),
    "gangdong": ("songpa", "gwangjin"),
}

ADJACENT: dict[str, frozenset[str]] = {code: frozenset(near) for code, near in _BORDERS.items()}

# The tiers of near-home matching, nearest first. "further" needs a coordinator's approval.
TIERS = ("district", "adjacent", "zone", "further")


def adjacent(district: str) -> frozenset[str]:
    return ADJACENT.get(district, frozenset())


def tier_between(home: str, other: str) -> str:
    """How far ``other`` is from ``home``: its own district, next door, the same living zone, or further."""
    if home == other:
        return "district"
    if other in ADJACENT.get(home, ()):
        return "adjacent"
    a, b = BY_CODE.get(home), BY_CODE.get(other)
    if a is not None and b is not None and a.zone == b.zone:
        return "zone"
    return "further"
