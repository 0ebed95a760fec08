"""The plan's pages: the year's plan for staff, and the managers' editing of its targets and budget lines."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.roles import MANAGERS, STAFF, role_required
from ..core.forms import REFUSED, form_action
from . import services
from .forms import BudgetLineForm, OpenYearForm, RemoveLineForm, TargetForm
from .years import current_plan_year

bp = Blueprint("plan", __name__, template_folder="templates")

# What a row of the trail changed (PlanChange.field).
FIELD_LABELS = {"target": _l("Target value"), "last_year": _l("Last year"), "budget": _l("Budget (thousand KRW)"),
                "name_ko": _l("Name (Korean)"), "name_en": _l("Name (English)"), "added": _l("Added"),
                "removed": _l("Removed"), "state": _l("State")}


def _locale() -> str:
    return str(get_locale() or "ko")


def _plan_or_404(year: int) -> services.YearPlan:
    return services.year_plan(year) or abort(404)


@bp.get("/plan")
@bp.get("/plan/<int:year>")
@role_required(*STAFF)
def index(year: int | None = None):
    year = year or current_plan_year()
    plan = services.year_plan(year)
    programmes, budget = (plan.programmes, plan.budget) if plan else ([], [])
    totals = {k: sum(getattr(b, k) for b in budget) for k in ("budget", "committed", "spent")}
    return render_template("plan/index.html", year=year, programmes=programmes, budget=budget, totals=totals,
                           state=plan.state if plan else "open")


@bp.get("/plan/<int:year>/edit")
@role_required(*MANAGERS)
def edit(year: int):
    """The managers' page of a year: targets and budget lines with links to change them, the trail of
    changes, and (for a draft) the button that opens the year."""
    plan = _plan_or_404(year)
    return render_template("plan/edit.html", plan=plan, open_form=OpenYearForm(), fields=FIELD_LABELS)


@bp.post("/plan/<int:year>/open")
@role_required(*MANAGERS)
def open_year(year: int):
    _plan_or_404(year)
    form_action(OpenYearForm(), lambda: services.open_year(year, user=current_user), show="flash",
                done=_("The year is open: its plan is the one the pages count against."))
    return redirect(url_for("plan.edit", year=year))


@bp.route("/plan/<int:year>/targets/<int:target_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_target(year: int, target_id: int):
    target = services.get_target(year, target_id) or abort(404)
    form = TargetForm(data={"target_value": services.number_text(target.target),
                            "last_year": services.number_text(target.last_year)})
    done = form_action(form, lambda: services.edit_target(target, target_value=form.target_value.data,
                                                          last_year=form.last_year.data, reason=form.reason.data,
                                                          user=current_user), done=_("Saved."))
    if done is not REFUSED:
        return redirect(url_for("plan.edit", year=year))
    return render_template("plan/target.html", form=form, target=target, year=year,
                           is_open=services.is_open(year)), 422 if request.method == "POST" else 200


def _line_form(year: int, **data) -> BudgetLineForm:
    plan = _plan_or_404(year)
    form = BudgetLineForm(data=data)
    form.programme.choices = [(0, _("None (the foundation as a whole)"))] + [
        (p.id, f"{p.code or ''} {p.name(_locale())}".strip()) for p in plan.programmes]
    return form


@bp.route("/plan/<int:year>/budget/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new_line(year: int):
    form = _line_form(year)
    done = form_action(form, lambda: services.add_line(year, name_ko=form.name_ko.data, name_en=form.name_en.data,
                                                       budget=form.budget.data, programme_id=form.programme.data,
                                                       reason=form.reason.data, user=current_user),
                       done=_("The budget line is added."))
    if done is not REFUSED:
        return redirect(url_for("plan.edit", year=year))
    return render_template("plan/line.html", form=form, line=None, year=year, is_open=services.is_open(year),
                           remove_form=None), 422 if request.method == "POST" else 200


@bp.route("/plan/<int:year>/budget/<int:line_id>", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_line(year: int, line_id: int):
    line = services.get_line(year, line_id) or abort(404)
    form = _line_form(year, programme=line.programme_id or 0, name_ko=line.name_ko, name_en=line.name_en,
                      budget=str(line.budget))
    done = form_action(form, lambda: services.edit_line(line, name_ko=form.name_ko.data, name_en=form.name_en.data,
                                                        budget=form.budget.data, reason=form.reason.data,
                                                        user=current_user), done=_("Saved."))
    if done is not REFUSED:
        return redirect(url_for("plan.edit", year=year))
    is_open = services.is_open(year)
    return render_template("plan/line.html", form=form, line=line, year=year, is_open=is_open,
                           remove_form=None if is_open else RemoveLineForm(formdata=None, prefix="remove")), \
        422 if request.method == "POST" else 200


@bp.post("/plan/<int:year>/budget/<int:line_id>/remove")
@role_required(*MANAGERS)
def remove_line(year: int, line_id: int):
    line = services.get_line(year, line_id) or abort(404)
    form = RemoveLineForm(prefix="remove")
    done = form_action(form, lambda: services.remove_line(line, reason=form.reason.data, user=current_user),
                       show="flash", done=_("The budget line is removed."))
    if done is REFUSED:
        return redirect(url_for("plan.edit_line", year=year, line_id=line_id))
    return redirect(url_for("plan.edit", year=year))

