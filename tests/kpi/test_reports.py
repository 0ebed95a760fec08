"""The monthly report: built for a month (XLSX and PDF with the Korean font embedded), kept for
download, e-mailed to managers through the outbox on the first working day of the next month."""
from datetime import date
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from ops.extensions import db
from ops.kpi import budget, reports, services
from ops.kpi.registry import metric
from ops.notify.models import OutboxMessage
from ops.plan.loader import read_plan


@pytest.fixture
def bus_figures(app, plan):
    metric("bus.users")(lambda year, as_of: 100 * as_of.month)
    for month_end in (date(2025, 5, 31), date(2025, 6, 30)):
        services.rollup(2025, month_end)
    budget.record(2025, [{"code": "bus", "month": 6, "committed": 90000, "spent": 52000}], user=None, source="form")
    db.session.commit()


def test_the_report_has_every_metric_against_the_month_before_and_budget_execution(app, bus_figures):
    report = reports.build(2025, 6, today=date(2025, 12, 31))
    db.session.commit()
    book = load_workbook(BytesIO(report.xlsx))
    about, metrics, budget_sheet = book.worksheets
    rows = list(metrics.iter_rows(values_only=True))
    assert len(rows) == 1 + len(read_plan(2025)["targets"])
    bus = next(r for r in rows if r[2] == "bus.users")
    assert bus[5:8] == (600, 500, 100) and bus[8] == 3000 and bus[11] == 2926
    assert ("포용기술 디지털 체험버스 운영", 104000, 90000, 0.8654, 52000, 0.5, "2025-06-30") in list(
        budget_sheet.iter_rows(values_only=True))


def test_the_pdf_embeds_a_korean_font(app, bus_figures):
    pdf = reports.build(2025, 6, today=date(2025, 12, 31)).pdf
    assert pdf.startswith(b"%PDF") and b"/FontFile2" in pdf  # a TrueType font program inside the file
    assert b"NanumGothic" in pdf or b"ReportSans" in pdf


def test_building_a_month_again_replaces_it(app, bus_figures):
    reports.build(2025, 6, today=date(2025, 12, 31))
    db.session.commit()
    metric("bus.users")(lambda year, as_of: 7)
    services.rollup(2025, date(2025, 6, 30))
    reports.build(2025, 6, today=date(2025, 12, 31))
    db.session.commit()
    [report] = reports.reports(2025)
    rows = list(load_workbook(BytesIO(report.xlsx)).worksheets[1].iter_rows(values_only=True))
    assert next(r for r in rows if r[2] == "bus.users")[5] == 7


def test_a_month_not_begun_is_refused(app, plan):
    with pytest.raises(reports.NotYet):
        reports.build(2025, 7, today=date(2025, 6, 30))


def test_on_the_first_working_day_beat_builds_last_month_and_emails_managers_once(app, bus_figures, make_user):
    managers = [make_user("manager"), make_user("manager")]
    make_user("staff")
    assert reports.scheduled(date(2025, 7, 2)) is None  # not the first working day (1 July 2025, a Tuesday)
    report = reports.scheduled(date(2025, 7, 1))
    reports.scheduled(date(2025, 7, 1))  # beat again the same morning: nothing sent twice
    db.session.commit()
    assert (report.year, report.month) == (2025, 6)
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == reports.REPORT_MESSAGE)).all()
    assert sorted(m.recipient for m in mails) == sorted(u.email for u in managers)
    assert {m.channel for m in mails} == {"email"} and "/kpi/2025/reports/6.pdf" in mails[0].data["pdf"]


def test_managers_build_on_demand_and_staff_download(app, client, login_as, bus_figures):
    login_as("manager")
    assert client.post("/kpi/2025/reports/build", data={"month": "6"}).status_code == 302
    page = client.get("/kpi/2025/reports").get_data(as_text=True)
    assert "/kpi/2025/reports/6.pdf" in page and "/kpi/2025/reports/6.xlsx" in page
    client.post("/logout")
    login_as("staff")
    pdf = client.get("/kpi/2025/reports/6.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert client.post("/kpi/2025/reports/build", data={"month": "5"}).status_code == 403
    assert client.get("/kpi/2025/reports/5.xlsx").status_code == 404
