"""Managers' dashboard (one page per year), its XLSX export, and manual KPI entries."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..accounts.roles import MANAGERS, STAFF, role_required
from ..core.sheets import BadSheet
from ..core.timeutil import seoul_today
from ..extensions import db
from ..plan.models import Programme
from . import budget, export, reports, services
from .charts import progress_svg, trend_svg
from .forms import BudgetExecutionForm, BudgetUploadForm, ManualEntryForm, MonthlyReportForm
from .services import STATUS_LABELS, UNIT_LABELS

# The areas that register served people, by their registry key (see ops.kpi.registry.served_people).
PEOPLE_LABELS = {"eodina": _l("1:1 digital lessons"), "bus": _l("Digital experience bus"),
                 "education": _l("Courses"), "events": _l("Events")}

bp = Blueprint("kpi", __name__, template_folder="templates", static_folder="static", static_url_path="/kpi/static")

ENTRY_ERRORS = {"unknown_metric": _l("Please choose a metric entered by hand."),
                "already_corrected": _l("This entry has already been corrected: correct the newer entry instead."),
                "reason_needed": _l("Please say why the figure is corrected."),
                "invalid_value": _l("Please enter a number of 0 or more."),
                "invalid_date": _l("The date must be in the plan's year and not in the future.")}


def _locale() -> str:
    return str(get_locale() or "ko")


def _query(year: int):
    try:
        return services.parse_query(year, request.args.get("month"), request.args.get("programme"),
                                    request.args.get("compare"))
    except services.InvalidQuery:
        abort(404)


@bp.get("/kpi")
@role_required(*STAFF)
def home():
    return redirect(url_for("kpi.dashboard", year=services.plan_year()))


@bp.get("/kpi/entries")
@role_required(*MANAGERS)
def entries_current():
    return redirect(url_for("kpi.entries", year=services.plan_year()))


@bp.get("/kpi/budget")
@role_required(*MANAGERS)
def budget_current():
    return redirect(url_for("kpi.budget_execution", year=services.plan_year()))


@bp.get("/kpi/<int:year>")
@role_required(*STAFF)
def dashboard(year: int):
    year, month, programme, compare = _query(year)
    data = services.figures(year, month, programme, compare=compare, locale=_locale())
    programmes = db.session.scalars(select(Programme).where(Programme.year == year)
                                    .order_by(Programme.code, Programme.id)).all()
    names = {p.key: p.name(_locale()) for p in programmes}
    people_labels = {key: str(PEOPLE_LABELS.get(key) or names.get(key) or key)
                     for key in data["unique_citizens"]["by_programme"]}
    return render_template("kpi/dashboard.html", data=data, programmes=programmes, labels=STATUS_LABELS,
                           people_labels=people_labels, trend_svg=trend_svg, progress_svg=progress_svg,
                           units=UNIT_LABELS, today=seoul_today(),
                           computed_at=datetime.fromisoformat(data["computed_at"][:-1]) if data["computed_at"] else None)


@bp.get("/kpi/<int:year>/export.xlsx")
@role_required(*STAFF)
def export_xlsx(year: int):
    year, month, programme, compare = _query(year)
    data = services.figures(year, month, programme, compare=compare, locale=_locale())
    body = export.workbook(data, {k: str(v) for k, v in STATUS_LABELS.items()})
    name = f"kpi-{year}" + (f"-{month:02d}" if month else "") + (f"-{programme}" if programme else "") + ".xlsx"
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.route("/kpi/<int:year>/entries", methods=["GET", "POST"])
@role_required(*MANAGERS)
def entries(year: int):
    """Enter a figure; with ``?correct=<entry id>`` correct an earlier one (same metric, a reason)."""
    targets = services.manual_targets(year)
    names = {t.metric: t.name(_locale()) for t in targets}
    corrects = None
    if request.values.get("correct"):
        corrects = services.get_entry(year, request.values.get("correct"))
        if corrects is None:
            abort(404)
    form = ManualEntryForm()
    if corrects is not None:
        form.metric.choices = [(corrects.metric, names.get(corrects.metric, corrects.metric))]
        if request.method == "GET":
            form.metric.data, form.value.data, form.as_of.data = corrects.metric, None, corrects.as_of
    else:
        form.metric.choices = [("", _("Choose…"))] + [(t.metric, t.name(_locale())) for t in targets]
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.add_entry(year=year, metric=form.metric.data, value=form.value.data,
                                   as_of=form.as_of.data, note=form.note.data, user=current_user, corrects=corrects)
                db.session.commit()
                services.request_rollup()
                flash(_("The correction is recorded.") if corrects else _("The figure is recorded."), "success")
                return redirect(url_for("kpi.entries", year=year))
            except services.InvalidEntry as exc:
                db.session.rollback()
                for field, code in exc.errors.items():
                    getattr(form, field).errors.append(str(ENTRY_ERRORS[code]))
        status = 422
    return render_template("kpi/entries.html", form=form, year=year, history=services.entry_history(year),
                           corrected=services.corrected_ids(year), corrects=corrects, names=names,
                           units=UNIT_LABELS, targets=targets), status


BUDGET_ERRORS = {
    "unknown_code": _l("No project has this code in the year's plan."),
    "invalid_month": _l("The month must be a number from 1 to 12."),
    "future_month": _l("This month has not begun yet."),
    "invalid_amount": _l("Enter a whole number of thousand KRW, 0 or more."),
    "over_budget": _l("More than the project's whole budget."),
    "duplicate_row": _l("The same project and month appear on an earlier row."),
    "too_many_rows": _l("The file has too many rows."),
    "no_rows": _l("The file has no rows to record."),
}
SHEET_ERRORS = {
    "type": _l("Please upload an XLSX file (use the template)."),
    "xlsx": _l("This file cannot be read as an XLSX workbook."),
    "empty": _l("The file is empty."),
    "columns": _l("The first row must name the template's columns: project code, month, committed, spent."),
}
BUDGET_FIELDS = {"code": _l("Project code"), "month": _l("Month"), "committed": _l("Committed"),
                 "spent": _l("Spent"), "file": _l("File")}


def _budget_page(year: int, form, upload, row_errors=None, status: int = 200):
    lines = budget.lines(year)
    if not lines:
        abort(404)
    return render_template("kpi/budget.html", year=year, form=form, upload=upload, row_errors=row_errors or [],
                           history=budget.history(year), fields=BUDGET_FIELDS,
                           data=budget.execution(year, services.as_of_for(year, None), locale=_locale()),
                           progress_svg=progress_svg), status


def _budget_forms(year: int):
    form, upload = BudgetExecutionForm(prefix="one"), BudgetUploadForm(prefix="file")
    form.code.choices = [("", _("Choose…"))] + [(line.key, line.name_en if _locale() == "en" else line.name_ko)
                                                for line in budget.lines(year)]
    form.month.choices = [(m, _("%(month)s/%(year)s", month=m, year=year)) for m in range(1, 13)]
    if request.method == "GET" and form.month.data is None:
        today = seoul_today()
        form.month.data = today.month if today.year == year else 12
    return form, upload


def _row_messages(exc: budget.InvalidExecution) -> list[dict]:
    return [{"row": row, "problems": [(str(BUDGET_FIELDS[f]), str(BUDGET_ERRORS[c])) for f, c in fields.items()]}
            for row, fields in sorted(exc.rows.items())]


@bp.route("/kpi/<int:year>/budget", methods=["GET", "POST"])
@role_required(*MANAGERS)
def budget_execution(year: int):
    """Record one project's execution to the end of a month."""
    form, upload = _budget_forms(year)
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                budget.record(year, [{"code": form.code.data, "month": form.month.data,
                                      "committed": form.committed.data, "spent": form.spent.data}],
                              user=current_user, source="form")
                db.session.commit()
                flash(_("The execution is recorded."), "success")
                return redirect(url_for("kpi.budget_execution", year=year))
            except budget.InvalidExecution as exc:
                db.session.rollback()
                for field, code in exc.rows.get(1, {}).items():
                    getattr(form, field).errors.append(str(BUDGET_ERRORS[code]))
        return _budget_page(year, form, upload, status=422)
    return _budget_page(year, form, upload)


@bp.post("/kpi/<int:year>/budget/upload")
@role_required(*MANAGERS)
def budget_upload(year: int):
    """Record a whole XLSX: every row right, or nothing stored."""
    form, upload = _budget_forms(year)
    if not upload.validate_on_submit():
        return _budget_page(year, form, upload, status=422)
    file = upload.sheet.data
    try:
        rows = budget.read_upload(file.filename or "", file.read())
        result = budget.record(year, rows, user=current_user, source="upload")
        db.session.commit()
    except BadSheet as exc:
        upload.sheet.errors.append(str(SHEET_ERRORS.get(str(exc), SHEET_ERRORS["xlsx"])))
        return _budget_page(year, form, upload, status=422)
    except budget.InvalidExecution as exc:
        db.session.rollback()
        upload.sheet.errors.append(_("Nothing was recorded: %(n)s row(s) need correcting.", n=len(exc.rows)))
        return _budget_page(year, form, upload, row_errors=_row_messages(exc), status=422)
    flash(_("%(added)s row(s) recorded, %(unchanged)s already as recorded.", added=result.added,
            unchanged=result.unchanged), "success")
    return redirect(url_for("kpi.budget_execution", year=year))


@bp.get("/kpi/<int:year>/budget/template.xlsx")
@role_required(*MANAGERS)
def budget_template(year: int):
    lines = budget.lines(year)
    if not lines:
        abort(404)
    today = seoul_today()
    body = export.budget_template(year, lines, budget.TEMPLATE_HEADER, today.month if today.year == year else 12)
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="budget-execution-{year}.xlsx"'})


REPORT_ERRORS = {"no_plan": _l("There is no plan for this year."),
                 "month_not_over": _l("This month has not begun yet.")}


def _report_form(year: int) -> MonthlyReportForm:
    form = MonthlyReportForm()
    form.month.choices = [(m, _("%(month)s/%(year)s", month=m, year=year)) for m in range(1, 13)]
    if request.method == "GET":
        today = seoul_today()
        form.month.data = reports.month_before(today)[1] if today.year == year else 12
    return form


def _reports_page(year: int, form, status: int = 200):
    return render_template("kpi/reports.html", year=year, form=form, reports=reports.reports(year)), status


@bp.get("/kpi/<int:year>/reports")
@role_required(*STAFF)
def monthly_reports(year: int):
    """The monthly reports kept for the year."""
    return _reports_page(year, _report_form(year))


@bp.post("/kpi/<int:year>/reports/build")
@role_required(*MANAGERS)
def build_monthly_report(year: int):
    """Build (or build again) a month's report on demand."""
    form = _report_form(year)
    if form.validate_on_submit():
        try:
            reports.build(year, form.month.data, user=current_user, today=seoul_today())
            db.session.commit()
            flash(_("The report for %(month)s/%(year)s is built.", month=form.month.data, year=year), "success")
            return redirect(url_for("kpi.monthly_reports", year=year))
        except reports.DomainError as exc:
            db.session.rollback()
            form.month.errors.append(str(REPORT_ERRORS.get(exc.code, exc.code)))
    return _reports_page(year, form, 422)


@bp.get("/kpi/<int:year>/reports/<int:month>.pdf")
@role_required(*STAFF)
def monthly_report_pdf(year: int, month: int):
    return _report_file(year, month, "pdf")


@bp.get("/kpi/<int:year>/reports/<int:month>.xlsx")
@role_required(*STAFF)
def monthly_report_xlsx(year: int, month: int):
    return _report_file(year, month, "xlsx")


def _report_file(year: int, month: int, kind: str):
    report = reports.get(year, month)
    if report is None:
        abort(404)
    mimetype = ("application/pdf" if kind == "pdf"
                else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    return Response(getattr(report, kind), mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="kpi-report-{year}-{month:02d}.{kind}"'})
