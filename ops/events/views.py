"""Events HTML: the public registration and ticket pages, and the staff pages."""
from __future__ import annotations


from flask import (Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, session,
                   url_for)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from sqlalchemy import func, select

from ..accounts.roles import STAFF, Role, role_required
from ..core.forms import REFUSED, form_action
from ..core.timeutil import seoul_to_utc, to_seoul, utcnow
from ..core import export as exports
from ..core.security import private_page
from ..core.views import already_registered_page
from ..extensions import db
from ..people.consent import NOTICES
from . import services
from .countries import country_name
from .forms import CapacityForm, EventForm, RegistrationForm, SessionForm, TicketTypeForm, WalkInForm
from .models import Event, Registration, TicketType
from .offline import gate_conflicts

bp = Blueprint("events", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/events")

PAGE = 50


def _locale() -> str:
    return str(get_locale() or "ko")


def _event_or_404(slug: str) -> Event:
    return services.event_by_slug(slug) or abort(404)


@bp.app_context_processor
def events_helpers():
    return {"country_name": country_name, "status_label": services.status_label, "history_label": history_label}


def history_label(what: str) -> str:
    return {"offered": _("A place was offered"), "accepted": _("The offer was accepted"),
            "declined": _("The offer was declined"),
            "expired": _("The offer expired and went to the next in line")}.get(what, what)


# --- Public -------------------------------------------------------------------------------------

@bp.get("/events")
def index():
    events = db.session.scalars(select(Event).order_by(Event.first_day.desc())).all()
    return render_template("events/index.html", events=events, state=services.registration_state)


# The empty registration form page as visitors who are not logged in see it, kept rendered by
# (slug, language, path): (the event copy it was rendered from, the page cut where the token goes).
_PAGES: dict[tuple, tuple[Event, list[str]]] = {}
_TOKEN_MARK = "\x00csrf-token\x00"  # never in a page otherwise (NUL is refused in every input)


def _kept_form_page(copy: Event, locale: str) -> str | None:
    """The registration form page for a visitor who is not logged in and has no message waiting:
    the page is then the same for everyone but the CSRF token, so it is rendered once with a marker
    where the token goes and kept; each visitor's own token is put in its place.

    ``copy`` is the event as the registration cache holds it (services.trusted_event): the page is
    kept as long as the cache holds that same object, at most OPS_EVENT_CACHE_SECONDS, and a change
    to the event, its ticket types or sessions made in this process ends it at once.
    Measured in-process (issue 19: 400 visitors, before/after alternating twice, load average 7-10),
    the form page's CPU: 4.0 and 4.4 ms when only the form's fields were kept, 2.8 and 1.9 ms now.
    """
    if current_user.is_authenticated or session.get("_flashes"):
        return None
    key = (copy.slug, locale, request.full_path)
    kept = _PAGES.get(key)
    if kept is None or kept[0] is not copy:
        g.csrf_token = _TOKEN_MARK  # Flask-WTF's token of this request, wherever the page shows it
        try:
            form = RegistrationForm(formdata=None).setup(copy, locale)
            page = render_template("events/register.html", event=copy, form=form, state="open", locale=locale,
                                   notices=NOTICES)
        finally:
            g.pop("csrf_token")
        if len(_PAGES) >= 64:  # a few events open at once, in two languages: room enough, and bounded
            _PAGES.clear()
        kept = _PAGES[key] = (copy, page.split(_TOKEN_MARK))
    return generate_csrf().join(kept[1])


@bp.route("/e/<slug>", methods=["GET", "POST"])
def register(slug: str):
    """The public registration form (mobile first, Korean and English)."""
    if request.method == "GET":
        # The kept page needs only the cache's copy of the event: nothing merged into the session.
        copy = services.trusted_event(slug)
        if copy is not None and services.registration_state(copy) == "open":
            page = _kept_form_page(copy, _locale())
            if page is not None:
                return page
    # The event as the registration API reads it: kept a few seconds (OPS_EVENT_CACHE_SECONDS).
    event = services.registration_event(slug) or abort(404)
    locale = _locale()
    state = services.registration_state(event)
    form = RegistrationForm().setup(event, locale)
    status = 200
    if state == "open" and form.validate_on_submit():
        try:
            registered = services.register(event, locale=locale, **form.service_fields())
        except services.InvalidRegistration as exc:
            db.session.rollback()
            for name, message in exc.errors.items():
                getattr(form, name).errors.append(message)
        except services.SoldOut:
            db.session.rollback()
            form.ticket_type.errors.append(_("This ticket type is sold out. Please choose another."))
        except services.RegistrationClosed:
            db.session.rollback()
            state = "closed"
        else:
            if not registered.created:
                registration = registered.registration
                sent = services.send_ticket_again(registration)
                db.session.commit()
                return already_registered_page(heading=event.title(locale), masked_phone=registration.masked_phone,
                                               sent=sent, back_url=url_for("events.register", slug=event.slug))
            ticket = url_for("events.ticket", code=registered.registration.code)
            db.session.commit()  # after reading the code, so that it needs no reload (as the API)
            return redirect(ticket)
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("events/register.html", event=event, form=form, state=state, locale=locale,
                           notices=NOTICES), status


@bp.get("/t/<code>")
@private_page
def ticket(code: str):
    """The ticket: QR, event, days, how to get there; prints on one page."""
    registration = services.ticket_by_code(code) or abort(404)
    position = None
    if registration.status == services.WAITLISTED:
        from ..passes.capacity import waitlist_position

        position = waitlist_position(Registration, Registration.ticket_type_id, registration)
    return render_template("events/ticket.html", r=registration, event=registration.event, locale=_locale(),
                           position=position, history=services.registration_history([registration.id]).get(
                               registration.id, []))


@bp.route("/t/<code>/accept", methods=["GET", "POST"])
@private_page
def accept(code: str):
    """The link in the offer's text message: the seat offered, and a button to accept it in time."""
    registration = services.registration_by_code(code) or abort(404)
    if request.method == "POST":
        try:
            services.accept_offer(registration.id)
        except services.OfferGone:
            db.session.rollback()
            if registration.status == services.CONFIRMED:
                flash(_("Your place is confirmed."), "success")
            else:
                flash(_("Sorry, this offer is no longer open: it expired, and the seat goes to the next person "
                        "in line."), "error")
        else:
            db.session.commit()
            flash(_("Your place is confirmed."), "success")
        return redirect(url_for("events.ticket", code=registration.code))
    return render_template("events/accept.html", r=registration, event=registration.event, locale=_locale(),
                           offer_open=services.offer_open(registration))


@bp.route("/t/<code>/cancel", methods=["GET", "POST"])
@private_page
def cancel(code: str):
    registration = services.registration_by_code(code) or abort(404)
    if request.method == "POST":
        try:
            services.cancel_registration(registration)
        except services.AlreadyCancelled:
            db.session.rollback()
        else:
            db.session.commit()
            flash(_("Your registration is cancelled. Thank you for letting us know."), "success")
        return redirect(url_for("events.ticket", code=registration.code))
    return render_template("events/cancel.html", r=registration, event=registration.event, locale=_locale())


# --- Staff ---------------------------------------------------------------------------------------

@bp.get("/events/manage")
@role_required(*STAFF)
def manage():
    events = db.session.scalars(select(Event).order_by(Event.first_day.desc())).all()
    counts = dict(db.session.execute(
        select(Registration.event_id, func.count()).where(Registration.status != services.CANCELLED)
        .group_by(Registration.event_id)).all())
    return render_template("events/manage.html", events=events, counts=counts)


def _programme_choices():
    from ..plan.models import Programme

    rows = db.session.execute(select(Programme.key, func.min(Programme.name_ko)).group_by(Programme.key)
                              .order_by(Programme.key)).all()
    return [("", "-")] + [(key, f"{name} ({key})") for key, name in rows]


def _event_fields(form: EventForm) -> dict:
    days = services.next_days(form.first_day.data, (form.last_day.data - form.first_day.data).days + 1)
    opens = form.registration_opens_at.data
    closes = form.registration_closes_at.data
    return dict(title_ko=form.title_ko.data, title_en=form.title_en.data or "", programme=form.programme.data or None,
                venue_ko=form.venue_ko.data or "", venue_en=form.venue_en.data or "", address=form.address.data or "",
                directions_ko=form.directions_ko.data or "", directions_en=form.directions_en.data or "",
                registration_opens_at=seoul_to_utc(opens) if opens else None,
                registration_closes_at=seoul_to_utc(closes) if closes else None, days=days,
                offer_hours=form.offer_hours.data)


@bp.route("/events/manage/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    form = EventForm()
    form.programme.choices = _programme_choices()
    if form.validate_on_submit():
        try:
            event = services.create_event(slug=form.slug.data, **_event_fields(form))
        except services.InvalidEvent as exc:
            db.session.rollback()
            for name, message in exc.errors.items():
                getattr(form, name).errors.append(message)
        else:
            db.session.commit()
            flash(_("Event created. Now add its ticket types."), "success")
            return redirect(url_for("events.edit", slug=event.slug))
    status = 422 if request.method == "POST" else 200
    return render_template("events/edit.html", form=form, event=None), status


@bp.route("/events/manage/<slug>/edit", methods=["GET", "POST"])
@role_required(*STAFF)
def edit(slug: str):
    event = _event_or_404(slug)
    form = EventForm(obj=event)
    form.programme.choices = _programme_choices()
    if request.method == "GET":
        form.registration_opens_at.data = _local(event.registration_opens_at)
        form.registration_closes_at.data = _local(event.registration_closes_at)
    form.slug.data = event.slug  # the address is fixed once tickets carry it
    if form.validate_on_submit():
        services.update_event(event, **_event_fields(form))
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("events.edit", slug=event.slug))
    status = 422 if request.method == "POST" else 200
    return render_template("events/edit.html", form=form, event=event, type_form=TicketTypeForm(formdata=None),
                           session_form=SessionForm(formdata=None)), status


def _local(value):
    local = to_seoul(value)
    return local.replace(tzinfo=None) if local else None


def _staff_change(event: Event, form, change):
    """A small staff form through the form-action helper; ``change`` returns the success message."""
    message = form_action(form, change, refused=services.InvalidEvent, show="flash")
    if message is not REFUSED:
        flash(message, "success")
    return redirect(url_for("events.edit", slug=event.slug))


@bp.post("/events/manage/<slug>/ticket-types")
@role_required(*STAFF)
def add_ticket_type(slug: str):
    event = _event_or_404(slug)
    form = TicketTypeForm()

    def change():
        services.add_ticket_type(event, name=form.name.data, capacity=form.capacity.data, waitlist=form.waitlist.data,
                                 label_ko=form.label_ko.data, label_en=form.label_en.data, public=form.public.data)
        return _("Ticket type added.")

    return _staff_change(event, form, change)


@bp.post("/events/manage/<slug>/ticket-types/<int:type_id>")
@role_required(*STAFF)
def change_ticket_type(slug: str, type_id: int):
    event = _event_or_404(slug)
    ticket_type = db.session.get(TicketType, type_id)
    if ticket_type is None or ticket_type.event_id != event.id:
        abort(404)
    form = CapacityForm()

    def change():
        # A label left out of the form stays; one sent empty falls back to the name.
        labels = {name: (getattr(form, name).data or "") for name in ("label_ko", "label_en") if name in request.form}
        promoted = services.change_ticket_type(ticket_type, capacity=form.capacity.data, waitlist=form.waitlist.data,
                                               **labels)
        return _("Saved. %(n)s people moved up from the waiting list.", n=len(promoted))

    return _staff_change(event, form, change)


@bp.post("/events/manage/<slug>/sessions")
@role_required(*STAFF)
def add_session(slug: str):
    event = _event_or_404(slug)
    form = SessionForm()

    def change():
        services.add_session(event, title_ko=form.title_ko.data, title_en=form.title_en.data, day=form.day.data,
                             starts_at=form.starts_at.data, room=form.room.data, capacity=form.capacity.data)
        return _("Conference added.")

    return _staff_change(event, form, change)


@bp.get("/events/manage/<slug>")
@role_required(*STAFF)
def live(slug: str):
    """Live numbers for staff and managers; ops.js fetches the page again every 30 s into its
    live region (no meta refresh), and the refresh button works without JavaScript."""
    event = _event_or_404(slug)
    numbers = services.live_numbers(event, request.args.get("day") or None)
    return render_template("events/live.html", event=event, n=numbers, conflicts=gate_conflicts(event),
                           locale=_locale(), updated=to_seoul(utcnow()))


@bp.get("/events/manage/<slug>/registrations")
@role_required(*STAFF)
def registrations(slug: str):
    event = _event_or_404(slug)
    q = (request.args.get("q") or "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    if q:
        rows, total = services.search_registrations(event, q, limit=PAGE), None
    else:
        from sqlalchemy.orm import selectinload

        stmt = select(Registration).where(Registration.event_id == event.id)
        total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
        rows = db.session.scalars(stmt.options(selectinload(Registration.ticket_type), selectinload(Registration.person))
                                  .order_by(Registration.id.desc()).limit(PAGE).offset((page - 1) * PAGE)).all()
    return render_template("events/registrations.html", event=event, rows=rows, q=q, page=page, total=total,
                           per_page=PAGE, badge_sizes=BADGE_SIZES, locale=_locale(),
                           history=services.registration_history(r.id for r in rows))


@bp.post("/events/manage/<slug>/registrations/<int:reg_id>/cancel")
@role_required(*STAFF)
def staff_cancel(slug: str, reg_id: int):
    event = _event_or_404(slug)
    registration = db.session.get(Registration, reg_id)
    if registration is None or registration.event_id != event.id:
        abort(404)
    try:
        promoted = services.cancel_registration(registration)
    except services.AlreadyCancelled:
        db.session.rollback()
        flash(_("This registration was already cancelled."), "info")
    else:
        db.session.commit()
        offered = [r for r in promoted if r.status == services.OFFERED]
        if offered:
            flash(_("Cancelled. The seat is offered to the next in line until %(until)s.",
                    until=to_seoul(offered[0].offer_expires_at).strftime("%m-%d %H:%M")), "success")
        else:
            flash(_("Cancelled. %(n)s people moved up from the waiting list.", n=len(promoted)), "success")
    return redirect(url_for("events.registrations", slug=event.slug))


@bp.route("/events/manage/<slug>/walk-in", methods=["GET", "POST"])
@role_required(*STAFF)
def walk_in(slug: str):
    """Register a visitor at the door and check them in at once."""
    event = _event_or_404(slug)
    locale = _locale()
    form = WalkInForm().setup(event, locale)
    gate = (request.values.get("gate") or "").strip()[:60] or _("Walk-in desk")
    outcome = None
    status = 200
    if form.validate_on_submit():
        try:
            _registered, outcome = services.walk_in(event, gate=gate, by_user=current_user._get_current_object(),
                                                    locale=locale, **form.service_fields())
        except services.InvalidRegistration as exc:
            db.session.rollback()
            for name, message in exc.errors.items():
                getattr(form, name).errors.append(message)
            status = 422
        except services.SoldOut:
            db.session.rollback()
            form.ticket_type.errors.append(_("This ticket type is sold out. Please choose another."))
            status = 422
        else:
            db.session.commit()
            if outcome.result == "ok":
                form = WalkInForm(formdata=None).setup(event, locale)  # ready for the next visitor
    elif request.method == "POST":
        status = 422
    return render_template("events/walk_in.html", event=event, form=form, outcome=outcome, gate=gate,
                           notices=NOTICES, locale=locale), status


BADGE_SIZES = {"a6": _l("A6 (105 × 148 mm)"), "label": _l("Label (4 × 3 in, 102 × 76 mm)")}


@bp.get("/events/manage/<slug>/badges")
@role_required(*STAFF)
def badges(slug: str):
    """Choose badges to print: a ticket type, or registration numbers; A6 or a 4 × 3 in label."""
    event = _event_or_404(slug)
    return render_template("events/badges.html", event=event, sizes=BADGE_SIZES, locale=_locale())


@bp.get("/events/manage/<slug>/badges.pdf")
@role_required(*STAFF)
def badges_pdf(slug: str):
    """The chosen badges as one PDF (one badge a page); each badge printed is recorded."""
    from ..core.pdffonts import FontMissing
    from .badges import badge_registrations, record_prints
    from .badges import badges_pdf as render_badges

    event = _event_or_404(slug)
    size = request.args.get("size", "a6")
    if size not in BADGE_SIZES:
        size = "a6"
    raw_ids = " ".join(request.args.getlist("ids")).replace(",", " ").split()  # a list field, or ticked rows
    ids = [int(i) for i in raw_ids if i.isdigit()]
    chosen = badge_registrations(event, ticket_type=request.args.get("type") or None, ids=ids)
    if not chosen:
        flash(_("No confirmed registration matches: choose a ticket type or registration numbers."), "error")
        return redirect(url_for("events.badges", slug=slug))
    try:
        body = render_badges(event, chosen, size)
    except FontMissing as exc:
        current_app.logger.error("badges: %s", exc)
        abort(503, description=_("The badge font is not installed on the server."))
    record_prints(chosen, user=current_user, size=size)
    db.session.commit()
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{event.slug}-badges-{size}.pdf"'
    return response


@bp.get("/events/manage/<slug>/export.<fmt>")
@role_required(*STAFF)
def export(slug: str, fmt: str):
    """Attendee list as CSV or XLSX; full phone numbers only for an admin who asks. Every export is audited."""
    event = _event_or_404(slug)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    full = request.args.get("phones") == "full"
    if full and current_user.role != Role.ADMIN:
        abort(403)
    rows = services.export_rows(event, full_phones=full)
    services.audit_export(event, user=current_user, fmt=fmt, full_phones=full, rows=len(rows))
    db.session.commit()
    stamp = to_seoul(utcnow()).strftime("%Y%m%d-%H%M")
    filename = f"{event.slug}-attendees-{stamp}.{fmt}"
    if fmt == "csv":
        body = exports.csv_text(services.EXPORT_COLUMNS, rows)
    else:
        body = exports.workbook([exports.Sheet(event.slug, list(services.EXPORT_COLUMNS), rows, freeze=False,
                                             bold_header=False)])
    return exports.download(body, filename)
