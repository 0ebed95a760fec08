"""The request form (no login) and the staff's pages: the list, a visit with confirm/decline and
its visitors by country."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ...accounts.roles import STAFF, role_required
from ...core.forms import REFUSED, form_action
from ...core.timeutil import seoul_today
from ...events.countries import country_name
from ...extensions import db
from ...kpi.services import request_rollup
from ...people.consent import NOTICES
from . import services
from .forms import LANGUAGE_LABELS, VisitorsForm, VisitRequestForm
from .models import CenterVisit

bp = Blueprint("center", __name__, url_prefix="/center", template_folder="templates")


@bp.route("/request", methods=["GET", "POST"])
def request_form():
    """A group asks for a visit (staff use the same form for requests that come by phone)."""
    form = VisitRequestForm()
    form.fill_choices()
    visit = form_action(form, lambda: services.request_visit(
        group_name=form.group_name.data, origin=form.origin.data, day=form.day.data,
        group_size=form.group_size.data, language=form.language.data, countries=form.countries,
        contact_name=form.contact_name.data, contact_phone=form.contact_phone.data,
        contact_email=form.contact_email.data, consent=form.consent_collection.data, note=form.note.data,
        recorded_by=current_user if current_user.is_authenticated else None),
        done=_("Thank you. We received your request and will answer soon."))
    if visit is not REFUSED:
        return redirect(url_for("center.request_form"))
    status = 422 if request.method == "POST" else 200
    return render_template("center/request.html", form=form, notices=NOTICES,
                           min_day=seoul_today().isoformat()), status


@bp.get("/visits")
@role_required(*STAFF)
def visits():
    return render_template("center/visits.html", visits=services.visits(), languages=LANGUAGE_LABELS,
                           country_name=country_name)


def _visit(visit_id: int) -> CenterVisit:
    visit = db.session.get(CenterVisit, visit_id)
    if visit is None:
        abort(404)
    return visit


@bp.route("/visits/<int:visit_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def visit(visit_id: int):
    """A visit; POST records who came, by country."""
    visit = _visit(visit_id)
    form = VisitorsForm()
    if request.method == "GET":
        existing = [(c.country, c.count) for c in visit.counts] or [(c, None) for c in visit.countries]
        for row, (country, count) in zip(form.rows, existing):
            row.country.data, row.count.data = country, count
    form.fill_choices()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                services.record_visitors(visit, {r.country.data: r.count.data or 0 for r in form.rows
                                                 if r.country.data or r.count.data})
                db.session.commit()
                request_rollup()
                flash(_("The visitors are recorded."), "success")
                return redirect(url_for("center.visit", visit_id=visit.id))
            except services.InvalidVisit as exc:
                db.session.rollback()
                flash(str(exc.errors["counts"]), "error")
        status = 422
    return render_template("center/visit.html", visit=visit, form=form, languages=LANGUAGE_LABELS,
                           country_name=country_name, today=seoul_today()), status


@bp.post("/visits/<int:visit_id>/confirm")
@role_required(*STAFF)
def confirm(visit_id: int):
    return _decide(visit_id, "confirm")


@bp.post("/visits/<int:visit_id>/decline")
@role_required(*STAFF)
def decline(visit_id: int):
    return _decide(visit_id, "decline")


def _decide(visit_id: int, decision: str):
    _visit(visit_id)
    try:
        services.decide(visit_id, confirm=decision == "confirm", user=current_user)
        db.session.commit()
        flash(_("The visit is confirmed.") if decision == "confirm" else _("The request is declined."), "success")
    except services.AlreadyDecided:
        db.session.rollback()
        flash(_("Someone has already answered this request."), "error")
    return redirect(url_for("center.visit", visit_id=visit_id))
