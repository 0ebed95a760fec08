"""JSON routes of 어디나지원단: the import progress the status page polls."""
from __future__ import annotations

from flask import Blueprint, jsonify

from ...accounts.roles import STAFF, api_role_required
from ...core.api import api_error
from ...extensions import db
from .models import ImportJob

bp = Blueprint("eodina_api", __name__, url_prefix="/api/v1/eodina")


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
