"""Seoul's 25 autonomous districts (자치구), grouped in the city's five living zones."""
from __future__ import annotations

from dataclasses import dataclass

from ..core.i18n import BilingualName


@dataclass(frozen=True)
class District(BilingualName):
    code: str
    name_ko: str
    name_en: str
    zone: str  # central, northeast, northwest, southwest, southeast


DISTRICTS: tuple[District, ...] = (
    District("jongno", "종로구", "Jongno-gu", "central"),
    District("jung", "중구", "Jung-gu", "central"),
    District("yongsan", "용산구", "Yongsan-gu", "central"),
    District("seongdong", "성동구", "Seongdong-gu", "northeast"),
    District("gwangjin", "광진구", "Gwangjin-gu", "northeast"),
    District("dongdaemun", "동대문구", "Dongdaemun-gu", "northeast"),
    District("jungnang", "중랑구", "Jungnang-gu", "northeast"),
    District("seongbuk", "성북구", "Seongbuk-gu", "northeast"),
    District("gangbuk", "강북구", "Gangbuk-gu", "northeast"),
    District("dobong", "도봉구", "Dobong-gu", "northeast"),
    District("nowon", "노원구", "Nowon-gu", "northeast"),
    District("eunpyeong", "은평구", "Eunpyeong-gu", "northwest"),
    District("seodaemun", "서대문구", "Seodaemun-gu", "northwest"),
    District("mapo", "마포구", "Mapo-gu", "northwest"),
    District("yangcheon", "양천구", "Yangcheon-gu", "southwest"),
    District("gangseo", "강서구", "Gangseo-gu", "southwest"),
    District("guro", "구로구", "Guro-gu", "southwest"),
    District("geumcheon", "금천구", "Geumcheon-gu", "southwest"),
    District("yeongdeungpo", "영등포구", "Yeongdeungpo-gu", "southwest"),
    District("dongjak", "동작구", "Dongjak-gu", "southwest"),
    District("gwanak", "관악구", "Gwanak-gu", "southwest"),
    District("seocho", "서초구", "Seocho-gu", "southeast"),
    District("gangnam", "강남구", "Gangnam-gu", "southeast"),
    District("songpa", "송파구", "Songpa-gu", "southeast"),
    District("gangdong", "강동구", "Gangdong-gu", "southeast"),
)

BY_CODE = {d.code: d for d in DISTRICTS}
_BY_NAME = {**{d.name_ko: d for d in DISTRICTS}, **{d.name_ko[:-1]: d for d in DISTRICTS if len(d.name_ko) > 2},
            **{d.name_en.lower(): d for d in DISTRICTS}, **{d.code: d for d in DISTRICTS}}


def find_district(value: str | None) -> District | None:
    """A district from its code, Korean name (with or without 구) or English name."""
    if not value:
        return None
    return _BY_NAME.get(value.strip()) or _BY_NAME.get(value.strip().lower())


def district_choices(locale: str = "ko") -> list[tuple[str, str]]:
    return [(d.code, d.name(locale)) for d in DISTRICTS]
