"""Shared JSON API pieces: the error helper every area's API answers with."""
from __future__ import annotations

from flask import jsonify


def api_error(status: int, error: str, **extra):
    """A JSON error body ``{"error": …}`` with any details the client needs."""
    response = jsonify(error=error, **extra)
    response.status_code = status
    return response
