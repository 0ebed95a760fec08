"""Budget execution: recorded by form or XLSX upload (all rows right or nothing stored, the same file
twice changes nothing), kept with its history, and shown against the share of the year elapsed."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook, load_workbook

from ops.extensions import db
from ops.kpi import budget, services


def _xlsx(rows, header=("사업코드", "월", "원인행위액", "지출액")) -> BytesIO:
    book = Workbook()
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    out = BytesIO()
    book.save(out)
    out.seek(0)
    return out


def _upload(client, rows, name="execution.xlsx", **kwargs):
    return client.post("/kpi/2025/budget/upload", data={"file-sheet": (_xlsx(rows, **kwargs), name)},
                       content_type="multipart/form-data")


def _line(key, day=date(2025, 12, 31)):
    return next(b for b in services.figures(2025, today=day)["budget"]["lines"] if b["key"] == key)


def test_the_share_of_the_year_elapsed_counts_the_day_itself():
    assert budget.year_elapsed(2025, date(2025, 1, 1)) == 1 / 365
    assert budget.year_elapsed(2024, date(2024, 12, 31)) == 1.0
    assert budget.year_elapsed(2025, date(2024, 12, 31)) == 0.0


def test_before_anything_is_recorded_the_dashboard_shows_the_plans_figures(app, plan):
    bus = _line("bus")
    assert (bus["committed"], bus["spent"], bus["as_of"]) == (88970, 7, "2025-02-14")


def test_a_manager_records_a_month_by_form_and_the_dashboard_shows_its_rate(app, client, login_as, plan):
    login_as("manager")
    response = client.post("/kpi/2025/budget", data={"one-code": "bus", "one-month": "6", "one-committed": "95000",
                                                     "one-spent": "52000"})
    assert response.status_code == 302
    bus = _line("bus", date(2025, 7, 15))
    assert (bus["committed"], bus["spent"], bus["spent_share"], bus["as_of"]) == (95000, 52000, 0.5, "2025-06-30")
    page = client.get("/kpi/2025?month=7").get_data(as_text=True)
    assert "52,000 (50.0%)" in page and '<svg class="progress"' in page


def test_an_upload_of_the_template_records_every_row_and_again_changes_nothing(app, client, login_as, plan):
    login_as("manager")
    template = load_workbook(BytesIO(client.get("/kpi/2025/budget/template.xlsx").data))
    rows = list(template.worksheets[0].iter_rows(values_only=True))
    assert [h.split(" (")[0] for h in rows[0]] == ["사업코드", "월", "원인행위액(천원)", "지출액(천원)"]
    assert len(rows) == 1 + 11  # one row per project of the plan
    filled = [(code, 3, 1000 + n, 10 * n) for n, (code, *_rest) in enumerate(rows[1:])]
    first = _upload(client, filled, header=rows[0])
    assert first.status_code == 302 and len(budget.history(2025)) == 11
    again = _upload(client, filled, header=rows[0])
    assert again.status_code == 302 and len(budget.history(2025)) == 11
    assert _line("bus")["committed"] == 1000 + [r[0] for r in filled].index("bus")


def test_one_wrong_row_stores_nothing_and_every_wrong_row_is_named(app, client, login_as, plan):
    login_as("manager")
    response = _upload(client, [("bus", 3, 1000, 10), ("nosuch", 3, 1, 1), ("slw", 13, 5, 5),
                                ("eodina", 4, -3, "열"), ("bus", 3, 2000, 20)])
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert budget.history(2025) == []
    for row, message in [(3, "올해 계획에 이 코드의 사업이 없습니다"), (4, "월은 1에서 12 사이"),
                         (5, "0 이상의 정수"), (6, "앞 행에 같은 사업과 월")]:
        assert f"<th scope=\"row\">{row}</th>" in page and message in page


def test_an_amount_over_the_whole_budget_is_refused(app, plan):
    with pytest.raises(budget.InvalidExecution) as caught:
        budget.record(2025, [{"code": "bus", "month": 5, "committed": 104001, "spent": 0}], user=None, source="form")
    assert caught.value.rows == {1: {"committed": "over_budget"}}


def test_a_month_that_has_not_begun_is_refused(app, plan):
    with pytest.raises(budget.InvalidExecution) as caught:
        budget.record(2025, [{"code": "bus", "month": 7, "committed": 1, "spent": 1}], user=None, source="form",
                      today=date(2025, 6, 30))
    assert caught.value.rows == {1: {"month": "future_month"}}


def test_a_new_figure_for_a_month_replaces_it_and_the_history_keeps_both(app, plan):
    budget.record(2025, [{"code": "slw", "month": 9, "committed": 3000000, "spent": 1000000}], user=None,
                  source="form")
    budget.record(2025, [{"code": "slw", "month": 9, "committed": 3100000, "spent": 1000000}], user=None,
                  source="upload")
    db.session.commit()
    assert [(e.committed, e.source) for e in budget.history(2025)] == [(3100000, "upload"), (3000000, "form")]
    assert _line("slw")["committed"] == 3100000


def test_the_dashboard_as_of_a_month_uses_the_figures_recorded_up_to_it(app, plan):
    for month, spent in ((3, 100), (6, 600)):
        budget.record(2025, [{"code": "bus", "month": month, "committed": 90000, "spent": spent}], user=None,
                      source="form")
    db.session.commit()
    assert _line("bus", date(2025, 4, 30))["spent"] == 100
    data = services.figures(2025, 4, today=date(2025, 12, 31))
    assert next(b for b in data["budget"]["lines"] if b["key"] == "bus")["spent"] == 100


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(app, client, login_as, plan):
    login_as("manager")
    response = client.post("/kpi/2025/budget/upload", data={"file-sheet": (BytesIO(b"code,month\n"), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "XLSX" in response.get_data(as_text=True)
    assert budget.history(2025) == []


def test_staff_may_not_record_budget_execution(app, client, login_as, plan):
    login_as("staff")
    assert client.get("/kpi/2025/budget").status_code == 403
    assert client.get("/kpi/2025/budget/template.xlsx").status_code == 403
