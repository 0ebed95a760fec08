"""Shared JSON API pieces: the /api/v1 blueprint for the shell and the error helper."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from ..accounts.roles import api_role_required


def api_error(status: int, error: str, **extra):
    """A JSON error body ``{"error": …}`` with any details the client needs."""
    response = jsonify(error=error, **extra)
    response.status_code = status
    return response


bp = Blueprint("core_api", __name__, url_prefix="/api/v1")


@bp.get("/whoami")
@api_role_required()
def whoami():
    """Lets a scanner device check its token and see whose it is."""
    return jsonify(id=current_user.id, email=current_user.email, name=current_user.name, role=current_user.role)


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document of every JSON endpoint (public: it holds no data)."""
    from .openapi import document

    return jsonify(document())
