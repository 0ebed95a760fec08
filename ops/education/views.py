"""Public pages (courses, enrolment, the learner's page, certificate check) and the coordinators' list."""
from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.roles import ROLES, role_required
from ..core.security import private_page
from ..core.views import already_registered_page
from ..extensions import db
from ..people.consent import NOTICES
from ..people.phone import mask_phone
from ..passes.codes import InvalidCode, verify_code
from .certificates import (NotCompleted, VALID, certificate_for, certificate_pdf, issue_certificate,
                           verify_certificate)
from .forms import EnrolForm, RosterForm, audience_choices, kind_choices
from .models import CITIZENS, Course, Enrolment, Institution
from .roster import MAX_ROWS, UnreadableFile, enrol_roster, rows_from_text, rows_from_upload
from .services import (AlreadyCancelled, CourseClosed, OfferGone, accept_offer, attended_session_ids, cancel_enrolment,
                       coordinated_institutions, courses_for_institution, enrol_person, enrolment_by_code,
                       enrolment_history, enrolment_open, is_complete, may_act_for, position_in_line, public_courses,
                       send_enrolment_again)

bp = Blueprint("education", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/education")


def locale() -> str:
    return str(get_locale() or "ko")


@bp.context_processor
def labels():
    return {"kind_label": lambda kind: dict(kind_choices()).get(kind, kind),
            "audience_label": lambda audience: dict(audience_choices()).get(audience, audience),
            "locale": locale(), "reason_label": reason_label}


def reason_label(row) -> str:
    """Why a row of a coordinator's list is wrong, in the user's language."""
    return {"no_name": _("The name is missing."), "long_name": _("The name is too long."),
            "no_phone": _("The mobile number is missing."), "bad_phone": _("This is not a mobile number."),
            "duplicate": _("Same person as line %(line)s.", line=row.same_as),
            "too_many": _("At most %(count)s people at once.", count=MAX_ROWS)}.get(row.reason, row.reason or "")


@bp.get("/education")
def courses():
    """Citizens' courses they can still join (soonest first), then the finished ones under "past";
    coordinators also see their institutions."""
    joinable, past = public_courses()
    return render_template("education/courses.html", courses=joinable, past=past,
                           institutions=coordinated_institutions(current_user))


@bp.route("/education/courses/<int:course_id>", methods=["GET", "POST"])
def course(course_id: int):
    """A course's page; citizens' courses carry the enrolment form (mobile first)."""
    course = db.session.get(Course, course_id) or abort(404)
    form = EnrolForm() if course.audience == CITIZENS else None
    if form is not None and form.validate_on_submit():
        try:
            enrolment, created = enrol_person(course, name=form.name.data, phone=form.phone.data,
                                              birth_year=form.birth_year.data, district=form.district.data or None,
                                              sms_consent=bool(form.consent_sms.data), source="web", locale=locale())
        except CourseClosed:
            db.session.rollback()
            flash(_("Enrolment in this course is closed."), "error")
            return redirect(url_for(".course", course_id=course.id))
        if not created:
            sent = send_enrolment_again(enrolment, locale())
            db.session.commit()
            return already_registered_page(heading=course.title(locale()),
                                           masked_phone=mask_phone(enrolment.person.phone), sent=sent, back_url=url_for(".course", course_id=course.id))
        db.session.commit()
        return redirect(url_for(".enrolment", code=enrolment.code))
    status = 422 if request.method == "POST" else 200
    return render_template("education/course.html", course=course, form=form, notices=NOTICES,
                           open_now=enrolment_open(course)), status


def _enrolment_by_code(code: str) -> Enrolment:
    try:
        text = verify_code(code, kind="A").text
    except InvalidCode:
        abort(404)
    return enrolment_by_code(text) or abort(404)


def history_label(what: str) -> str:
    return {"offered": _("A place was offered"), "accepted": _("The offer was accepted"),
            "expired": _("The offer expired and went to the next in line")}.get(what, what)


@bp.get("/education/e/<code>")
@private_page
def enrolment(code: str):
    """The learner's page: status, place in line, an offered place to accept, sessions, the QR and certificate."""
    enrolment = _enrolment_by_code(code)
    course = enrolment.course
    attended = attended_session_ids(enrolment)
    return render_template("education/enrolment.html", enrolment=enrolment, course=course, attended=attended,
                           position=position_in_line(enrolment), complete=is_complete(enrolment),
                           certificate=certificate_for(enrolment), history=enrolment_history(enrolment),
                           history_label=history_label)


@bp.post("/education/e/<code>/accept")
def accept(code: str):
    """The learner accepts the place offered to them (in time)."""
    enrolment = _enrolment_by_code(code)
    try:
        accept_offer(enrolment.id)
    except OfferGone:
        db.session.rollback()
        flash(_("This offer is no longer open: it expired or was already answered."), "error")
    else:
        db.session.commit()
        flash(_("Your place is confirmed."), "success")
    return redirect(url_for(".enrolment", code=enrolment.code))


@bp.route("/education/e/<code>/cancel", methods=["GET", "POST"])
@private_page
def cancel(code: str):
    """Asks once more before cancelling (a mistaken tap would give the place away)."""
    enrolment = _enrolment_by_code(code)
    if request.method == "GET":
        return render_template("education/cancel.html", enrolment=enrolment, course=enrolment.course)
    try:
        cancel_enrolment(enrolment.id, locale=locale())
    except AlreadyCancelled:
        db.session.rollback()
    else:
        db.session.commit()
    flash(_("Your enrolment is cancelled."), "success")
    return redirect(url_for(".enrolment", code=enrolment.code))


@bp.get("/education/e/<code>/certificate.pdf")
@private_page
def certificate(code: str):
    """The learner downloads their certificate once the course's rule is met."""
    enrolment = _enrolment_by_code(code)
    try:
        cert = issue_certificate(enrolment)
    except NotCompleted:
        db.session.rollback()
        flash(_("The certificate is ready once you have completed the course."), "error")
        return redirect(url_for(".enrolment", code=enrolment.code))
    if cert.revoked_at is not None:
        db.session.rollback()
        abort(410)
    db.session.commit()
    return pdf_response(cert)


def pdf_response(cert) -> Response:
    response = Response(certificate_pdf(cert, locale()), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="certificate-{cert.id}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/verify/<code>")
@private_page
def verify(code: str):
    """Anyone can check a certificate: valid, revoked or unknown, with the name masked."""
    state, cert = verify_certificate(code)
    return render_template("education/verify.html", state=state, cert=cert, valid=VALID), (404 if cert is None else 200)


@bp.route("/education/institutions/<int:institution_id>/enrol", methods=["GET", "POST"])
@role_required(*ROLES)
def enrol_list(institution_id: int):
    """An institution's coordinator enrols a list of their people at once."""
    institution = db.session.get(Institution, institution_id) or abort(404)
    if not may_act_for(current_user, institution):
        abort(403)
    offered = courses_for_institution(institution)
    form = RosterForm()
    form.course.choices = [(c.id, c.title(locale())) for c in offered]
    result = None
    if form.validate_on_submit():
        course = next(c for c in offered if c.id == form.course.data)
        upload = form.upload.data
        try:
            raw = (rows_from_upload(upload.filename, upload.read()) if upload and upload.filename
                   else rows_from_text(form.rows.data))
        except UnreadableFile:
            form.upload.errors = [_("This file could not be read. Please use CSV or XLSX.")]
            raw = None
        if raw is not None and not raw:
            form.rows.errors = [_("Please paste the list or choose a file.")]
        elif raw:
            result = enrol_roster(course, institution, raw, by_user=current_user,
                                  skip_bad=bool(form.skip_bad.data), locale=locale())
            if result.applied:
                db.session.commit()
            else:
                db.session.rollback()
    status = 422 if request.method == "POST" and (result is None or not result.applied) else 200
    return render_template("education/enrol_list.html", institution=institution, form=form, result=result,
                           offered=offered), status
