"""The API's OpenAPI document (``/api/v1/openapi.json``) and its readable page (``/developers/api``).

Each JSON route says what it is next to its definition, in the area's ``api.py``, with
``@api_doc(summary, who, body=Model, ok=(...))`` placed above the route decorator::

    @api_doc("Create an event", STAFF, body=EventBody, ok=("201",))
    @bp.post("/events")
    @api_role_required(*STAFF)
    def create_event(): ...

The document is built from the app's URL map (method, path, parameters) and this registry (the
rest): request bodies are the same pydantic models that check them (ops.core.schemas), so the
document cannot say one thing while the code checks another. The core imports no area: the areas
register here. A test fails when an /api/v1 route is not described.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from flask import current_app

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


@dataclass(frozen=True)
class ApiDoc:
    summary: str
    who: str
    body: type | None  # the pydantic model that checks the request body
    ok: tuple[str, ...]


# The view functions the app routes to (as the route decorator registered them) → what they are.
DESCRIBED: dict[Callable, ApiDoc] = {}


def api_doc(summary: str, who: str = STAFF, *, body: type | None = None, ok: tuple[str, ...] = ("200",)):
    """Describe a JSON route in the OpenAPI document; put it above ``@bp.get``/``@bp.post``."""

    def decorator(view):
        DESCRIBED[view] = ApiDoc(summary, who, body, tuple(ok))
        return view

    return decorator


_PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _routes():
    """(method, OpenAPI path, {parameter: converter}, ApiDoc or None) of every /api/v1 route."""
    for rule in current_app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        described = DESCRIBED.get(current_app.view_functions[rule.endpoint])
        params = {name: converter or "default" for converter, name in _PARAM.findall(rule.rule)}
        path = _PARAM.sub(lambda m: "{" + m.group(2) + "}", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method.lower(), path, params, described


def document() -> dict:
    """The OpenAPI 3.1 document of every JSON endpoint."""
    paths: dict = {}
    schemas: dict = {}
    for method, path, params, described in _routes():
        if described is None:  # not described: left out (tests/core/test_openapi.py fails)
            continue
        operation: dict = {"summary": described.summary, "description": f"Access: {described.who}.",
                           "responses": {**{s: {"description": "OK"} for s in described.ok},
                                         **{s: {"description": d} for s, d in ERRORS.items()}}}
        if described.who == STAFF:
            operation["security"] = [{"bearer": []}]
        if params:
            operation["parameters"] = [{"name": p, "in": "path", "required": True,
                                        "schema": {"type": "integer" if converter == "int" else "string"}}
                                       for p, converter in params.items()]
        if described.body is not None:
            model = described.body
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
