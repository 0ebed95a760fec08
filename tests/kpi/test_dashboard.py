"""The managers' dashboard, its XLSX export and GET /api/v1/kpi: the same figures three ways."""
from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from ops.extensions import db
from ops.kpi import services
from ops.kpi.registry import district_figure, metric
from ops.plan.loader import read_plan


def _metric(data, key):
    return next(m for p in data["programmes"] for m in p["metrics"] if m["key"] == key)


def test_progress_is_on_track_when_at_or_above_the_pace_expected_by_the_day(app, plan):
    # bus.users: 3000 from 2025-03-01 to 2025-11-30 (275 days); by 2025-07-31 153 days: 1669 expected
    metric("bus.users")(lambda year, as_of: 1700)
    services.rollup(2025, date(2025, 7, 31))
    m = _metric(services.figures(2025, 7, today=date(2025, 8, 15)), "bus.users")
    assert (m["status"], m["expected"], m["progress"]) == ("on_track", 1669.09, 0.5667)


def test_progress_below_the_pace_is_behind(app, plan):
    metric("bus.users")(lambda year, as_of: 1500)
    services.rollup(2025, date(2025, 7, 31))
    assert _metric(services.figures(2025, 7, today=date(2025, 8, 15)), "bus.users")["status"] == "behind"


def test_a_month_filter_shows_figures_as_of_that_months_end(app, plan):
    metric("bus.users")(lambda year, as_of: as_of.month)
    for day in (date(2025, 4, 29), date(2025, 4, 30), date(2025, 5, 31)):
        services.rollup(2025, day)
    data = services.figures(2025, 4, "bus")
    assert data["as_of"] == "2025-04-30"
    assert (_metric(data, "bus.users")["value"], _metric(data, "bus.users")["value_as_of"]) == (4, "2025-04-30")


def test_the_dashboard_reads_the_snapshots_not_the_raw_tables(app, plan):
    calls = []
    metric("bus.users")(lambda year, as_of: calls.append(as_of) or 10)
    services.rollup(2025, date(2025, 6, 1))
    data = services.figures(2025, 6, "bus")
    assert calls == [date(2025, 6, 1)]  # only the roll-up counted
    m = _metric(data, "bus.users")
    assert (m["value"], m["value_as_of"]) == (10, "2025-06-01")


def test_a_computed_metric_before_its_first_rollup_says_it_is_not_counted_yet(app, plan):
    metric("bus.users")(lambda year, as_of: 10)
    assert _metric(services.figures(2025, 6, "bus"), "bus.users")["status"] == "no_snapshot"


def test_the_current_month_is_shown_as_of_today(app, plan):
    assert services.figures(2025, 8, today=date(2025, 8, 15))["as_of"] == "2025-08-15"


def test_a_programme_filter_shows_only_its_metrics_and_budget(app, plan):
    data = services.figures(2025, programme="bus")
    assert [p["key"] for p in data["programmes"]] == ["bus"]
    assert [b["key"] for b in data["budget"]["lines"]] == ["bus"]


def test_budget_lines_show_committed_and_spent_as_a_share_of_budget(app, plan):
    line = services.figures(2025)["budget"]["lines"][0]
    assert line["committed_share"] == round(line["committed"] / line["budget"], 4)
    assert services.figures(2025)["budget"]["totals"]["budget"] == 7389007


def test_districts_show_each_registered_figure_for_all_25_districts(app, plan):
    district_figure("test.centers", "Centers")(lambda year: {"jongno": 2, "mapo": 3})
    services.rollup(2025, date(2025, 6, 30))
    districts = services.figures(2025)["districts"]
    assert len(districts["rows"]) == 25 and districts["totals"] == {"test.centers": 5}
    assert next(r for r in districts["rows"] if r["code"] == "mapo")["values"] == {"test.centers": 3}


def test_the_trend_comes_from_the_daily_snapshots(app, plan):
    values = iter([10, 20])
    metric("bus.users")(lambda year, as_of: next(values, 30))
    services.rollup(2025, date(2025, 5, 1))
    services.rollup(2025, date(2025, 6, 1))
    db.session.commit()
    trend = _metric(services.figures(2025, 7), "bus.users")["trend"]
    assert trend == [{"day": "2025-05-01", "value": 10}, {"day": "2025-06-01", "value": 20}]


def test_the_page_draws_its_charts_itself_with_nothing_from_the_network(app, client, login_as, plan):
    metric("bus.users")(lambda year, as_of: 100)
    services.rollup(2025, date(2025, 5, 1))
    db.session.commit()
    login_as("manager")
    page = client.get("/kpi/2025?programme=bus").get_data(as_text=True)
    assert page.count('<svg class="trend"') == 1 and "<polyline" in page  # only bus.users has snapshots
    assert "http://" not in page and "https://" not in page
    assert page.count("<script src") == 1 and '<script src="/static/ops.js"' in page  # only the shared small helper


def test_staff_may_view_the_dashboard_but_not_enter_figures(app, client, login_as, plan):
    login_as("staff")
    assert client.get("/kpi/2025").status_code == 200
    assert client.get("/kpi/2025/entries").status_code == 403


def test_a_manager_enters_a_figure_and_it_is_kept_with_who_entered_it(app, client, login_as, plan):
    manager = login_as("manager")
    response = client.post("/kpi/2025/entries", data={"metric": "scewc.companies", "value": "7",
                                                      "as_of": "2025-11-06", "note": "현장 집계"})
    assert response.status_code == 302
    [entry] = services.entry_history(2025)
    assert (entry.value, entry.entered_by_id, entry.note) == (7, manager.id, "현장 집계")
    assert "현장 집계" in client.get("/kpi/2025/entries").get_data(as_text=True)


def test_a_figure_dated_outside_the_year_is_refused_with_a_message(app, client, login_as, plan):
    login_as("manager")
    response = client.post("/kpi/2025/entries", data={"metric": "scewc.companies", "value": "7",
                                                      "as_of": "2024-11-06"})
    assert response.status_code == 422
    assert services.entry_history(2025) == []


def test_the_export_holds_the_whole_picture(app, client, login_as, plan):
    metric("bus.users")(lambda year, as_of: 321)
    services.rollup(2025, date(2025, 5, 31))
    db.session.commit()
    login_as("manager")
    response = client.get("/kpi/2025/export.xlsx?month=6")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    book = load_workbook(BytesIO(response.data))
    about, metrics, trends, people, districts, budget = book.worksheets
    rows = list(metrics.iter_rows(values_only=True))
    assert len(rows) == 1 + len(read_plan(2025)["targets"])
    assert any(row[1] == "bus.users" and row[5] == 321 for row in rows)
    assert ("bus.users", "2025-05-31", 321) in list(trends.iter_rows(values_only=True))
    assert budget.max_row == 1 + 11


def test_the_api_returns_the_same_figures_as_the_dashboard(app, client, login_as, plan):
    metric("bus.users")(lambda year, as_of: 42)
    services.rollup(2025, date(2025, 6, 30))
    login_as("manager")
    body = client.get("/api/v1/kpi?year=2025&month=6&programme=bus").get_json()
    assert body == services.figures(2025, 6, "bus")
    assert _metric(body, "bus.users")["value"] == 42


def test_the_api_explains_a_bad_month(app, client, login_as, plan):
    login_as("manager")
    response = client.get("/api/v1/kpi?year=2025&month=13")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"month"}


def test_citizens_cannot_read_the_kpi_api(app, client, login_as):
    login_as("citizen")
    assert client.get("/api/v1/kpi?year=2025").status_code == 403


def test_unique_citizens_are_shown_per_programme_by_name(app, client, login_as, plan):
    from sqlalchemy import select

    from ops.kpi.registry import served_people
    from ops.people.models import Person
    from ops.people.services import find_or_create_person

    find_or_create_person("김영자", "010-1111-2222")
    db.session.commit()
    served_people("eodina")(lambda year: select(Person.id))
    services.rollup(2025, date(2025, 6, 30))
    login_as("manager")
    page = client.get("/kpi/2025").get_data(as_text=True)
    assert "1:1 디지털 교육: 1" in page
