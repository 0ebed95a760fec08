"""Shared JSON API pieces: the error helper every area's API answers with, and the OpenAPI document."""
from __future__ import annotations

from flask import Blueprint, jsonify


def api_error(status: int, error: str, **extra):
    """A JSON error body ``{"error": …}`` with any details the client needs."""
    response = jsonify(error=error, **extra)
    response.status_code = status
    return response


bp = Blueprint("core_api", __name__, url_prefix="/api/v1")


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document of every JSON endpoint (public: it holds no data)."""
    from .openapi import document

    return jsonify(document())
