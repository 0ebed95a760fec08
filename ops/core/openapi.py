"""The API's OpenAPI document (``/api/v1/openapi.json``) and its readable page (``/developers/api``).

Every JSON endpoint is listed once here; request bodies come from the same pydantic models that
check them (ops.core.schemas), so the document cannot say one thing while the code checks
another. A test fails when an /api/v1 route is missing from this list.
"""
from __future__ import annotations

import importlib

ERRORS = {
    "400": "Malformed request or a code that is not valid",
    "401": "No or bad bearer token",
    "403": "The token's role may not do this",
    "404": "Not found",
    "409": "Refused by a rule (sold out, closed, already done)",
    "422": "Invalid input: {\"error\": \"invalid\", \"errors\": {field: message}}",
    "429": "Too many requests",
}

STAFF, PUBLIC = "staff bearer token", "public"

# (method, path, summary, who, body model "module:Class" or None, success statuses)
ENDPOINTS = [
    ("get", "/api/v1/whoami", "The token's user", STAFF, None, ("200",)),
    ("post", "/api/v1/events", "Create an event", STAFF, "ops.events.schemas:EventBody", ("201",)),
    ("patch", "/api/v1/events/{slug}", "Change an event and its ticket types", STAFF,
     "ops.events.schemas:EventChangesBody", ("200",)),
    ("post", "/api/v1/events/{slug}/registrations",
     "Register (201 with the ticket; 200 when already registered: the ticket link is texted to the number on file)",
     PUBLIC, "ops.events.schemas:RegistrationBody", ("200", "201")),
    ("get", "/api/v1/events/{slug}/numbers", "Live numbers of an event", STAFF, None, ("200",)),
    ("get", "/api/v1/events/{slug}/search", "Door search by name or the last 4 digits", STAFF, None, ("200",)),
    ("post", "/api/v1/events/sessions/{session_id}/walk-in", "A conference room's walk-in", STAFF,
     "ops.passes.schemas:ScanBody", ("200",)),
    ("post", "/api/v1/checkin", "Admit the holder of a scanned code", STAFF, "ops.passes.schemas:ScanBody", ("200",)),
    ("post", "/api/v1/checkin/{checkin_id}/undo", "Undo a check-in", STAFF, "ops.core.schemas:ReasonBody", ("200",)),
    ("post", "/api/v1/checkin/batch", "Upload an offline scanner's check-ins", STAFF,
     "ops.passes.schemas:BatchBody", ("200",)),
    ("get", "/api/v1/checkin/offline", "Download the offline scanner's list", STAFF, None, ("200",)),
    ("post", "/api/v1/education/courses/{course_id}/enrolments", "Enrol someone in a course", STAFF,
     "ops.education.api:EnrolmentBody", ("200", "201")),
    ("post", "/api/v1/education/enrolments/{enrolment_id}/cancel", "Cancel an enrolment", STAFF, None, ("200",)),
    ("get", "/api/v1/bus/free", "Free slots of a bus in a month (?bus=1&month=2025-05)", PUBLIC, None, ("200",)),
    ("post", "/api/v1/bus/visits", "Request a bus visit", STAFF, "ops.programs.bus.api:VisitBody", ("201",)),
    ("post", "/api/v1/bus/visits/{visit_id}/approve", "Approve a visit", STAFF, None, ("200",)),
    ("post", "/api/v1/bus/visits/{visit_id}/decline", "Decline a visit", STAFF,
     "ops.core.schemas:ReasonBody", ("200",)),
    ("get", "/api/v1/eodina/imports/{job_id}", "Progress of an import", STAFF, None, ("200",)),
    ("get", "/api/v1/eodina/my/learners", "An instructor's learners", STAFF, None, ("200",)),
    ("get", "/api/v1/kpi", "KPI figures", STAFF, None, ("200",)),
]


def _model(ref: str):
    module, name = ref.split(":")
    return getattr(importlib.import_module(module), name)


def document() -> dict:
    """The OpenAPI 3.1 document of every JSON endpoint."""
    paths: dict = {}
    schemas: dict = {}
    for method, path, summary, who, body, ok in ENDPOINTS:
        operation: dict = {"summary": summary, "description": f"Access: {who}.",
                           "responses": {**{s: {"description": "OK"} for s in ok},
                                         **{s: {"description": d} for s, d in ERRORS.items()}}}
        if who == STAFF:
            operation["security"] = [{"bearer": []}]
        params = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        if params:
            operation["parameters"] = [{"name": p, "in": "path", "required": True,
                                        "schema": {"type": "string" if p == "slug" else "integer"}} for p in params]
        if body:
            model = _model(body)
            schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
            schemas.update(schema.pop("$defs", {}))
            schemas[model.__name__] = schema
            operation["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}
        paths.setdefault(path, {})[method] = operation
    return {"openapi": "3.1.0",
            "info": {"title": "ops API", "version": "1",
                     "description": "JSON API of the operations platform. Bodies are JSON objects; "
                                    "text has no control characters; booleans are true or false."},
            "paths": paths,
            "components": {"schemas": schemas,
                           "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}}}
