"""Security headers on every response, and the stricter ones of pages reached by a code in the URL.

One small after-request hook rather than a library: the whole policy fits on a screen and
the pages were written for it (no inline script or style; the scanner's JSON config is data,
which a CSP does not run). HSTS only when cookies are secure (OPS_SECURE_COOKIES): a
development server on plain HTTP must not teach a browser to refuse it.
"""
from __future__ import annotations

from functools import wraps

import re

from flask import abort, current_app, make_response, request

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "media-src 'self' blob:",  # the scanner's camera preview
    "connect-src 'self'",
    "worker-src 'self'",  # the offline scanner's service worker
    "manifest-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def _headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Frame-Options", "DENY")  # frame-ancestors for browsers that predate it
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response



def private_page(view):
    """A page that shows a person's data to whoever holds the code in its URL (ticket, enrolment,
    certificate): no copy kept by browsers or proxies, and the URL never sent on as a referrer."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        response.headers["Cache-Control"] = "no-store"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DB_INT_MAX = 2_147_483_647


def _refuse_hostile_input():
    """Before any view: a path part, query or form value with NUL or another control character,
    or a numeric path part past a database integer, is refused (404 for the path, 400 else) instead
    of reaching PostgreSQL, which refuses NUL with an error that used to become a 500."""
    if _CONTROL.search(request.path) or any(isinstance(v, int) and not -_DB_INT_MAX <= v <= _DB_INT_MAX
                                            for v in (request.view_args or {}).values()):
        abort(404)
    for values in (request.args, request.form):
        for key, value in values.items(multi=True):
            if _CONTROL.search(key) or _CONTROL.search(value):
                abort(400)


def init_app(app) -> None:
    app.before_request(_refuse_hostile_input)
    app.after_request(_headers)
