"""JSON for integrations and staff devices: enrol someone in a course, or cancel an enrolment."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..accounts.roles import STAFF, api_role_required
from ..core.api import api_error
from ..core.openapi import api_doc
from ..core.schemas import Body, Consent, Id, Text, parse_body
from ..extensions import db
from ..people.schemas import MobilePhone
from .models import Course, Enrolment, Institution
from .services import (AlreadyCancelled, CourseClosed, LateReasonNeeded, NotForThisInstitution, cancel_enrolment,
                       enrol_person,
                       enrolment_url, position_in_line)

bp = Blueprint("education_api", __name__, url_prefix="/api/v1/education")


def _enrolment_json(enrolment: Enrolment) -> dict:
    return {"id": enrolment.id, "course_id": enrolment.course_id, "status": enrolment.status,
            "position": position_in_line(enrolment), "code": enrolment.code, "url": enrolment_url(enrolment)}


class EnrolmentBody(Body):
    """POST /api/v1/education/courses/<id>/enrolments (staff)."""

    name: Text(100, 1)
    phone: MobilePhone
    consent: Consent
    institution_id: Id | None = None
    late_reason: Text(300) | None = None  # staff adding someone after enrolment closed say why
    messages = {"name": _l("Please enter the name."), "consent": _l("We need your consent to take the application."),
                "institution_id": _l("Please choose the institution.")}


@api_doc("Enrol someone in a course", body=EnrolmentBody, ok=("200", "201"))
@bp.post("/courses/<int:course_id>/enrolments")
@api_role_required(*STAFF)
def create_enrolment(course_id: int):
    """``{"name", "phone", "consent": true, "institution_id"?, "late_reason"?}``: 201 new, 200 already enrolled,
    422 errors (after enrolment closes, a ``late_reason`` is needed)."""
    course = db.session.get(Course, course_id)
    if course is None:
        return api_error(404, "not_found")
    body = parse_body(EnrolmentBody)
    institution = db.session.get(Institution, body.institution_id) if body.institution_id else None
    if body.institution_id and institution is None:
        return jsonify(error="invalid", errors={"institution_id": _("Please choose the institution.")}), 422
    try:
        enrolment, created = enrol_person(course, name=" ".join(body.name.split()), phone=body.phone,
                                          institution=institution, source="staff",
                                          by_user=current_user._get_current_object(), late_reason=body.late_reason)
    except LateReasonNeeded:
        db.session.rollback()
        return jsonify(error="invalid", errors={"late_reason": _("Enrolment has closed: please give the reason for adding "
                                                "this person late.")}), 422
    except CourseClosed:
        db.session.rollback()
        return api_error(409, "closed")
    except NotForThisInstitution:
        db.session.rollback()
        return jsonify(error="invalid", errors={"institution_id": _("This course is for another institution's people.")}), 422
    db.session.commit()
    return jsonify(_enrolment_json(enrolment)), 201 if created else 200


@api_doc("Cancel an enrolment")
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
