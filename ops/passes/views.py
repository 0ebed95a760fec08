from __future__ import annotations

import io
from functools import lru_cache

from flask import Blueprint, Response, abort, jsonify, render_template, request, send_from_directory, url_for
from flask_babel import gettext as _

from ..accounts.roles import STAFF, role_required
from ..core.security import private_page
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


# The QR is the ticket (or the enrolment) itself: kept by no browser or proxy, like the page that shows it.
@bp.get("/qr/<code>.png")
@private_page
def png(code: str):
    """The QR of a signed code (only signed codes: this is not a general QR service)."""
    return Response(qr_png(_checked(code)), mimetype="image/png")


@bp.get("/qr/<code>.svg")
@private_page
def svg(code: str):
    return Response(qr_svg(_checked(code)), mimetype="image/svg+xml")


def _same_for_everyone(data: bytes, mimetype: str) -> Response:
    """A file that is the same for every visitor (a scanner's tone or icon): kept by browsers for a week."""
    response = Response(data, mimetype=mimetype)
    response.headers["Cache-Control"] = "public, max-age=604800"
    return response


@bp.get("/scan/tones/<name>.wav")
def tone(name: str):
    if name not in TONES:
        abort(404)
    return _same_for_everyone(tone_wav(name), "audio/wav")


# --- The scanner as an installable web app that works offline (see ops.passes.offline) ----------

@bp.get("/scan/sw.js")
def service_worker():
    """The scanner's service worker, served under /scan so that it may control the scanner page."""
    response = send_from_directory(bp.static_folder, "scan-sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = url_for("passes.scanner")
    response.headers["Cache-Control"] = "no-cache"  # a new version reaches the doors at their next visit
    return response


@bp.get("/scan/manifest.webmanifest")
def manifest():
    response = jsonify({
        "name": _("Door scanner"), "short_name": _("Scanner"), "lang": "ko",
        "start_url": url_for("passes.scanner"), "scope": url_for("passes.scanner"),
        "display": "standalone", "background_color": "#ffffff", "theme_color": "#0b3d91",
        "icons": [{"src": url_for("passes.icon", size=size), "sizes": f"{size}x{size}", "type": "image/png",
                   "purpose": "any"} for size in ICON_SIZES],
    })
    response.mimetype = "application/manifest+json"
    return response


ICON_SIZES = (192, 512)


@lru_cache(maxsize=len(ICON_SIZES))
def _icon(size: int) -> bytes:
    """A QR pattern as the scanner's icon, drawn here (no image files to ship)."""
    from PIL import Image

    image = Image.open(io.BytesIO(qr_png("OPS SCAN", box_size=8))).convert("RGB")
    out = io.BytesIO()
    image.resize((size, size), Image.NEAREST).save(out, format="PNG")
    return out.getvalue()


@bp.get("/scan/icon-<int:size>.png")
def icon(size: int):
    if size not in ICON_SIZES:
        abort(404)
    return _same_for_everyone(_icon(size), "image/png")


@bp.route("/scan", methods=["GET", "POST"])
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
    occasions = context.occasions(value) if title and context.occasions else []
    occasion = request.args.get("occasion") or ""
    occasion = occasion if occasion in {key for key, _label in occasions} else ""
    texts = {
        "ok": _("Come in"), "already_checked_in": _("Already checked in"), "invalid": _("Not a valid code"),
        "unknown": _("Unknown ticket"), "wrong_day": _("Wrong day"), "not_confirmed": _("Not confirmed"),
        "cancelled": _("Cancelled"), "error": _("Could not check in, please try again"),
        "undo": _("Undo this check-in"), "undone": _("Check-in undone"), "check_in": _("Check in"),
        "no_results": _("Nobody found."), "gate_needed": _("Please name the gate first."),
        "camera_unavailable": _("The camera is not available on this device. Use the scanner field."),
        "stop_camera": _("Stop the camera"), "start_camera": _("Scan with the camera"),
        "online": _("Online"), "offline": _("Offline: this phone decides from its own list"),
        "waiting": _("Scans waiting to be sent"), "list": _("Tickets in this phone's list"),
        "updated": _("updated"), "not_in_list": _("Not in this phone's list: please send the visitor to the desk."),
        "no_list": _("Offline, and this phone has no ticket list yet."),
        "conflicts": _("Admitted at another gate too (reported to staff)"),
        "offline_ok": _("Welcome! (checked offline, will be sent)"),
        "offline_already": _("Already checked in at %(time)s, gate %(gate)s."),
        "offline_cancelled": _("This ticket was cancelled."),
        "offline_waitlisted": _("This ticket is on the waiting list, not confirmed."),
        "offline_wrong_day": _("This ticket is not valid today."),
        "not_booked": _("Not booked for this room"), "room_full": _("The room is full"),
        "give_walk_in": _("Give a walk-in seat"),
    }
    query = (request.args.get("q") or "").strip()[:60]
    found = context.search(value, query) if query and title and context.search else None
    manual = _manual_scan(request.form.get("code") or "", gate, occasion, texts) if request.method == "POST" else None
    urls = {"checkin": url_for("passes_api.checkin"), "undo": url_for("passes_api.undo", checkin_id=0),
            "jsqr": url_for("passes.static", filename="vendor/jsqr/jsQR.js"), "search": search_url,
            "tones": {name: url_for("passes.tone", name=name) for name in TONES}}
    if occasion and context.walk_in_url:
        urls["walk_in"] = context.walk_in_url(occasion)
    if title and context.offline and not occasion:  # the offline list is the door's, not a room's
        urls.update(offline_list=url_for("passes_api.offline_download", context=context_arg),
                    batch=url_for("passes_api.checkin_batch"), sw=url_for("passes.service_worker"),
                    sw_scope=url_for("passes.scanner"))
    return render_template("passes/scan.html", gate=gate, context=context_arg if title else "",
                           context_title=title, search_url=search_url, links=links,
                           offline="offline_list" in urls, occasions=occasions, occasion=occasion, manual=manual,
                           query=query, found=found,
                           config={"texts": texts, "urls": urls, "occasion": occasion})


def _manual_scan(text: str, gate: str, occasion: str, texts: dict) -> dict:
    """The code typed (or scanned) into the form, sent as a plain form post: works without JavaScript."""
    from flask_login import current_user

    from .api import settle_scan
    from .scan import SCAN_HANDLERS

    if not gate:
        return {"kind": "bad", "title": texts["gate_needed"]}
    try:
        code = verify_code(text.strip())
    except InvalidCode:
        return {"kind": "bad", "title": texts["invalid"], "detail": _("This is not a valid code.")}
    handler = SCAN_HANDLERS.get(code.kind)
    if handler is None:
        return {"kind": "bad", "title": texts["unknown"], "detail": _("This code is not for this scanner.")}
    outcome = handler(code, gate=gate, by_user=current_user._get_current_object(), occasion=occasion or None)
    settle_scan(outcome)
    kind = "ok" if outcome.result == "ok" else ("warn" if outcome.result == "already_checked_in" else "bad")
    return {"kind": kind, "title": texts.get(outcome.result, texts["error"]), "name": outcome.name,
            "label": outcome.label, "detail": outcome.detail}
