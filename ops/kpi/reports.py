"""The city's monthly KPI report: every metric as of the month's end, beside the month before, the
target and last year, with budget execution; an XLSX file and a PDF (Korean font embedded), kept
for download at /kpi/<year>/reports and announced to managers by e-mail through the outbox.

Beat asks every morning; on the first working day of a month (weekdays that are not Korean public
holidays) the previous month's report is built and sent. Managers can build any month on demand.
"""
from __future__ import annotations

import io
from datetime import date, timedelta
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..accounts.roles import MANAGERS
from ..core.errors import DomainError
from ..core.sql import dialect_insert
from ..core.timeutil import seoul_today, utcnow
from ..core.workdays import first_working_day
from ..extensions import db
from ..notify.registry import message_template
from ..notify.services import queue_message
from . import export, services
from .models import MonthlyReport

REPORT_MESSAGE = "kpi.monthly_report"
message_template(REPORT_MESSAGE,
                 subject_ko="[서울디지털재단] {year}년 {month}월 KPI 월간 보고",
                 subject_en="[Seoul Digital Foundation] KPI report for {month}/{year}",
                 ko="{year}년 {month}월 KPI 월간 보고가 만들어졌습니다 ({as_of} 기준).\n"
                    "지표 {metrics}개 중 계획 대비 순항 {on_track}개, 지연 {behind}개.\n"
                    "PDF: {pdf}\nXLSX: {xlsx}",
                 en="The KPI report for {month}/{year} is ready (figures as of {as_of}).\n"
                    "Of {metrics} metrics, {on_track} are on track and {behind} behind.\n"
                    "PDF: {pdf}\nXLSX: {xlsx}")


class NoPlan(DomainError):
    code = "no_plan"


class NotYet(DomainError):
    code = "month_not_over"


def month_before(day: date) -> tuple[int, int]:
    first = day.replace(day=1) - timedelta(days=1)
    return first.year, first.month


def report_rows(year: int, month: int, today: date) -> dict:
    """The report's figures: the dashboard's as of the month's end (with the same date last year) and
    each metric's value at the end of the month before (none for January: a new year's plan)."""
    now = services.figures(year, month, compare="previous", today=today)
    before = {}
    if month > 1:
        before = {m["key"]: m["value"] for p in services.figures(year, month - 1, today=today)["programmes"]
                  for m in p["metrics"]}
    for programme in now["programmes"]:
        for m in programme["metrics"]:
            m["month_before"] = before.get(m["key"])
            m["month_change"] = (round(m["value"] - m["month_before"], 4)
                                 if m["value"] is not None and m["month_before"] is not None else None)
    return now


def build(year: int, month: int, *, user=None, today: date | None = None) -> MonthlyReport:
    """Build (or build again) a month's report; the caller commits."""
    today = today or seoul_today()
    if not _has_plan(year):
        raise NoPlan()
    if date(year, month, 1) > today:
        raise NotYet()
    with force_locale("ko"):
        data = report_rows(year, month, today)
        labels = _labels()
        xlsx = export.monthly_workbook(data, labels)
        pdf = monthly_pdf(data, labels)
    values = dict(year=year, month=month, as_of=date.fromisoformat(data["as_of"]), built_at=utcnow(),
                  built_by_id=getattr(user, "id", None), xlsx=xlsx, pdf=pdf)
    insert = dialect_insert(db.session.get_bind().dialect.name)(MonthlyReport).values(**values)
    db.session.execute(insert.on_conflict_do_update(
        index_elements=["year", "month"],
        set_={k: insert.excluded[k] for k in ("as_of", "built_at", "built_by_id", "xlsx", "pdf")}))
    report = db.session.scalar(select(MonthlyReport).where(MonthlyReport.year == year, MonthlyReport.month == month)
                               .execution_options(populate_existing=True))
    report.summary = _summary(data)
    return report


def _has_plan(year: int) -> bool:
    from ..plan.models import Programme

    return db.session.scalar(select(Programme.id).where(Programme.year == year).limit(1)) is not None


def _summary(data: dict) -> dict:
    metrics = [m for p in data["programmes"] for m in p["metrics"]]
    return {"metrics": len(metrics), "on_track": sum(m["status"] == "on_track" for m in metrics),
            "behind": sum(m["status"] == "behind" for m in metrics)}


def announce(report: MonthlyReport) -> int:
    """Queue the report's e-mail to every active manager (once per manager and month); the caller commits."""
    base = current_app.config["OPS_BASE_URL"].rstrip("/")
    link = f"{base}/kpi/{report.year}/reports/{report.month}"
    data = {"year": report.year, "month": report.month, "as_of": report.as_of.isoformat(),
            "pdf": f"{link}.pdf", "xlsx": f"{link}.xlsx", **getattr(report, "summary", {})}
    queued = 0
    for manager in db.session.scalars(select(User).where(User.role.in_(MANAGERS), User.active.is_(True))):
        if queue_message(template=REPORT_MESSAGE, recipient=manager.email, channel="email", data=data,
                         locale=manager.locale or "ko", purpose="service",
                         dedup_key=f"kpi-report:{report.year}-{report.month:02d}:{manager.id}") is not None:
            queued += 1
    return queued


def scheduled(today: date | None = None) -> MonthlyReport | None:
    """Beat's daily call: on the first working day of a month, build and announce the month before."""
    today = today or seoul_today()
    if today != first_working_day(today.year, today.month):
        return None
    year, month = month_before(today)
    try:
        report = build(year, month, today=today)
    except NoPlan:
        return None
    announce(report)
    return report


def reports(year: int) -> list[MonthlyReport]:
    return db.session.scalars(select(MonthlyReport).where(MonthlyReport.year == year)
                              .order_by(MonthlyReport.month.desc())).all()


def get(year: int, month: int) -> MonthlyReport | None:
    return db.session.scalar(select(MonthlyReport).where(MonthlyReport.year == year, MonthlyReport.month == month))


# --- The files ------------------------------------------------------------------------------

def _labels() -> dict:
    return {"status": {k: str(v) for k, v in services.STATUS_LABELS.items()},
            "unit": {k: str(v) for k, v in services.UNIT_LABELS.items()}}


def _fonts() -> tuple[str, str]:
    """The configured TrueType font (embedded, subset, in the PDF): ops/core/pdffonts.py."""
    from ..core.pdffonts import register_fonts

    return register_fonts()


def _number(value) -> str:
    from . import kpi_number

    return kpi_number(value)


def _share(value) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def monthly_pdf(data: dict, labels: dict) -> bytes:
    """The report as an A4 landscape PDF: a table of every metric by programme, then budget execution."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    regular, bold = _fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=8, leading=10)
    head = ParagraphStyle("head", fontName=bold, fontSize=8, leading=10)
    title = ParagraphStyle("title", fontName=bold, fontSize=16, leading=20, spaceAfter=4)
    sub = ParagraphStyle("sub", fontName=regular, fontSize=9, leading=12, spaceAfter=8)
    h2 = ParagraphStyle("h2", fontName=bold, fontSize=12, leading=16, spaceBefore=10, spaceAfter=4)
    year, month = data["year"], data["month"]
    summary = _summary(data)
    story = [Paragraph(_("Seoul Digital Foundation KPI report, %(month)s/%(year)s", month=month, year=year), title),
             Paragraph(_("Figures as of %(date)s, compared with the month before, the target, last year and the "
                         "same date last year (%(previous)s). %(n)s metrics: %(on)s on track, %(behind)s behind.",
                         date=data["as_of"], previous=data["previous_as_of"], n=summary["metrics"],
                         on=summary["on_track"], behind=summary["behind"]), sub),
             Paragraph(_("Metrics"), h2)]
    header = [_("Programme"), _("Metric"), _("Unit"), _("This month"), _("Month before"), _("Change"), _("Target"),
              _("Progress"), _("Status"), _("Last year"), _("Same date last year")]
    rows = [[Paragraph(h, head) for h in header]]
    for programme in data["programmes"]:
        for m in programme["metrics"]:
            previous = (m.get("previous") or {}).get("value")
            rows.append([Paragraph(f"{programme['code']} {programme['name']}", body), Paragraph(m["name"], body),
                         Paragraph(labels["unit"].get(m["unit"], m["unit"]), body), _number(m["value"]), _number(m["month_before"]),
                         "–" if m["month_change"] is None else f"{m['month_change']:+,g}", _number(m["target"]),
                         _share(m["progress"]), Paragraph(labels["status"].get(m["status"], m["status"]), body),
                         _number(m["last_year"]), _number(previous)])
    widths = [40 * mm, 60 * mm, 16 * mm, 19 * mm, 19 * mm, 17 * mm, 18 * mm, 16 * mm, 34 * mm, 18 * mm, 20 * mm]
    style = TableStyle([("FONT", (0, 0), (-1, -1), regular, 8), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("ALIGN", (3, 1), (-1, -1), "RIGHT"), ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf5"))])
    story.append(Table(rows, colWidths=widths, repeatRows=1, style=style))
    elapsed = round(data["budget"]["year_elapsed"] * 100, 1)
    story += [Spacer(1, 6 * mm), Paragraph(_("Budget execution (thousand KRW)"), h2),
              Paragraph(_("%(share)s%% of the year has passed by %(date)s.", share=elapsed, date=data["as_of"]), sub)]
    budget_rows = [[Paragraph(h, head) for h in (_("Project"), _("Budget"), _("Committed"), _("Committed share"),
                                                 _("Spent"), _("Spent share"), _("As of"))]]
    lines = data["budget"]["lines"] + [dict(data["budget"]["totals"], name=_("Total"), as_of="")]
    for b in lines:
        budget_rows.append([Paragraph(b["name"], body), f"{b['budget']:,}", f"{b['committed']:,}",
                            _share(b["committed_share"]), f"{b['spent']:,}", _share(b["spent_share"]),
                            b["as_of"] or "–"])
    budget_style = TableStyle([*style.getCommands(), ("ALIGN", (1, 1), (-1, -1), "RIGHT")])
    story.append(Table(budget_rows, colWidths=[80 * mm, 28 * mm, 28 * mm, 24 * mm, 28 * mm, 24 * mm, 28 * mm],
                       repeatRows=1, style=budget_style))
    out = io.BytesIO()

    def footer(canvas, doc):
        canvas.setFont(regular, 7)
        canvas.drawRightString(landscape(A4)[0] - 12 * mm, 8 * mm, f"{year}-{month:02d} · {doc.page}")

    SimpleDocTemplate(out, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm,
                      bottomMargin=14 * mm, title=f"KPI {year}-{month:02d}", author="Seoul Digital Foundation",
                      lang="ko-KR", initialFontName=regular).build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
