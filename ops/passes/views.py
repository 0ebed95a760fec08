from __future__ import annotations

from flask import Blueprint, Response, abort

from .codes import InvalidCode, verify_code
from .qr import qr_png, qr_svg

bp = Blueprint("passes", __name__, template_folder="templates", static_folder="static",
               static_url_path="/static/passes")


def _checked(code: str) -> str:
    try:
        return verify_code(code).text
    except InvalidCode:
        abort(404)


@bp.get("/qr/<code>.png")
def png(code: str):
    """The QR of a signed code (only signed codes: this is not a general QR service)."""
    response = Response(qr_png(_checked(code)), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


@bp.get("/qr/<code>.svg")
def svg(code: str):
    response = Response(qr_svg(_checked(code)), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
