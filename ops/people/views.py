from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.roles import STAFF, role_required
from ..core.forms import REFUSED, form_action
from ..core.security import private_page
from ..extensions import db
from .consent import NOTICES
from .forms import PersonForm
from .models import Person
from .services import consent_history, register_by_phone, search_people

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
    people, total = search_people(q, page=page, per_page=PAGE)
    return render_template("people/index.html", people=people, q=q, page=page, total=total, per_page=PAGE)


@bp.route("/people/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new():
    """Staff register a citizen who called by phone, reading the consent notice to them."""
    form = PersonForm()
    person = form_action(form, lambda: register_by_phone(
        form.name.data, form.phone.data, birth_year=form.birth_year.data, district=form.district.data or None,
        sms_reminders=bool(form.consent_sms.data), staff=current_user), done=_("Saved."))
    if person is not REFUSED:
        return redirect(url_for("people.show", person_id=person.id))
    status = 422 if request.method == "POST" else 200
    return render_template("people/new.html", form=form, notices=NOTICES), status


@bp.get("/people/<int:person_id>")
@role_required(*STAFF)
def show(person_id: int):
    person = db.session.get(Person, person_id) or abort(404)
    return render_template("people/show.html", person=person, consents=consent_history(person))


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
