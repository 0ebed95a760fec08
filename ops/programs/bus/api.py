"""JSON for integrations and scripts: free slots (public), and staff entering and deciding requests."""
from __future__ import annotations

from typing import Annotated

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import Field
from flask_login import current_user

from ...accounts.roles import STAFF, api_role_required
from ...core.api import api_error
from ...core.openapi import PUBLIC, api_doc
from ...core.schemas import Body, Day, Id, Note, ReasonBody, parse_body
from ...extensions import db
from . import services
from .models import BusVisit, HostInstitution
from .views import calendar_context

bp = Blueprint("bus_api", __name__, url_prefix="/api/v1/bus")


def visit_json(visit: BusVisit) -> dict:
    return {"id": visit.id, "institution_id": visit.institution_id, "bus_id": visit.bus_id,
            "date": visit.day.isoformat(), "slot": visit.slot.code, "programme": visit.programme.code,
            "expected_participants": visit.expected_participants, "status": visit.status,
            "reason": visit.decision_reason}


def _invalid(errors: dict):
    return api_error(422, "invalid", errors={field: str(message) for field, message in errors.items()})


def _domain(exc: services.BusError):
    if isinstance(exc, services.InvalidVisit):
        return _invalid(exc.errors)
    return api_error(409, exc.code, detail=str(exc.message))


@api_doc("Free slots of a bus in a month (?bus=1&month=2025-05)", PUBLIC)
@bp.get("/free")
def free():
    """Free slots of one bus in a month: ``?bus=1&month=2025-05``."""
    context = calendar_context(request.args.get("bus", type=int), request.args.get("month"))
    if context is None:
        return api_error(404, "not_found")
    days = [{"date": cell.day.isoformat(), "free": [s.slot.code for s in cell.slots if s.visit is None]}
            for week in context["weeks"] for cell in week
            if cell.in_month and cell.free]  # never a closed or past day (DayCell.free)
    return jsonify(bus=context["bus"].id, month=f"{context['year']}-{context['month']:02d}", days=days)


class VisitBody(Body):
    """POST /api/v1/bus/visits: a request taken by phone or from another system."""

    institution_id: Id
    slot_id: Id
    programme_id: Id
    date: Day
    expected_participants: Annotated[int, Field(strict=True, ge=1, le=10_000)]
    note: Note(1000) | None = None
    messages = {"institution_id": _l("Please choose the institution."),
                "slot_id": _l("Please choose one of the bus's time slots."),
                "programme_id": _l("Please choose a programme."), "date": _l("Please choose a date."),
                "expected_participants": _l("Please enter the expected number of participants (at least 1).")}


@api_doc("Request a bus visit", body=VisitBody, ok=("201",))
@bp.post("/visits")
@api_role_required(*STAFF)
def create_visit():
    """A request taken by phone or from another system; 422 with messages by field when it cannot be."""
    body = parse_body(VisitBody)
    errors: dict = {}
    institution_id, slot_id, programme_id = body.institution_id, body.slot_id, body.programme_id
    expected, day = body.expected_participants, body.date
    institution = db.session.get(HostInstitution, institution_id) if institution_id else None
    if institution is None:
        errors.setdefault("institution_id", _("Please choose the institution."))
    if errors:
        return _invalid(errors)
    try:
        visit = services.request_visit(institution, slot_id=slot_id, day=day, programme_id=programme_id,
                                       expected_participants=expected, source="phone", note=body.note,
                                       by_user=current_user)
    except services.InvalidVisit as exc:
        db.session.rollback()
        return _invalid({"date" if k == "day" else k: v for k, v in exc.errors.items()})
    db.session.commit()
    return jsonify(visit_json(visit)), 201


def _decision(visit_id: int, action):
    if db.session.get(BusVisit, visit_id) is None:
        return api_error(404, "not_found")
    try:
        visit = action()
    except services.BusError as exc:
        db.session.rollback()
        return _domain(exc)
    db.session.commit()
    return jsonify(visit_json(visit))


@api_doc("Approve a visit")
@bp.post("/visits/<int:visit_id>/approve")
@api_role_required(*STAFF)
def approve(visit_id: int):
    """409 slot_taken when the bus is already booked for that slot, 409 not_pending when decided before."""
    return _decision(visit_id, lambda: services.approve_visit(visit_id, by_user=current_user))


@api_doc("Decline a visit", body=ReasonBody)
@bp.post("/visits/<int:visit_id>/decline")
@api_role_required(*STAFF)
def decline(visit_id: int):
    reason = parse_body(ReasonBody, None if request.get_data() else {}).reason  # none: "give the reason"
    return _decision(visit_id, lambda: services.decline_visit(visit_id, reason, by_user=current_user))
