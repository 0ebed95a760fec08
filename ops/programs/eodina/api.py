"""JSON routes of 어디나지원단: import progress for the status page, and an instructor's learners for phones."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ...accounts.roles import STAFF, Role, api_role_required
from ...core.api import api_error
from ...core.openapi import api_doc
from ...extensions import db
from .models import ImportJob

bp = Blueprint("eodina_api", __name__, url_prefix="/api/v1/eodina")


@api_doc("Progress of an import")
@bp.get("/imports/<int:job_id>")
@api_role_required(*STAFF)
def import_status(job_id: int):
    job = db.session.get(ImportJob, job_id)
    if job is None:
        return api_error(404, "not_found")
    return jsonify(id=job.id, status=job.status, total=job.total, processed=job.processed, added=job.added,
                   existing=job.existing, errors=job.errors,
                   percent=100 if job.status in ("done", "failed") else
                   (round(100 * job.processed / job.total) if job.total else 0))


# --- The instructor's phone ---

def _me():
    from flask_login import current_user

    from .services import instructor_for_user

    return instructor_for_user(current_user)


@api_doc("An instructor's learners")
@bp.get("/my/learners")
@api_role_required(Role.INSTRUCTOR)
def my_learners():
    from .services import my_learners as learners_of

    me = _me()
    if me is None:
        return api_error(404, "not_an_instructor")
    return jsonify(learners=[{"id": le.id, "name": le.person.name, "phone": le.person.phone, "slot": m.slot,
                              "center": m.center.name, "lessons_attended": le.lessons_attended}
                             for le, m in learners_of(me)])
