"""JSON for integrations and staff devices: enrol someone in a course, or cancel an enrolment."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.roles import STAFF, api_role_required
from ..core.api import api_error
from ..extensions import db
from ..people.phone import InvalidPhone, normalise_phone
from .models import Course, Enrolment, Institution
from .services import (AlreadyCancelled, CourseClosed, LateReasonNeeded, NotForThisInstitution, cancel_enrolment,
                       enrol_person,
                       enrolment_url, position_in_line)

bp = Blueprint("education_api", __name__, url_prefix="/api/v1/education")


def _enrolment_json(enrolment: Enrolment) -> dict:
    return {"id": enrolment.id, "course_id": enrolment.course_id, "status": enrolment.status,
            "position": position_in_line(enrolment), "code": enrolment.code, "url": enrolment_url(enrolment)}


def _errors(body: dict) -> tuple[dict, str, str | None, Institution | None]:
    errors: dict[str, str] = {}
    name = " ".join(str(body.get("name") or "").split())
    if not name or len(name) > 100:
        errors["name"] = _("Please enter the name.")
    phone = None
    try:
        phone = normalise_phone(str(body.get("phone") or ""))
    except InvalidPhone as exc:
        errors["phone"] = str(exc.message)
    if body.get("consent") is not True:
        errors["consent"] = _("We need your consent to take the application.")
    institution = None
    raw_institution = body.get("institution_id")
    if raw_institution is not None:
        if isinstance(raw_institution, int):
            institution = db.session.get(Institution, raw_institution)
        if institution is None:
            errors["institution_id"] = _("Please choose the institution.")
    return errors, name, phone, institution


@bp.post("/courses/<int:course_id>/enrolments")
@api_role_required(*STAFF)
def create_enrolment(course_id: int):
    """``{"name", "phone", "consent": true, "institution_id"?}``: 201 new, 200 already enrolled, 422 errors."""
    course = db.session.get(Course, course_id)
    if course is None:
        return api_error(404, "not_found")
    body = request.get_json(silent=True) or {}
    errors, name, phone, institution = _errors(body)
    if errors:
        return jsonify(errors=errors), 422
    try:
        late_reason = body.get("late_reason")
        enrolment, created = enrol_person(course, name=name, phone=phone, institution=institution, source="staff",
                                          by_user=current_user._get_current_object(),
                                          late_reason=late_reason if isinstance(late_reason, str) else None)
    except LateReasonNeeded:
        db.session.rollback()
        return jsonify(errors={"late_reason": _("Enrolment has closed: please give the reason for adding "
                                                "this person late.")}), 422
    except CourseClosed:
        db.session.rollback()
        return api_error(409, "closed")
    except NotForThisInstitution:
        db.session.rollback()
        return jsonify(errors={"institution_id": _("This course is for another institution's people.")}), 422
    db.session.commit()
    return jsonify(_enrolment_json(enrolment)), 201 if created else 200


@bp.post("/enrolments/<int:enrolment_id>/cancel")
@api_role_required(*STAFF)
def cancel(enrolment_id: int):
    """Cancel; the answer lists who moved up from the waiting list."""
    if db.session.get(Enrolment, enrolment_id) is None:
        return api_error(404, "not_found")
    try:
        enrolment, promoted = cancel_enrolment(enrolment_id, by_user=current_user._get_current_object())
    except AlreadyCancelled:
        db.session.rollback()
        return api_error(409, "already_cancelled")
    db.session.commit()
    return jsonify(**_enrolment_json(enrolment), promoted=[p.id for p in promoted])
