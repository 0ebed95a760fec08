from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, or_, select

from ..accounts.roles import STAFF, role_required
from ..core.security import private_page
from ..extensions import db
from .consent import COLLECTION, NOTICES, SMS_REMINDERS
from .forms import PersonForm
from .models import Consent, Person
from .services import find_or_create_person, record_consent

bp = Blueprint("people", __name__, template_folder="templates")

PAGE = 50


@bp.get("/privacy")
def privacy():
    return render_template("people/privacy.html", notices=NOTICES.values())


@bp.get("/people")
@role_required(*STAFF)
def index():
    q = (request.args.get("q") or "").strip()
    page = max(request.args.get("page", 1, type=int), 1)
    stmt = select(Person).order_by(Person.id.desc())
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        conditions = [Person.name.contains(q)]
        if len(digits) >= 4:
            conditions.append(Person.phone.endswith(digits[-4:]))
        stmt = stmt.where(or_(*conditions))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    people = db.session.scalars(stmt.limit(PAGE).offset((page - 1) * PAGE)).all()
    return render_template("people/index.html", people=people, q=q, page=page, total=total, per_page=PAGE)


@bp.route("/people/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    """Staff register a citizen who called by phone, reading the consent notice to them."""
    form = PersonForm()
    if form.validate_on_submit():
        person = find_or_create_person(form.name.data, form.phone.data, birth_year=form.birth_year.data,
                                       district=form.district.data or None)
        record_consent(person, COLLECTION, True, source="staff", recorded_by=current_user)
        record_consent(person, SMS_REMINDERS, bool(form.consent_sms.data), source="staff",
                       recorded_by=current_user)
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("people.show", person_id=person.id))
    status = 422 if request.method == "POST" else 200
    return render_template("people/new.html", form=form, notices=NOTICES), status


@bp.get("/people/<int:person_id>")
@role_required(*STAFF)
def show(person_id: int):
    person = db.session.get(Person, person_id) or abort(404)
    consents = db.session.scalars(select(Consent).where(Consent.person_id == person.id)
                                  .order_by(Consent.recorded_at.desc())).all()
    return render_template("people/show.html", person=person, consents=consents)


# --- Withdrawing consent, stopping texts --------------------------------------------------------

@bp.route("/stop/<code>", methods=["GET", "POST"])
@private_page
def stop(code: str):
    """The link in every text: stop reminder texts, or withdraw every consent. Asks before acting."""
    from .stop import granted_purposes, person_for_stop, stop_texts, withdraw_all

    person = person_for_stop(code) or abort(404)
    done = None
    if request.method == "POST":
        what = request.form.get("what")
        if what == "texts":
            stop_texts(person, source="stop-link")
            done = _("You will receive no more reminder texts.")
        elif what == "all":
            withdraw_all(person, source="stop-link")
            done = _("Your consents are withdrawn. You will receive no more reminder texts.")
        else:
            abort(422)
        db.session.commit()
    return render_template("people/stop.html", done=done, granted=granted_purposes(person)), 200


@bp.post("/people/<int:person_id>/stop")
@role_required(*STAFF)
def staff_stop(person_id: int):
    """Staff do it for a caller: stop texts, or withdraw every consent."""
    from .stop import stop_texts, withdraw_all

    person = db.session.get(Person, person_id) or abort(404)
    what = request.form.get("what")
    if what == "texts":
        stop_texts(person, source="staff", recorded_by=current_user)
        flash(_("Reminder texts are stopped for this person."), "success")
    elif what == "all":
        withdraw_all(person, source="staff", recorded_by=current_user)
        flash(_("Every consent of this person is withdrawn."), "success")
    else:
        abort(422)
    db.session.commit()
    return redirect(url_for("people.show", person_id=person.id))
