"""JSON bodies of the scanner API, checked field by field."""
from __future__ import annotations

import re
from datetime import datetime, timezone

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.schemas import Body, Id, Text
from .offline import PendingScan


class ScanBody(Body):
    """POST /api/v1/checkin and a conference room's walk-in: the scanned code, at a gate."""

    code: Text(500) = ""  # a code that does not verify is a 400 "invalid" scan, as from the camera
    gate: Text(60, min_length=1)
    occasion: Text(60) | Id | None = None
    messages = {"gate": _l("Please name the gate.")}


class BatchBody(Body):
    """POST /api/v1/checkin/batch: ``{"scans": [{"id", "code", "gate", "at"}, …]}``; each scan is
    checked by ``parse_batch`` (one bad scan refuses the upload)."""

    scans: list[dict]
    messages = {"scans": _l("Send the waiting scans as a list.")}

SCAN_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def _scan_time(value) -> datetime | None:
    """An ISO date-time with its offset (a scanner sends UTC, ``…Z``), as naive UTC."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.astimezone(timezone.utc).replace(tzinfo=None)


def parse_batch(body, *, limit: int) -> tuple[list[PendingScan], dict]:
    """``{"scans": [{"id", "code", "gate", "at"}, …]}`` into PendingScans, or errors by field.

    One bad scan refuses the whole upload (nothing is applied): a scanner's queue is made
    by our own page, so a malformed entry is a bug to see, not a scan to skip silently.
    """
    raw = body.get("scans") if isinstance(body, dict) else None
    if not isinstance(raw, list) or not raw:
        return [], {"scans": _("Send the waiting scans as a list.")}
    if len(raw) > limit:
        return [], {"scans": _("At most %(n)s scans at a time.", n=limit)}
    scans, errors = [], {}
    for index, item in enumerate(raw):
        item = item if isinstance(item, dict) else {}
        scan_id, code, gate, at = item.get("id"), item.get("code"), item.get("gate"), _scan_time(item.get("at"))
        if not isinstance(scan_id, str) or not SCAN_ID.match(scan_id):
            errors[f"scans.{index}.id"] = _("Each scan needs its own id (8 to 64 letters, digits, - or _).")
        if not isinstance(code, str) or not code.strip() or len(code) > 200:
            errors[f"scans.{index}.code"] = _("This field is required.")
        if not isinstance(gate, str) or not gate.strip():
            errors[f"scans.{index}.gate"] = _("Please name the gate.")
        if at is None:
            errors[f"scans.{index}.at"] = _("Give the scan time as an ISO date and time with its offset.")
        if not errors:
            scans.append(PendingScan(scan_id=scan_id, code_text=code.strip(), gate=gate.strip()[:60], at=at))
    return (scans, {}) if not errors else ([], errors)
