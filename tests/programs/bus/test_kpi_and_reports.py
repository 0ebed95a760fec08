"""KPI answers (users, 60+, satisfaction, pilot people) and staff counts with the XLSX export."""
import io
from datetime import date

from openpyxl import load_workbook

from ops.extensions import db
from ops.kpi.registry import DISTRICT_FIGURES, METRICS, PEOPLE
from ops.programs.bus import reports, services

APRIL_15, MAY_20 = date(2025, 4, 15), date(2025, 5, 20)


def two_runs(world):
    first = world.run(APRIL_15)
    services.record_counts(first, {"20_59": 5, "60_69": 7, "70_79": 6, "80_plus": 2}, today=APRIL_15)
    second = world.run(MAY_20, programme=world.pilot)
    for name, year, role in (("박할매", 1950, "grandparent"), ("박손주", 2016, "grandchild")):
        services.add_participant(second, name=name, phone=None, birth_year=year, role=role, consent=True,
                                 today=MAY_20)
    for score, card in zip((5, 4, 3), services.issue_survey_cards(first, 3)):
        services.answer_survey(services.card_code(card), score=score, today=APRIL_15)
    db.session.commit()
    return first, second


def test_users_count_age_bands_and_pilot_people_as_of_a_date(world):
    two_runs(world)
    assert METRICS["bus.users"](2025, date(2025, 4, 30)) == 20
    assert METRICS["bus.users"](2025, date(2025, 12, 31)) == 22
    assert METRICS["bus.users_60plus"](2025, date(2025, 12, 31)) == 16


def test_satisfaction_is_the_mean_of_the_answers(world):
    two_runs(world)
    assert METRICS["bus.satisfaction"](2025, date(2025, 12, 31)) == 4.0


def test_satisfaction_is_none_before_anyone_answers(world):
    assert METRICS["bus.satisfaction"](2025, date(2025, 12, 31)) is None


def test_people_served_are_the_pilot_participants(world):
    _, second = two_runs(world)
    served = set(db.session.scalars(PEOPLE["bus"](2025)))
    assert served == {p.person_id for p in second.participants}


def test_users_per_district_follow_the_institution(world):
    two_runs(world)
    assert DISTRICT_FIGURES["bus.users"][1](2025) == {"seongbuk": 22.0}


def test_summary_groups_runs_by_month_institution_and_district(world):
    two_runs(world)
    data = reports.summary(2025, date(2025, 12, 31))
    assert (data["total"].runs, data["total"].users, data["total"].satisfaction) == (2, 22, 4.0)
    assert {m: f.users for m, f in data["by_month"].items()} == {4: 20, 5: 2}
    assert list(data["by_district"]) == ["seongbuk"]
    assert (data["by_zone"]["northeast"].runs, data["by_zone"]["central"].runs) == (2, 0)


def test_xlsx_export_lists_runs_and_totals(world, client, login_as):
    two_runs(world)
    login_as("staff")
    response = client.get("/bus/report.xlsx?year=2025")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    runs = book.worksheets[0]
    assert runs.max_row == 3 and runs.cell(2, 3).value == "성북노인종합복지관"
    months = book.worksheets[1]
    assert [months.cell(months.max_row, c).value for c in (2, 3)] == [2, 22]


def test_calendar_shows_the_run_and_the_free_slot(world):
    first, _ = two_runs(world)
    weeks = reports.month_calendar(world.bus, 2025, 4)
    cell = next(c for week in weeks for c in week if c.day == APRIL_15)
    assert [s.visit.id if s.visit else None for s in cell.slots] == [first.id, None]
    assert cell.free == 1
    saturday = next(c for week in weeks for c in week if c.day == date(2025, 4, 12))
    assert saturday.closed is not None and saturday.free == 0


def test_calendar_names_the_holiday_of_a_day_without_runs(world):
    weeks = reports.month_calendar(world.bus, 2025, 5)
    may_5 = next(c for week in weeks for c in week if c.day == date(2025, 5, 5))
    assert (may_5.note, may_5.free) == ("어린이날", 0)
