from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _

from ..accounts.roles import STAFF, role_required
from .codes import InvalidCode, verify_code
from .qr import qr_png, qr_svg
from .scan import SCAN_CONTEXTS
from .tones import TONES, tone_wav

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


@bp.get("/scan/tones/<name>.wav")
def tone(name: str):
    if name not in TONES:
        abort(404)
    response = Response(tone_wav(name), mimetype="audio/wav")
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response


@bp.get("/scan")
@role_required(*STAFF)
def scanner():
    """The door scanner for phones and handheld scanners: ?gate=…&context=<area>:<value>."""
    gate = (request.args.get("gate") or "").strip()[:60]
    context_arg = (request.args.get("context") or "").strip()
    area, _sep, value = context_arg.partition(":")
    context = SCAN_CONTEXTS.get(area)
    title = context.title(value) if context and value else None
    search_url = context.search_url(value) if title and context.search_url else None
    links = context.links(value) if title and context.links else []
    texts = {
        "ok": _("Come in"), "already_checked_in": _("Already checked in"), "invalid": _("Not a valid code"),
        "unknown": _("Unknown ticket"), "wrong_day": _("Wrong day"), "not_confirmed": _("Not confirmed"),
        "cancelled": _("Cancelled"), "error": _("Could not check in, please try again"),
        "undo": _("Undo this check-in"), "undone": _("Check-in undone"), "check_in": _("Check in"),
        "no_results": _("Nobody found."), "gate_needed": _("Please name the gate first."),
        "camera_unavailable": _("The camera is not available on this device. Use the scanner field."),
        "stop_camera": _("Stop the camera"), "start_camera": _("Scan with the camera"),
    }
    urls = {"checkin": url_for("passes_api.checkin"), "undo": url_for("passes_api.undo", checkin_id=0),
            "jsqr": url_for("passes.static", filename="vendor/jsqr/jsQR.js"), "search": search_url,
            "tones": {name: url_for("passes.tone", name=name) for name in TONES}}
    return render_template("passes/scan.html", gate=gate, context=context_arg if title else "",
                           context_title=title, search_url=search_url, links=links,
                           config={"texts": texts, "urls": urls})
