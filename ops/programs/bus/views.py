"""Staff pages of the bus: requests and decisions, institutions, the day's records, calendar, counts."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy import case, func, select
from sqlalchemy.orm import selectinload

from ...accounts.roles import STAFF, role_required
from ...core.forms import REFUSED, form_action
from ...core.timeutil import seoul_today
from ...extensions import db
from ...kpi.services import request_rollup
from ...passes.qr import qr_svg
from . import reports, services
from .forms import (BlackoutForm, BusForm, CardsForm, ContactForm, CountsForm, InstitutionForm, ParticipantForm,
                    ProposeForm, ReasonForm, SeasonForm, StaffVisitForm)
from .models import AGE_BANDS, APPROVED, VISIT_STATES, Bus, BusSurveyAnswer, BusVisit, HostInstitution

bp = Blueprint("bus", __name__, url_prefix="/bus", template_folder="templates", static_folder="static",
               static_url_path="/static")

PAGE = 50


def _locale() -> str:
    return str(get_locale() or "ko")


def _visit_or_404(visit_id: int) -> BusVisit:
    return db.session.get(BusVisit, visit_id) or abort(404)


def _back(visit_id: int):
    return redirect(url_for("bus.visit", visit_id=visit_id))


def _act(form, action, done: str, back, moves_kpi: bool = False):
    """Run a staff action through the form-action helper and answer with ``back``.

    ``action(form)`` may return a warning (a str) to show beside the success message.
    """
    warning = form_action(form, lambda: action(form), refused=services.BusError, done=done, show="flash")
    if warning is not REFUSED:
        if moves_kpi:
            request_rollup()
        if isinstance(warning, str):
            flash(warning, "error")
    return back


@bp.get("/")
@role_required(*STAFF)
def index():
    """Requests by status, the undecided ones first."""
    status = request.args.get("status", "requested")
    if status not in VISIT_STATES:
        status = "requested"
    page = max(request.args.get("page", 1, type=int), 1)
    counts = dict(db.session.execute(select(BusVisit.status, func.count(BusVisit.id)).group_by(BusVisit.status)).all())
    today = seoul_today()
    if status == APPROVED:  # the coming runs first (soonest on top), then the past ones (latest on top)
        order = (case((BusVisit.day >= today, 0), else_=1), case((BusVisit.day >= today, BusVisit.day)),
                 BusVisit.day.desc())
    elif status in ("declined", "cancelled"):
        order = (BusVisit.day.desc(),)
    else:
        order = (BusVisit.day,)
    visits = db.session.scalars(
        select(BusVisit).where(BusVisit.status == status).order_by(*order, BusVisit.id)
        .options(selectinload(BusVisit.institution), selectinload(BusVisit.slot), selectinload(BusVisit.programme),
                 selectinload(BusVisit.contact))
        .limit(PAGE).offset((page - 1) * PAGE)).all()
    return render_template("bus/index.html", visits=visits, status=status, counts=counts, states=VISIT_STATES,
                           labels=services.STATUS_LABELS, page=page, per_page=PAGE, locale=_locale())


@bp.route("/visits/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_visit():
    """A request taken by phone."""
    form = StaffVisitForm()
    visit = form_action(form, lambda: services.request_visit(
        db.session.get(HostInstitution, form.institution.data), slot_id=form.slot.data, day=form.day.data,
        programme_id=form.programme.data, expected_participants=form.expected_participants.data,
        source="phone", note=form.note.data, by_user=current_user), done=_("The request is recorded."))
    if visit is not REFUSED:
        return _back(visit.id)
    status = 422 if request.method == "POST" else 200
    return render_template("bus/visit_new.html", form=form), status


@bp.get("/visits/<int:visit_id>")
@role_required(*STAFF)
def visit(visit_id: int):
    visit = _visit_or_404(visit_id)
    counts = {c.age_band: c.count for c in visit.counts}
    counts_form = CountsForm(formdata=None, data={f"band_{b}": counts.get(b, 0) for b in AGE_BANDS})
    cards = services.survey_cards(visit)
    answered = db.session.scalar(select(func.count(BusSurveyAnswer.id)).where(BusSurveyAnswer.visit_id == visit.id))
    mean, comments = services.survey_results(visit)
    return render_template("bus/visit.html", visit=visit, reason_form=ReasonForm(), propose_form=ProposeForm(),
                           counts_form=counts_form, participant_form=ParticipantForm(), cards_form=CardsForm(),
                           cards=cards, answered=answered, mean=mean, comments=comments,
                           total=services.participant_total(visit),
                           labels=services.STATUS_LABELS, bands=services.BAND_LABELS,
                           roles=services.ROLE_LABELS, today=seoul_today(), locale=_locale(),
                           institution_url=services.institution_url(visit.institution))


@bp.post("/visits/<int:visit_id>/approve")
@role_required(*STAFF)
def approve(visit_id: int):
    _visit_or_404(visit_id)
    return _act(FlaskForm(), lambda form: services.approve_visit(visit_id, by_user=current_user),
                _("Approved. The institution's contact is told by text message."), _back(visit_id))


@bp.post("/visits/<int:visit_id>/decline")
@role_required(*STAFF)
def decline(visit_id: int):
    _visit_or_404(visit_id)
    return _act(ReasonForm(),
                lambda form: services.decline_visit(visit_id, form.reason.data, by_user=current_user),
                _("Declined. The institution's contact is told why."), _back(visit_id))


@bp.post("/visits/<int:visit_id>/cancel")
@role_required(*STAFF)
def cancel(visit_id: int):
    _visit_or_404(visit_id)
    return _act(ReasonForm(),
                lambda form: services.cancel_visit(visit_id, form.reason.data, by_user=current_user),
                _("Cancelled. The slot is free again."), _back(visit_id))


@bp.post("/visits/<int:visit_id>/propose")
@role_required(*STAFF)
def propose(visit_id: int):
    _visit_or_404(visit_id)
    return _act(ProposeForm(),
                lambda form: services.propose_other_date(visit_id, day=form.day.data, slot_id=form.slot.data,
                                                         by_user=current_user),
                _("Proposal sent. The contact accepts or refuses it through the link in the message."),
                _back(visit_id))


@bp.post("/visits/<int:visit_id>/counts")
@role_required(*STAFF)
def counts(visit_id: int):
    visit = _visit_or_404(visit_id)
    return _act(CountsForm(),
                lambda form: services.record_counts(visit, {b: getattr(form, f"band_{b}").data or 0
                                                            for b in AGE_BANDS}, by_user=current_user),
                _("Participants recorded."), _back(visit_id), moves_kpi=True)


@bp.post("/visits/<int:visit_id>/participants")
@role_required(*STAFF)
def add_participant(visit_id: int):
    visit = _visit_or_404(visit_id)
    return _act(ParticipantForm(),
                lambda form: services.add_participant(visit, name=form.name.data, phone=form.phone.data,
                                                      birth_year=form.birth_year.data, role=form.role.data,
                                                      consent=form.consent_collection.data, by_user=current_user),
                _("Participant added."), _back(visit_id), moves_kpi=True)


@bp.post("/visits/<int:visit_id>/participants/<int:participant_id>/remove")
@role_required(*STAFF)
def remove_participant(visit_id: int, participant_id: int):
    visit = _visit_or_404(visit_id)
    services.remove_participant(visit, participant_id)
    db.session.commit()
    return _back(visit_id)


@bp.route("/visits/<int:visit_id>/cards", methods=["GET", "POST"])
@role_required(*STAFF)
def cards(visit_id: int):
    """Printable survey cards, one per participant (see services: why cards)."""
    visit = _visit_or_404(visit_id)
    form = CardsForm()
    if request.method == "POST":
        if form.validate_on_submit():
            services.issue_survey_cards(visit, form.count.data)
            db.session.commit()
        else:
            flash(_("Please enter a number from 1 to %(most)d.", most=services.MAX_RUN_PARTICIPANTS), "error")
        return redirect(url_for("bus.cards", visit_id=visit_id))
    cards = [(card, services.survey_url(card), Markup(qr_svg(services.survey_url(card))))
             for card in services.survey_cards(visit)]
    return render_template("bus/cards.html", visit=visit, cards=cards, locale=_locale())


# --- Institutions ---------------------------------------------------------------------------

@bp.get("/institutions")
@role_required(*STAFF)
def institutions():
    rows = db.session.scalars(select(HostInstitution).options(selectinload(HostInstitution.contact))
                              .order_by(HostInstitution.district, HostInstitution.name)).all()
    return render_template("bus/institutions.html", institutions=rows, kinds=services.KIND_LABELS)


@bp.route("/institutions/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_institution():
    from ...people.consent import NOTICES

    form = InstitutionForm()

    def add():
        contact = services.add_contact(form.contact_name.data, form.contact_phone.data,
                                       consent=form.consent_collection.data, sms_consent=form.consent_sms.data,
                                       source="staff", recorded_by=current_user)
        return services.find_or_add_institution(form.institution_name.data, form.institution_kind.data,
                                                form.district.data, contact=contact,
                                                address=form.address.data, is_hub=form.is_hub.data)

    institution = form_action(form, add, done=_("Saved."))
    if institution is not REFUSED:
        return redirect(url_for("bus.institution", institution_id=institution.id))
    status = 422 if request.method == "POST" else 200
    return render_template("bus/institution_new.html", form=form, notices=NOTICES), status


@bp.get("/institutions/<int:institution_id>")
@role_required(*STAFF)
def institution(institution_id: int):
    institution = db.session.get(HostInstitution, institution_id) or abort(404)
    visits = db.session.scalars(select(BusVisit).where(BusVisit.institution_id == institution.id)
                                .options(selectinload(BusVisit.slot), selectinload(BusVisit.programme))
                                .order_by(BusVisit.day.desc())).all()
    from ...people.consent import NOTICES

    return render_template("bus/institution.html", institution=institution, visits=visits,
                           link=services.institution_url(institution), kinds=services.KIND_LABELS,
                           labels=services.STATUS_LABELS, locale=_locale(), form=ContactForm(formdata=None),
                           notices=NOTICES)


@bp.post("/institutions/<int:institution_id>/contact")
@role_required(*STAFF)
def change_contact(institution_id: int):
    institution = db.session.get(HostInstitution, institution_id) or abort(404)

    def action(form):
        contact = services.add_contact(form.contact_name.data, form.contact_phone.data,
                                       consent=form.consent_collection.data, sms_consent=form.consent_sms.data,
                                       source="staff", recorded_by=current_user)
        services.change_contact(institution, contact)

    return _act(ContactForm(), action, _("Saved. The previous contact's link no longer works."),
                redirect(url_for("bus.institution", institution_id=institution_id)))


@bp.post("/institutions/<int:institution_id>/renew-link")
@role_required(*STAFF)
def renew_link(institution_id: int):
    institution = db.session.get(HostInstitution, institution_id) or abort(404)
    services.renew_institution_link(institution)
    db.session.commit()
    flash(_("A new link is made; the old one no longer works."), "success")
    return redirect(url_for("bus.institution", institution_id=institution_id))


# --- Buses: seats, seasons, days without runs ------------------------------------------------

def _bus_or_404(bus_id: int) -> Bus:
    return db.session.get(Bus, bus_id) or abort(404)


@bp.get("/buses")
@role_required(*STAFF)
def buses():
    rows = db.session.scalars(select(Bus).order_by(Bus.name).options(
        selectinload(Bus.seasons), selectinload(Bus.slots), selectinload(Bus.blackouts))).all()
    return render_template("bus/buses.html", buses=rows, blackout_form=BlackoutForm(), season_form=SeasonForm(),
                           bus_forms={b.id: BusForm(formdata=None, obj=b) for b in rows}, locale=_locale(),
                           today=seoul_today())


def _bus_action(bus_id: int, form, action, done: str):
    bus = _bus_or_404(bus_id)
    return _act(form, lambda form: action(bus, form), done, redirect(url_for("bus.buses")))


@bp.post("/buses/<int:bus_id>")
@role_required(*STAFF)
def update_bus(bus_id: int):
    return _bus_action(bus_id, BusForm(), lambda bus, form: services.update_bus(
        bus, seats=form.seats.data, weekends=form.weekends.data), _("Saved."))


@bp.post("/buses/<int:bus_id>/blackouts")
@role_required(*STAFF)
def add_blackout(bus_id: int):
    def action(bus, form):
        services.add_blackout(bus, form.day.data, form.reason.data)
        booked = services.approved_on(bus, form.day.data)
        if booked:
            return _("%(n)d approved visits are on that day: please contact them and cancel or move them.",
                     n=len(booked))
        return None

    return _bus_action(bus_id, BlackoutForm(), action, _("Saved."))


@bp.post("/buses/<int:bus_id>/blackouts/<int:blackout_id>/remove")
@role_required(*STAFF)
def remove_blackout(bus_id: int, blackout_id: int):
    return _bus_action(bus_id, FlaskForm(), lambda bus, form: services.remove_blackout(bus, blackout_id),
                       _("Saved."))


@bp.post("/buses/<int:bus_id>/seasons")
@role_required(*STAFF)
def add_season(bus_id: int):
    return _bus_action(bus_id, SeasonForm(), lambda bus, form: services.add_season(
        bus, form.starts.data, form.ends.data), _("Saved."))


# --- Calendar and counts ----------------------------------------------------------------------

def parse_month(value: str | None) -> tuple[int, int]:
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        date(year, month, 1)
        if not 2000 <= year <= 2100:  # the calendar's range (core.schemas.Day); 9999-12 has no next month
            raise ValueError(year)
        return year, month
    except ValueError:
        today = seoul_today()
        return today.year, today.month


def calendar_context(bus_id: int | None, month_arg: str | None) -> dict | None:
    buses = db.session.scalars(select(Bus).where(Bus.active).order_by(Bus.name)
                               .options(selectinload(Bus.seasons), selectinload(Bus.slots),
                                        selectinload(Bus.blackouts))).all()
    if not buses:
        return None
    bus = next((b for b in buses if b.id == bus_id), buses[0])
    year, month = parse_month(month_arg)
    prev_month = date(year - 1, 12, 1) if month == 1 else date(year, month - 1, 1)
    next_month = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    today = seoul_today()
    return {"buses": buses, "bus": bus, "year": year, "month": month,
            "weeks": reports.month_calendar(bus, year, month, today),
            "prev": f"{prev_month:%Y-%m}", "next": f"{next_month:%Y-%m}", "locale": _locale(), "today": today}


@bp.get("/calendar")
@role_required(*STAFF)
def calendar():
    context = calendar_context(request.args.get("bus", type=int), request.args.get("month"))
    if context is None:
        abort(404)
    return render_template("bus/calendar.html", public=False, **context)


def _year() -> int:
    year = request.args.get("year", type=int) or seoul_today().year
    return year if 2000 <= year <= 2100 else seoul_today().year


@bp.get("/report")
@role_required(*STAFF)
def report():
    year = _year()
    data = reports.summary(year, seoul_today())
    return render_template("bus/report.html", year=year, data=data, locale=_locale(),
                           district_label=reports.district_label, zones=reports.ZONES)


@bp.get("/report.xlsx")
@role_required(*STAFF)
def report_xlsx():
    year = _year()
    body = reports.export_xlsx(year, seoul_today(), _locale())
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="bus-{year}.xlsx"'})
