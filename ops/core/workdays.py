"""Working days in Seoul: weekdays that are not Korean public holidays (lunar dates and substitute
days from the ``holidays`` package)."""
from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=8)
def _korean_holidays(year: int):
    return holidays.country_holidays("KR", years=year)


def holiday_name(day: date) -> str | None:
    return _korean_holidays(day.year).get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _korean_holidays(day.year)


def first_working_day(year: int, month: int) -> date:
    day = date(year, month, 1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
