"""Roles and the decorators that let a route require them."""
from __future__ import annotations

from enum import StrEnum
from functools import wraps

from flask import abort, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from ..extensions import csrf, login_manager


class Role(StrEnum):
    CITIZEN = "citizen"
    INSTRUCTOR = "instructor"
    STAFF = "staff"
    MANAGER = "manager"
    ADMIN = "admin"


ROLES = [r.value for r in Role]
STAFF = (Role.STAFF, Role.MANAGER, Role.ADMIN)
MANAGERS = (Role.MANAGER, Role.ADMIN)


def _allowed(roles) -> bool:
    return current_user.is_authenticated and current_user.has_role(*roles)


def role_required(*roles):
    """HTML route: log in first, then 403 unless the user has one of the roles (admin always)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not current_user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = tuple(roles)
        return wrapped

    return decorator


def api_role_required(*roles, attached_user: bool = True):
    """JSON route: a bearer token, or a browser session with its CSRF token; else 401/403.

    ``attached_user=False``: the route needs only who calls and their role, so a token's
    user is a detached copy in no session (see ``user_for_token``): the door scan's.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            _log_in_bearer(attached_user)
            if not current_user.is_authenticated:
                abort(401)
            # The role first: a forbidden caller learns nothing more from a CSRF answer.
            if roles and not current_user.has_role(*roles):
                abort(403)
            if getattr(g, "auth_via", None) != "token" and request.method not in ("GET", "HEAD", "OPTIONS"):
                try:
                    csrf.protect()
                except CSRFError:
                    abort(400, description="csrf")
            return view(*args, **kwargs)

        wrapped.required_roles = tuple(roles)
        return wrapped

    return decorator


def _log_in_bearer(attached: bool) -> None:
    """A JSON call that brings a bearer token is that token's user, or no one: Flask-Login need
    not read the session cookie and its protection first (scanners call many times a second)."""
    from . import user_for_bearer

    if "_login_user" not in g and request.headers.get("Authorization", "").startswith("Bearer "):
        # A private Flask-Login hook: tests/accounts/test_private_api.py fails if an upgrade changes it.
        login_manager._update_request_context_with_user(user_for_bearer(request, attached=attached))


def role_label(role: str) -> str:
    from flask_babel import gettext as _

    labels = {
        Role.CITIZEN: _("Citizen"), Role.INSTRUCTOR: _("Instructor"), Role.STAFF: _("Staff"),
        Role.MANAGER: _("Manager"), Role.ADMIN: _("Administrator"),
    }
    return labels.get(role, role)
