"""Managers' dashboard (one page per year), its XLSX export, and manual KPI entries."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, select

from ..accounts.roles import MANAGERS, STAFF, role_required
from ..core.timeutil import seoul_today
from ..extensions import db
from ..plan.models import Programme
from . import export, services
from .charts import progress_svg, trend_svg
from .forms import ManualEntryForm

# The areas that register served people, by their registry key (see ops.kpi.registry.served_people).
PEOPLE_LABELS = {"eodina": _l("1:1 digital lessons"), "bus": _l("Digital experience bus"),
                 "education": _l("Courses"), "events": _l("Events")}

bp = Blueprint("kpi", __name__, template_folder="templates", static_folder="static", static_url_path="/kpi/static")

STATUS_LABELS = {
    "on_track": _l("On track"), "behind": _l("Behind"), "no_target": _l("No target set"),
    "not_connected": _l("Not connected yet"), "no_entry": _l("No figure entered yet"), "error": _l("Could not compute"),
    "no_snapshot": _l("Not counted yet: the daily roll-up will count it"),
}
# Units of ops/plan/plan_<year>.json, shown after each figure.
UNIT_LABELS = {
    "people": _l("people"), "visitors": _l("visitors"), "centers": _l("centers"), "items": _l("items"),
    "countries": _l("countries"), "cities": _l("cities"), "companies": _l("companies"), "m2": _l("m²"),
    "booths": _l("booths"), "projects": _l("projects"), "studies": _l("studies"), "count": _l("cases"),
    "institutions": _l("institutions"), "score_5": _l("points out of 5"), "score_10": _l("points out of 10"),
    "sessions": _l("sessions"), "teams": _l("teams"), "runs": _l("runs"), "conferences": _l("conferences"),
    "meetings": _l("meetings"),
}
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
