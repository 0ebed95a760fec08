"""Year over year: each metric beside its value on the same date last year (compare=previous)."""
from datetime import date

import pytest

from ops.extensions import db
from ops.kpi import services
from ops.kpi.registry import metric
from ops.plan.loader import load_plan, read_plan


@pytest.fixture
def plan_2024(app, plan):
    """A plan of the year before with the same metrics, so that its roll-ups leave snapshots."""
    data = read_plan(2025)
    data["year"] = 2024
    load_plan(data)
    db.session.commit()


def _metric(data, key):
    return next(m for p in data["programmes"] for m in p["metrics"] if m["key"] == key)


def test_same_day_last_year_of_29_february_is_the_28th():
    assert services.same_day_last_year(date(2028, 2, 29)) == date(2027, 2, 28)
    assert services.same_day_last_year(date(2026, 3, 1)) == date(2025, 3, 1)


def test_a_metric_is_compared_with_last_years_snapshot_of_the_same_date(app, plan_2024):
    metric("bus.users")(lambda year, as_of: {2024: 1000, 2025: 1200}[year] + as_of.month)
    services.rollup(2024, date(2024, 6, 30))
    services.rollup(2024, date(2024, 7, 31))  # later in the year: not the same date
    services.rollup(2025, date(2025, 6, 30))
    db.session.commit()
    m = _metric(services.figures(2025, 6, "bus", compare="previous"), "bus.users")
    assert m["previous"] == {"value": 1006, "day": "2024-06-30", "change": 200, "change_share": 0.1988}


def test_without_a_figure_last_year_the_comparison_says_so(app, plan):
    metric("bus.users")(lambda year, as_of: 5)
    services.rollup(2025, date(2025, 6, 30))
    m = _metric(services.figures(2025, 6, "bus", compare="previous"), "bus.users")
    assert m["previous"]["value"] is None and m["last_year"] == 2926


def test_entered_figures_are_compared_with_last_years_entries(app, plan, make_user):
    from ops.kpi.models import ManualEntry

    manager = make_user("manager")
    # Last year's plan is not loaded here; its entry is what a manager typed then.
    db.session.add(ManualEntry(year=2024, metric="scewc.companies", value=15, as_of=date(2024, 11, 7),
                               entered_by_id=manager.id))
    services.add_entry(year=2025, metric="scewc.companies", value=12, as_of=date(2025, 11, 6), note=None, user=manager)
    db.session.commit()
    m = _metric(services.figures(2025, 11, "scewc", compare="previous", today=date(2025, 11, 30)), "scewc.companies")
    assert (m["previous"]["value"], m["previous"]["change"]) == (15, -3)


def _bus_users_150_after_100():
    metric("bus.users")(lambda year, as_of: 100 if year == 2024 else 150)
    services.rollup(2024, date(2024, 6, 30))
    services.rollup(2025, date(2025, 6, 30))
    db.session.commit()


def test_the_api_compares_when_asked_and_refuses_an_unknown_comparison(app, client, login_as, plan_2024):
    _bus_users_150_after_100()
    login_as("manager")
    body = client.get("/api/v1/kpi?year=2025&month=6&programme=bus&compare=previous").get_json()
    assert body["previous_as_of"] == "2024-06-30"
    assert _metric(body, "bus.users")["previous"]["change_share"] == 0.5
    assert "previous" not in _metric(client.get("/api/v1/kpi?year=2025&month=6&programme=bus").get_json(),
                                     "bus.users")
    refused = client.get("/api/v1/kpi?year=2025&compare=lastweek")
    assert refused.status_code == 422 and set(refused.get_json()["errors"]) == {"compare"}


def test_the_dashboard_shows_unit_target_last_year_and_the_comparison(app, client, login_as, plan_2024):
    _bus_users_150_after_100()
    login_as("manager")
    page = client.get("/kpi/2025?month=6&programme=bus&compare=previous").get_data(as_text=True)
    assert "3,000 명" in page and "2,926 명" in page  # target and last year, with the unit
    assert "2024-06-30" in page and "+50" in page and "+50.0%" in page
    assert 'name="compare" value="previous" checked' in page
