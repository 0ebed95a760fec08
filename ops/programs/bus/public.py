"""Pages without login: the request form, an institution's own requests (signed link),
the answer to a proposal (signed link), free slots, and the survey behind a card's QR."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ...core.forms import REFUSED, form_action
from ...core.timeutil import seoul_today
from ...extensions import db
from ...kpi.services import request_rollup
from ...people.consent import NOTICES
from . import services
from .forms import LinkedRequestForm, PublicRequestForm, SurveyForm
from .models import BusVisit
from .views import calendar_context

bp = Blueprint("bus_public", __name__, url_prefix="/bus", template_folder="templates")


def _institution(token: str):
    try:
        return services.institution_from_token(token)
    except services.BadLink:
        abort(404)


def _submit(form, institution_for, contact_for):
    """Run the request service for the form (validated here); errors go back onto the form."""
    def request_visit():
        institution = institution_for()
        return services.request_visit(institution, slot_id=form.slot.data, day=form.day.data,
                                      programme_id=form.programme.data,
                                      expected_participants=form.expected_participants.data,
                                      contact=contact_for(institution), note=form.note.data)

    return form_action(form, request_visit)


@bp.route("/request", methods=["GET", "POST"])
def request_form():
    """An institution's contact asks for a visit."""
    form = PublicRequestForm()
    contact = {}

    def institution_for():
        contact["person"] = services.add_contact(form.contact_name.data, form.contact_phone.data,
                                                 consent=form.consent_collection.data,
                                                 sms_consent=form.consent_sms.data)
        return services.find_or_add_institution(form.institution_name.data, form.institution_kind.data,
                                                form.district.data, contact=contact["person"])

    visit = _submit(form, institution_for, lambda institution: contact["person"])
    if visit is not REFUSED and services.speaks_for_institution(visit):
        flash(_("Thank you. We received your request and will answer by text message. "
                "Keep this page's address to follow your requests."), "success")
        return redirect(url_for("bus_public.institution", token=services.institution_token(visit.institution)))
    if visit is not REFUSED:  # someone other than the registered contact: no access to the institution's page
        flash(_("Thank you. We received your request and will answer by text message."), "success")
        return redirect(url_for("bus_public.free_slots"))
    status = 422 if request.method == "POST" else 200
    return render_template("bus/request.html", form=form, notices=NOTICES, institution=None), status


@bp.get("/i/<token>")
def institution(token: str):
    """An institution's own requests, through its signed link."""
    institution = _institution(token)
    visits = db.session.scalars(select(BusVisit).where(BusVisit.institution_id == institution.id)
                                .options(selectinload(BusVisit.slot), selectinload(BusVisit.programme),
                                         selectinload(BusVisit.proposed_slot))
                                .order_by(BusVisit.day.desc())).all()
    proposals = {v.id: services.proposal_token(v) for v in visits if v.status == services.PROPOSED}
    return render_template("bus/institution_public.html", institution=institution, visits=visits, token=token,
                           proposals=proposals, labels=services.STATUS_LABELS, locale=str(get_locale() or "ko"))


@bp.route("/i/<token>/request", methods=["GET", "POST"])
def institution_request(token: str):
    institution = _institution(token)
    form = LinkedRequestForm()
    if _submit(form, lambda: institution, lambda inst: inst.contact) is not REFUSED:
        flash(_("Thank you. We received your request and will answer by text message."), "success")
        return redirect(url_for("bus_public.institution", token=token))
    status = 422 if request.method == "POST" else 200
    return render_template("bus/request.html", form=form, notices=NOTICES, institution=institution), status


@bp.route("/p/<token>", methods=["GET", "POST"])
def proposal(token: str):
    """The contact accepts or refuses another date staff proposed."""
    try:
        visit, round_ = services.read_proposal_token(token)
    except services.BadLink:
        abort(404)
    current = visit.status == services.PROPOSED and visit.proposal_round == round_
    if request.method == "POST" and current:
        accept = request.form.get("answer") == "accept"
        try:
            services.answer_proposal(visit, round_, accept=accept)
        except services.BusError as exc:
            db.session.rollback()
            flash(str(exc.message), "error")
        else:
            db.session.commit()
            flash(_("Thank you. The visit is confirmed.") if accept
                  else _("Thank you. We will contact you about another date."), "success")
        return redirect(url_for("bus_public.institution", token=services.institution_token(visit.institution)))
    return render_template("bus/proposal.html", visit=visit, current=current, locale=str(get_locale() or "ko")), \
        200 if current or request.method == "GET" else 409


@bp.get("/free")
def free_slots():
    """The month's free slots, without who booked the others."""
    context = calendar_context(request.args.get("bus", type=int), request.args.get("month"))
    if context is None:
        abort(404)
    return render_template("bus/calendar.html", public=True, **context)


@bp.route("/s/<code>", methods=["GET", "POST"])
def survey(code: str):
    """The satisfaction survey behind a card's QR: no login, one answer per card."""
    try:
        card = services.find_card(code)
    except services.UnknownCard as exc:
        return render_template("bus/survey_message.html", kind="bad", message=exc.message), 404
    visit = db.session.get(BusVisit, card.visit_id)
    if services.card_answered(card):
        return render_template("bus/survey_message.html", kind="ok", message=services.AlreadyAnswered.message)
    if not services.survey_open(visit, seoul_today()):
        return render_template("bus/survey_message.html", kind="warn", message=services.SurveyClosed.message), 409
    form = SurveyForm()
    if form.validate_on_submit():
        try:
            services.answer_survey(code, score=form.score.data, comment=form.comment.data)
        except services.AlreadyAnswered as exc:
            db.session.rollback()
            return render_template("bus/survey_message.html", kind="ok", message=exc.message)
        except services.BusError as exc:
            db.session.rollback()
            return render_template("bus/survey_message.html", kind="bad", message=exc.message), 409
        db.session.commit()
        request_rollup()
        return render_template("bus/survey_message.html", kind="ok",
                               message=_("Thank you for your answer!"))
    status = 422 if request.method == "POST" else 200
    return render_template("bus/survey.html", form=form, visit=visit, card=card), status
