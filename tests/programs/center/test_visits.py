"""Smart City Center visits: a group asks for a working day, staff confirm once, and who came is
recorded by country, which the KPI counts (visitors, foreign visitors, countries, groups from abroad)."""
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from ops.core.timeutil import seoul_today
from ops.core.workdays import is_working_day
from ops.extensions import db
from ops.kpi.registry import METRICS
from ops.people.models import Consent
from ops.programs.center import services
from ops.programs.center.models import CONFIRMED, REQUESTED, CenterVisit


def _working_day(after: date, step: int = 1) -> date:
    day = after + timedelta(days=step)
    while not is_working_day(day):
        day += timedelta(days=step)
    return day


def _closed_day(after: date) -> date:
    day = after + timedelta(days=1)
    while is_working_day(day):
        day += timedelta(days=1)
    return day


def _request(day, today, **overrides):
    values = dict(group_name="Barcelona City Council", origin="foreign", day=day, group_size=12, language="en",
                  countries=["ES", "fr"], contact_name="Maria Lopez", contact_phone="+34 600 123 456",
                  contact_email="maria@example.org", consent=True, today=today)
    values.update(overrides)
    return services.request_visit(**values)


def _came(countries: dict, *, group="Barcelona City Council", origin="foreign"):
    """A visit that took place last week (a working day), confirmed, with its visitors recorded."""
    today = seoul_today()
    day = _working_day(today - timedelta(days=7), step=-1)
    visit = _request(day, day - timedelta(days=10), group_name=group, origin=origin,
                     countries=[c for c in countries if c != "KR"])
    services.decide(visit.id, confirm=True, user=None)
    services.record_visitors(visit, countries, today=today)
    db.session.commit()
    return visit


def test_a_group_from_abroad_asks_for_a_working_day_and_its_contact_consent_is_recorded(app, client):
    day = _working_day(seoul_today() + timedelta(days=1))
    response = client.post("/center/request", data={
        "group_name": "Barcelona City Council", "origin": "foreign", "day": day.isoformat(), "group_size": "12",
        "language": "en", "country_1": "ES", "country_2": "FR", "contact_name": "Maria Lopez",
        "contact_email": "maria@example.org", "consent_collection": "y"})
    assert response.status_code == 302
    visit = db.session.scalar(select(CenterVisit))
    assert (visit.status, visit.countries, visit.group_size) == (REQUESTED, ["ES", "FR"], 12)
    assert db.session.scalar(select(Consent.granted).where(Consent.person_id == visit.contact_id))


def test_a_weekend_or_holiday_is_refused_with_the_reason(app):
    today = seoul_today()
    with pytest.raises(services.InvalidVisit) as caught:
        _request(_closed_day(today), today)
    assert "day" in caught.value.errors and db.session.scalar(select(CenterVisit)) is None


def test_today_or_a_past_day_is_refused(app):
    today = seoul_today()
    with pytest.raises(services.InvalidVisit) as caught:
        _request(today, today)
    assert set(caught.value.errors) == {"day"}


def test_a_group_from_abroad_must_name_its_countries(app):
    today = seoul_today()
    with pytest.raises(services.InvalidVisit) as caught:
        _request(_working_day(today), today, countries=[])
    assert set(caught.value.errors) == {"countries"}


def test_the_form_without_consent_keeps_nothing_and_says_why(app, client):
    day = _working_day(seoul_today() + timedelta(days=1))
    response = client.post("/center/request", data={"group_name": "노원구청", "origin": "domestic",
                                                     "day": day.isoformat(), "group_size": "5", "language": "ko",
                                                     "contact_name": "김영희", "contact_phone": "010-1234-5678"})
    assert response.status_code == 422 and "동의" in response.get_data(as_text=True)
    assert db.session.scalar(select(CenterVisit)) is None


def test_a_request_is_answered_once(app):
    today = seoul_today()
    visit = _request(_working_day(today), today)
    services.decide(visit.id, confirm=True, user=None)
    with pytest.raises(services.AlreadyDecided):
        services.decide(visit.id, confirm=False, user=None)
    assert db.session.get(CenterVisit, visit.id).status == CONFIRMED


def test_visitors_cannot_be_recorded_before_the_visit(app):
    today = seoul_today()
    visit = _request(_working_day(today), today)
    services.decide(visit.id, confirm=True, user=None)
    with pytest.raises(services.InvalidVisit):
        services.record_visitors(visit, {"ES": 10}, today=today)


def test_the_kpi_counts_visitors_foreign_visitors_countries_and_groups_from_abroad(app):
    _came({"ES": 9, "FR": 2, "KR": 1})
    _came({"ES": 3, "VN": 4}, group="Hanoi People's Committee")
    _came({"KR": 20}, group="노원구청", origin="domestic")
    as_of = seoul_today()
    last_week = _working_day(as_of - timedelta(days=7), step=-1)  # the visits' day (all three)
    year = last_week.year
    figures = {k: METRICS[k](year, max(as_of, last_week)) for k in (
        "smart_city_center.foreign_visitors", "smart_city_center.countries",
        "smart_city_center.foreign_institutions")}
    assert figures == {"smart_city_center.foreign_visitors": 18, "smart_city_center.countries": 3,
                       "smart_city_center.foreign_institutions": 2}
    # users: education's course attendees (none here) plus everyone who came with a group
    assert METRICS["smart_city_center.users"](year, max(as_of, last_week)) == 39


def test_staff_confirm_and_record_visitors_by_country_on_the_page(app, client, login_as):
    today = seoul_today()
    day = _working_day(today - timedelta(days=7), step=-1)
    visit = _request(day, day - timedelta(days=10))
    db.session.commit()
    login_as("staff")
    assert client.post(f"/center/visits/{visit.id}/confirm").status_code == 302
    page = client.get(f"/center/visits/{visit.id}").get_data(as_text=True)
    assert '<option selected value="ES">' in page  # the group's countries are offered first
    response = client.post(f"/center/visits/{visit.id}", data={
        "rows-0-country": "ES", "rows-0-count": "10", "rows-1-country": "FR", "rows-1-count": "2"})
    assert response.status_code == 302
    db.session.expire_all()
    assert {c.country: c.count for c in db.session.get(CenterVisit, visit.id).counts} == {"ES": 10, "FR": 2}
    assert "Maria Lopez" not in client.get("/center/visits").get_data(as_text=True)


def test_citizens_do_not_see_the_visits(app, client, login_as):
    login_as("citizen")
    assert client.get("/center/visits").status_code == 403


def test_no_module_of_the_center_imports_the_bus():
    for path in (Path(__file__).resolve().parents[3] / "ops" / "programs" / "center").rglob("*.py"):
        assert "programs.bus" not in path.read_text() and "from ..bus" not in path.read_text(), path
