"""The shared scanner's JSON API: one endpoint for every kind of pass, and undo."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts.roles import STAFF, api_role_required
from ..core.api import api_error
from ..core.openapi import api_doc
from ..core.errors import InvalidInput
from ..core.schemas import ReasonBody, parse_body
from ..core.timeutil import utcnow
from ..extensions import db
from ..kpi.services import request_rollup
from .checkin import NotCheckedIn, undo_checkin
from .codes import InvalidCode, verify_code
from .models import CheckIn
from .offline import apply_batch, download
from .scan import SCAN_HANDLERS, ScanOutcome
from .schemas import BatchBody, ScanBody, parse_batch

bp = Blueprint("passes_api", __name__, url_prefix="/api/v1")


@api_doc("Admit the holder of a scanned code", body=ScanBody)
@bp.post("/checkin")
@api_role_required(*STAFF)
def checkin():
    """Admit the holder of a scanned code at a gate: 200 ok, or 4xx with the reason (see ScanOutcome).

    Plain on purpose (issue 13): a transaction, SQLAlchemy, Flask-Login's request loader. Measured
    in one process on 2026-12-06 (the test client on bench/harness seed_tickets, 8 alternating
    batches of 150 scans), CPU per scan: 3.94 ms as now, 3.80 ms in autocommit (-3 %), 3.59 ms
    without the ping on checkout (-9 %), 3.37 ms without both; each under the 10 % a trick must win.
    Against gunicorn + PostgreSQL (bench/checkin.py, c=32, alternating with 136c0d3 on an idle machine,
    2026-12-06): 588 and 649 scans/s before, 532 and 442 after; server CPU 2.1 ms -> 2.5-2.6 ms. The door
    needs far less (Smart Life Week: 30,000 visitors over three days); if it ever needs more, the idle-only
    ping (SQLAlchemy's public pool "checkout" event) is the first thing to bring back.
    """
    scan = parse_body(ScanBody)
    try:
        code = verify_code(scan.code)
    except InvalidCode:
        return api_error(400, "invalid", result="invalid", detail=_("This is not a valid code."))
    handler = SCAN_HANDLERS.get(code.kind)
    if handler is None:
        return api_error(404, "unknown", result="unknown", detail=_("This code is not for this scanner."))
    return answer_scan(handler(code, gate=scan.gate, by_user=current_user._get_current_object(),
                               occasion=scan.occasion))


def answer_scan(outcome: ScanOutcome):
    """Keep an admission (or roll a refusal back) and answer the scanner: one shape for every scan endpoint."""
    settle_scan(outcome)
    payload = outcome.as_json()
    if outcome.status >= 400:
        payload["error"] = outcome.result
    return jsonify(payload), outcome.status


def settle_scan(outcome: ScanOutcome) -> None:
    """Keep an admission (commit) or roll a refusal back: the JSON scanner and the plain form alike."""
    if outcome.status < 400:
        db.session.commit()
        request_rollup()
    else:
        db.session.rollback()


@api_doc("Undo a check-in", body=ReasonBody)
@bp.post("/checkin/<int:checkin_id>/undo")
@api_role_required(*STAFF)
def undo(checkin_id: int):
    """Take back a mistaken admission; the row stays, marked undone, with who and why."""
    checkin_row = db.session.get(CheckIn, checkin_id)
    if checkin_row is None:
        return api_error(404, "not_found")
    body = parse_body(ReasonBody, None if request.get_data() else {})  # the reason may be left out
    try:
        undo_checkin(checkin_row, by_user=current_user._get_current_object(), reason=body.reason[:200])
    except NotCheckedIn:
        return api_error(409, "not_checked_in", detail=_("This check-in was already undone."))
    db.session.commit()
    return jsonify(result="undone", checkin_id=checkin_row.id, detail=_("Check-in undone."))


# --- The offline scanner (see ops.passes.offline) ------------------------------------------------

MAX_BATCH = 2000  # scans per upload; a scanner sends its queue in slices


def _gzipped(payload: dict):
    """The list as JSON, gzipped when the scanner accepts it (30,000 rows: see the README's figures)."""
    import gzip
    import json

    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    response = current_app.response_class(body, mimetype="application/json")
    if "gzip" in request.headers.get("Accept-Encoding", ""):
        response.set_data(gzip.compress(body, compresslevel=6))
        response.headers["Content-Encoding"] = "gzip"
    response.headers["Vary"] = "Accept-Encoding"
    response.headers["Cache-Control"] = "no-store"
    return response


@api_doc("Download the offline scanner's list")
@bp.get("/checkin/offline")
@api_role_required(*STAFF)
def offline_download():
    """What a scanner needs to decide offline for its context and today: in full, or since its cursor."""
    from flask_wtf.csrf import generate_csrf

    listed = download(request.args.get("context", ""), request.args.get("cursor"), utcnow())
    if listed is None:
        return api_error(404, "unknown_context", detail=_("This scanner has no list to download."))
    if getattr(g, "auth_via", None) != "token":
        listed["csrf_token"] = generate_csrf()  # the page may have been served from the scanner's cache
    return _gzipped(listed)


@api_doc("Upload an offline scanner's check-ins", body=BatchBody)
@bp.post("/checkin/batch")
@api_role_required(*STAFF)
def checkin_batch():
    """Scans made offline: applied once each (by their id), judged by scan time; one answer per scan."""
    scans, errors = parse_batch({"scans": parse_body(BatchBody).scans}, limit=MAX_BATCH)
    if errors:
        raise InvalidInput(errors)
    answers = apply_batch(scans, by_user_id=current_user.id, now=utcnow())
    db.session.commit()
    if any(answer["result"] == "admitted" and not answer["repeat"] for answer in answers):
        request_rollup()
    counts = {}
    for answer in answers:
        counts[answer["result"]] = counts.get(answer["result"], 0) + 1
    return jsonify(results=answers, counts=counts)
