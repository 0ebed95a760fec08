"""JSON routes of accounts: a scanner device checks its token."""
from __future__ import annotations

from flask import Blueprint, jsonify
from flask_login import current_user

from ..core.openapi import api_doc
from .roles import api_role_required

bp = Blueprint("accounts_api", __name__, url_prefix="/api/v1")


@api_doc("The token's user")
@bp.get("/whoami")
@api_role_required()
def whoami():
    """Lets a scanner device check its token and see whose it is."""
    return jsonify(id=current_user.id, email=current_user.email, name=current_user.name, role=current_user.role)
