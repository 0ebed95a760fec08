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


def api_role_required(*roles):
    """JSON route: a bearer token (Flask-Login's request loader, see ops.accounts), or a browser
    session with its CSRF token; else 401/403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
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


def role_label(role: str) -> str:
    from flask_babel import gettext as _

    labels = {
        Role.CITIZEN: _("Citizen"), Role.INSTRUCTOR: _("Instructor"), Role.STAFF: _("Staff"),
        Role.MANAGER: _("Manager"), Role.ADMIN: _("Administrator"),
    }
    return labels.get(role, role)
