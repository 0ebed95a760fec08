"""GET /api/v1/kpi: the dashboard's figures as JSON (``compare=previous``: with the same date last year)."""
from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import get_locale

from ..accounts.roles import STAFF, api_role_required
from ..core.api import api_error
from ..core.openapi import api_doc
from . import services

bp = Blueprint("kpi_api", __name__, url_prefix="/api/v1")

MESSAGES = {
    "ko": {"invalid_year": "연도를 확인해 주세요.", "invalid_month": "월은 1에서 12 사이여야 합니다.",
           "unknown_programme": "그런 사업이 없습니다.",
           "invalid_compare": "비교는 compare=previous(전년 같은 날)만 쓸 수 있습니다."},
    "en": {"invalid_year": "Please check the year.", "invalid_month": "The month must be between 1 and 12.",
           "unknown_programme": "There is no such programme.",
           "invalid_compare": "The only comparison is compare=previous (the same date last year)."},
}


@api_doc("KPI figures")
@bp.get("/kpi")
@api_role_required(*STAFF)
def kpi():
    locale = "en" if str(get_locale()) == "en" else "ko"
    try:
        year, month, programme, compare = services.parse_query(
            request.args.get("year") or services.plan_year(), request.args.get("month"), request.args.get("programme"),
            request.args.get("compare"))
    except services.InvalidQuery as exc:
        return api_error(422, "invalid_query", errors={f: MESSAGES[locale][c] for f, c in exc.errors.items()})
    return jsonify(services.figures(year, month, programme, compare=compare, locale=locale))
