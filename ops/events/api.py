"""Events JSON API: create and change events (staff), register (public), numbers and door search (staff)."""
from __future__ import annotations

from flask import Blueprint, abort, jsonify, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from ..accounts.roles import STAFF, api_role_required
from ..core.api import api_error
from ..core.openapi import PUBLIC, api_doc
from ..core.views import already_registered_message
from ..extensions import db
from ..passes.codes import InvalidCode, verify_code
from . import services
from .forms import RegistrationForm
from ..core.schemas import json_object, parse_body
from ..passes.schemas import ScanBody
from .schemas import EventBody, EventChangesBody, RegistrationBody, event_changes, event_payload

bp = Blueprint("events_api", __name__, url_prefix="/api/v1")


def _event_or_404(slug: str):
    return services.event_by_slug(slug) or abort(404)


def _event_json(event) -> dict:
    return {"id": event.id, "slug": event.slug, "title": event.title_ko, "title_en": event.title_en,
            "days": event.days, "venue": event.venue_ko, "offer_hours": event.offer_hours,
            "ticket_types": [{"name": t.name, "capacity": t.capacity, "taken": t.taken, "waitlist": t.waitlist}
                             for t in event.ticket_types],
            "sessions": [{"id": s.id, "title": s.title_ko, "day": s.day.isoformat(), "capacity": s.capacity}
                         for s in event.sessions]}


@api_doc("Create an event", body=EventBody, ok=("201",))
@bp.post("/events")
@api_role_required(*STAFF)
def create_event():
    fields, errors = event_payload(json_object())
    if errors:
        return jsonify(errors=errors), 422
    try:
        event = services.create_event(**fields)
    except services.InvalidEvent as exc:
        db.session.rollback()
        return jsonify(errors=exc.errors), 422
    db.session.commit()
    return jsonify(_event_json(event)), 201


@api_doc("Change an event and its ticket types", body=EventChangesBody)
@bp.patch("/events/<slug>")
@api_role_required(*STAFF)
def change_event(slug: str):
    """Change an event: the fields sent, and ticket types by name (changed, or added when new).
    All or nothing: one bad value changes nothing. More seats promote the waiting list at once."""
    event = _event_or_404(slug)
    fields, changes, errors = event_changes(json_object(), {t.name for t in event.ticket_types})
    if errors:
        return jsonify(errors=errors), 422
    try:
        promoted = services.change_event(event, fields, changes)
    except services.InvalidEvent as exc:
        db.session.rollback()
        return jsonify(errors=exc.errors), 422
    db.session.commit()
    return jsonify({**_event_json(event), "promoted": len(promoted)})


def _form_data(body: dict) -> MultiDict:
    """The JSON body as form data, so the public form's own validators check it."""
    data = MultiDict()
    for key, value in body.items():
        if key == "sessions" and isinstance(value, list):
            for item in value:
                data.add(key, str(item))
        elif isinstance(value, bool):
            if value:
                data.add(key, "y")
        elif value is not None and not isinstance(value, (dict, list)):
            data.add(key, str(value))
    return data


@api_doc("Register (201 with the ticket; 200 when already registered: the ticket link is texted to the number "
         "on file)", PUBLIC, body=RegistrationBody, ok=("200", "201"))
@bp.post("/events/<slug>/registrations")
def register(slug: str):
    """Public registration: 201 with the ticket, 422 with the errors, 409 when sold out."""
    event = services.registration_event(slug) or abort(404)
    body = parse_body(RegistrationBody).as_form_body()
    locale = str(get_locale() or "ko")
    form = RegistrationForm(formdata=_form_data(body), meta={"csrf": False}).setup(
        event, locale, sessions=bool(body.get("sessions")))
    if not form.validate():
        return jsonify(errors={name: messages[0] for name, messages in form.errors.items()}), 422
    try:
        registered = services.register(event, locale=str(body.get("locale") or locale), source="api",
                                       **form.service_fields())
    except services.InvalidRegistration as exc:
        db.session.rollback()
        return jsonify(errors={k: str(v) for k, v in exc.errors.items()}), 422
    except services.SoldOut:
        db.session.rollback()
        return api_error(409, "sold_out")
    except services.RegistrationClosed:
        db.session.rollback()
        return api_error(409, "registration_closed")
    registration = registered.registration
    if not registered.created:
        # Whoever knows a name and a phone must not get that person's ticket: it goes to their phone.
        sent = services.send_ticket_again(registration)
        body = {"already_registered": True, "phone": registration.masked_phone, "sent_again": sent,
                "message": already_registered_message(registration.masked_phone, sent)}
        db.session.commit()
        return jsonify(body), 200
    body = {"id": registration.id, "status": registration.status, "ticket_code": registration.code,
            "ticket_url": services.ticket_url(registration, external=True)}
    db.session.commit()  # after reading the answer, so that it needs no reload
    return jsonify(body), 201


@api_doc("Live numbers of an event")
@bp.get("/events/<slug>/numbers")
@api_role_required(*STAFF)
def numbers(slug: str):
    event = _event_or_404(slug)
    return jsonify(services.live_numbers(event, request.args.get("day") or None))


@api_doc("Door search by name or the last 4 digits")
@bp.get("/events/<slug>/search")
@api_role_required(*STAFF)
def search(slug: str):
    """Door search by name or last 4 phone digits, for the scanner page."""
    event = _event_or_404(slug)
    locale = str(get_locale() or "ko")
    return jsonify(results=services.door_search(event, request.args.get("q", ""), locale))


@api_doc("A conference room's walk-in", body=ScanBody)
@bp.post("/events/sessions/<int:session_id>/walk-in")
@api_role_required(*STAFF)
def room_walk_in(session_id: int):
    """A conference room's free seat for a confirmed ticket not booked for it; then admitted to the room."""
    from ..passes.api import answer_scan
    from .rooms import admit_to_room

    scan = parse_body(ScanBody)
    try:
        code_text = verify_code(scan.code, kind="T").text
    except InvalidCode:
        return api_error(400, "invalid", result="invalid", detail=_("This is not a valid code."))
    return answer_scan(admit_to_room(code_text, session_id, gate=scan.gate,
                                     by_user=current_user._get_current_object(), locale=str(get_locale() or "ko"),
                                     walk_in=True))
