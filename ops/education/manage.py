"""Staff pages: courses and sessions, enrolments, roll call, certificates, institutions and counts."""
from __future__ import annotations

from datetime import datetime

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from ..accounts.roles import STAFF, Role, role_required
from ..core.forms import REFUSED, form_action
from ..core.timeutil import to_seoul, utcnow
from ..extensions import db
from ..kpi.services import request_rollup
from .certificates import NotCompleted, issue_certificate, revoke_certificate
from .forms import CoordinatorForm, CourseForm, CourseSettingsForm, InstitutionForm, RevokeForm, SessionForm
from .models import Certificate, Course, CourseSession, Enrolment, Institution
from .reports import course_counts, export_xlsx, institution_counts, month_counts
from .services import (AlreadyCancelled, NotAttendanceTime, add_coordinator_by_email, add_session_taught_by,
                       cancel_enrolment, change_settings, course_roster, create_course, create_institution,
                       enrolment_closes_at, list_institutions, meets_rule, present_ids, roll_call, roll_call_list)
from .views import bp, history_label, locale, pdf_response

TEACHERS = (*STAFF, Role.INSTRUCTOR)

def _saved(form, action, message: str, target):
    """Run a service for a form (the form-action helper); on success redirect to ``target(result)``."""
    result = form_action(form, action, done=message)
    return None if result is REFUSED else redirect(target(result))


def _year() -> int:
    return request.args.get("year", type=int) or to_seoul(utcnow()).year


@bp.get("/education/manage")
@role_required(*STAFF)
def manage():
    year = _year()
    return render_template("education/manage.html", rows=course_counts(year), year=year)


@bp.route("/education/manage/courses/new", methods=["GET", "POST"])
@role_required(*STAFF)
def new_course():
    form = CourseForm(year=to_seoul(utcnow()).year)
    form.institution.choices = [(0, "-")] + [(i.id, i.name) for i in list_institutions()]
    done = _saved(form, lambda: create_course(
        title_ko=form.title_ko.data, title_en=form.title_en.data, kind=form.kind.data,
        audience=form.audience.data, year=form.year.data,
        institution=db.session.get(Institution, form.institution.data) if form.institution.data else None,
        capacity=form.capacity.data, completion_percent=form.completion_percent.data,
        description_ko=form.description_ko.data, description_en=form.description_en.data,
        offer_hours=form.offer_hours.data, enrol_closes_at=form.enrol_closes_at()),
        _("Saved."), lambda course: url_for(".manage_course", course_id=course.id))
    if done:
        return done
    status = 422 if request.method == "POST" else 200
    return render_template("education/course_form.html", form=form), status


@bp.route("/education/manage/courses/<int:course_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def manage_course(course_id: int):
    """A course for staff: its sessions (and a form to add one), enrolments, attendance and completion."""
    course = db.session.get(Course, course_id) or abort(404)
    form = SessionForm()

    done = _saved(form, lambda: add_session_taught_by(
        course, teacher_email=form.teacher_email.data, starts=datetime.combine(form.day.data, form.starts.data),
        ends=datetime.combine(form.day.data, form.ends.data), place=form.place.data,
        online_url=form.online_url.data, capacity=form.capacity.data, teacher=form.teacher.data),
        _("Session added."), lambda _session: url_for(".manage_course", course_id=course.id))
    if done:
        return done
    roster = course_roster(course)
    status = 422 if request.method == "POST" else 200
    return render_template("education/manage_course.html", course=course, form=form, enrolments=roster.enrolments,
                           history=roster.history, history_label=history_label, counts=roster.counts,
                           sessions=roster.sessions, certificates=roster.certificates, meets_rule=meets_rule,
                           revoke_form=RevokeForm(),
                           settings_form=_settings_form(course), closes_at=enrolment_closes_at(course)), status


def _settings_form(course: Course) -> CourseSettingsForm:
    form = CourseSettingsForm(prefix="settings", formdata=None, capacity=course.capacity, open=course.open,
                              offer_hours=course.offer_hours)
    if course.enrol_closes_at is not None:
        form.set_enrol_closes_at(to_seoul(course.enrol_closes_at).replace(tzinfo=None))
    return form


@bp.post("/education/manage/courses/<int:course_id>/settings")
@role_required(*STAFF)
def course_settings(course_id: int):
    """Change the places (more places move the waiting list up at once) or close enrolment."""
    course = db.session.get(Course, course_id) or abort(404)
    form = CourseSettingsForm(prefix="settings")
    promoted = form_action(form, lambda: change_settings(
        course, capacity=form.capacity.data, open=form.open.data, offer_hours=form.offer_hours.data,
        enrol_closes_at=form.enrol_closes_at()), show="flash")
    if promoted is not REFUSED:
        flash(_("Saved.") + (" " + _("%(count)s moved up from the waiting list.", count=len(promoted))
                             if promoted else ""), "success")
    return redirect(url_for(".manage_course", course_id=course.id))


@bp.post("/education/manage/enrolments/<int:enrolment_id>/cancel")
@role_required(*STAFF)
def manage_cancel(enrolment_id: int):
    enrolment = db.session.get(Enrolment, enrolment_id) or abort(404)
    try:
        _cancelled, promoted = cancel_enrolment(enrolment.id, by_user=current_user)
    except AlreadyCancelled:
        db.session.rollback()
        promoted = []
    else:
        db.session.commit()
    flash(_("Cancelled.") + (" " + _("%(count)s moved up from the waiting list.", count=len(promoted))
                             if promoted else ""), "success")
    return redirect(url_for(".manage_course", course_id=enrolment.course_id))


@bp.post("/education/manage/enrolments/<int:enrolment_id>/certificate")
@role_required(*STAFF)
def manage_certificate(enrolment_id: int):
    enrolment = db.session.get(Enrolment, enrolment_id) or abort(404)
    try:
        cert = issue_certificate(enrolment)
    except NotCompleted:
        db.session.rollback()
        flash(_("Not completed yet: no certificate."), "error")
        return redirect(url_for(".manage_course", course_id=enrolment.course_id))
    db.session.commit()
    return pdf_response(cert)


@bp.post("/education/manage/certificates/<int:certificate_id>/revoke")
@role_required(*STAFF)
def manage_revoke(certificate_id: int):
    cert = db.session.get(Certificate, certificate_id) or abort(404)
    form = RevokeForm()
    revoke_certificate(cert, form.reason.data)
    db.session.commit()
    flash(_("The certificate is revoked."), "success")
    return redirect(url_for(".manage_course", course_id=cert.enrolment.course_id))


@bp.route("/education/manage/sessions/<int:session_id>/roll-call", methods=["GET", "POST"])
@role_required(*TEACHERS)
def roll_call_page(session_id: int):
    """The teacher's phone checklist for one session."""
    session = db.session.get(CourseSession, session_id) or abort(404)
    if not current_user.has_role(*STAFF) and session.teacher_user_id != current_user.id:
        abort(403)
    if request.method == "POST":
        present = {int(v) for v in request.form.getlist("present") if v.isdigit()}
        try:
            marked, unmarked = roll_call(session, present, by_user=current_user)
        except NotAttendanceTime as exc:
            db.session.rollback()
            flash(_("Attendance for this session is taken from %(opens)s to %(closes)s.",
                    **exc.hours()), "error")
            return redirect(url_for(".roll_call_page", session_id=session.id))
        db.session.commit()
        request_rollup()
        flash(_("Saved: %(marked)s marked present, %(unmarked)s unmarked.", marked=marked, unmarked=unmarked),
              "success")
        return redirect(url_for(".roll_call_page", session_id=session.id))
    return render_template("education/roll_call.html", session=session, course=session.course,
                           enrolments=roll_call_list(session), present=present_ids(session))


@bp.route("/education/manage/institutions", methods=["GET", "POST"])
@role_required(*STAFF)
def institutions():
    form = InstitutionForm()
    done = _saved(form, lambda: create_institution(form.name.data, form.kind.data), _("Saved."),
                  lambda _institution: url_for(".institutions"))
    if done:
        return done
    listed = list_institutions(with_coordinators=True)
    status = 422 if request.method == "POST" else 200
    return render_template("education/institutions.html", form=form, institutions=listed,
                           coordinator_form=CoordinatorForm()), status


@bp.post("/education/manage/institutions/<int:institution_id>/coordinators")
@role_required(*STAFF)
def add_coordinator_view(institution_id: int):
    institution = db.session.get(Institution, institution_id) or abort(404)
    form = CoordinatorForm()
    form_action(form, lambda: add_coordinator_by_email(institution, form.email.data), show="flash", done=_("Saved."))
    return redirect(url_for(".institutions"))


@bp.get("/education/manage/reports")
@role_required(*STAFF)
def reports():
    year = _year()
    return render_template("education/reports.html", year=year, courses=course_counts(year),
                           institutions=institution_counts(year), months=month_counts(year))


@bp.get("/education/manage/reports.xlsx")
@role_required(*STAFF)
def reports_xlsx():
    year = _year()
    response = Response(export_xlsx(year, locale()),
                        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f'attachment; filename="education-{year}.xlsx"'
    return response
