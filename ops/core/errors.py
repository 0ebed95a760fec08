"""Domain errors and the HTML/JSON error pages."""
from __future__ import annotations

import logging

from flask import jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadRequest, HTTPException, InternalServerError

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule said no. Views translate ``code`` into a message or an HTTP status."""

    code = "error"

    def __init__(self, message: str | None = None, **details):
        super().__init__(message or self.code)
        self.details = details


class InvalidInput(DomainError):
    """Bad input: ``errors`` maps each field to a message in the user's language.

    Its ``str()`` (and so a log line or a test failure) names each field with its message,
    never the value that was refused, so it carries no personal data."""

    code = "invalid"

    def __init__(self, errors: dict):
        super().__init__(self.code, errors=errors)
        self.errors = errors

    def __str__(self) -> str:
        fields = "; ".join(f"{field}: {message}" for field, message in self.errors.items())
        return f"{self.code}: {fields}" if fields else self.code


class AlreadyCancelled(DomainError):
    """The booking (an enrolment, a registration) was cancelled before: nothing left to cancel."""

    code = "cancelled"


def wants_json() -> bool:
    return request.path.startswith("/api/")


def _http_error(exc: HTTPException):
    if wants_json():
        names = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 405: "method_not_allowed", 409: "conflict", 413: "too_large",
                 422: "unprocessable", 429: "too_many_requests", 500: "server_error"}
        error = names.get(exc.code, (exc.name or "error").lower().replace(" ", "_"))
        if isinstance(exc, CSRFError) or (exc.code == 400 and exc.description == "csrf"):
            error = "csrf"
        response = jsonify(error=error)
        response.status_code = exc.code or 500
        if exc.code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="ops"'
        return response
    code = exc.code or 500
    csrf_failed = isinstance(exc, CSRFError)
    return render_template("errors/error.html", code=code, csrf_failed=csrf_failed), code


def _unexpected(exc: Exception):
    log.exception("unhandled error on %s %s", request.method, request.path)
    return _http_error(InternalServerError())


def _invalid_input(exc: InvalidInput):
    """Bad input that reached no form of its own (a JSON body, a query or a path part): 422 by field."""
    from ..extensions import db

    db.session.rollback()
    if wants_json():
        response = jsonify(error="invalid", errors={k: str(v) for k, v in exc.errors.items()})
        response.status_code = 422
        return response
    return render_template("errors/error.html", code=422, csrf_failed=False), 422


def _bad_value_for_the_database(exc: Exception):
    """A value the database refuses (out of an integer's range, a NUL byte…) is the client's fault:
    400 and nothing changed, never a 500. The rules should refuse such values first; this is the net."""
    from ..extensions import db

    db.session.rollback()
    log.warning("refused a value the database cannot hold on %s %s: %s", request.method, request.path,
                type(getattr(exc, "orig", exc)).__name__)
    return _http_error(BadRequest())


def init_app(app) -> None:
    from sqlalchemy.exc import DataError

    app.register_error_handler(InvalidInput, _invalid_input)
    app.register_error_handler(DataError, _bad_value_for_the_database)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)
