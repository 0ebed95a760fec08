"""Working days: weekdays that are not Korean public holidays (lunar New Year, substitute days)."""
from datetime import date

import pytest

from ops.core.workdays import first_working_day, is_working_day


@pytest.mark.parametrize("month, first", [((2026, 3), date(2026, 3, 3)),   # 1 March a Sunday, 2 March substitute
                                          ((2027, 2), date(2027, 2, 1)),   # a Monday
                                          ((2026, 10), date(2026, 10, 1)),
                                          ((2027, 1), date(2027, 1, 4))])  # 1 January a holiday, then a weekend
def test_the_first_working_day_skips_weekends_and_korean_holidays(month, first):
    assert first_working_day(*month) == first


def test_a_lunar_new_year_holiday_is_not_a_working_day():
    assert not is_working_day(date(2026, 2, 17)) and is_working_day(date(2026, 2, 19))
