"""Which area answers a scanned code.

The scanner page and ``POST /api/v1/checkin`` read the code's kind (T ticket,
A attendance, B bus) and hand it to the handler that area registered:

    from ops.passes.scan import ScanOutcome, scan_handler

    @scan_handler("A")
    def admit_attendee(code: SignedCode, *, gate: str | None, by_user, occasion: str | None = None) -> ScanOutcome:
        ...  # load, check the area's rules, call perform_checkin(); do not commit

The caller commits. ``result`` is one of RESULTS; ``status`` is the HTTP status
the API answers with. ``by_user`` is who scans, to record as ``by_user_id``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable

RESULTS = ("ok", "already_checked_in", "unknown", "invalid", "wrong_day", "not_confirmed", "cancelled",
           "not_booked", "room_full")


@dataclass
class ScanOutcome:
    result: str
    status: int = 200
    name: str | None = None  # the holder's name, masked
    label: str | None = None  # ticket type, course session or bus run
    detail: str | None = None  # the reason, in the user's language
    first_at: datetime | None = None  # for already_checked_in: the first admission (UTC)
    first_gate: str | None = None
    extra: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        body = {"result": self.result, "name": self.name, "label": self.label, "detail": self.detail}
        if self.first_at is not None:
            body["first_at"] = self.first_at.isoformat() + "Z"
            body["first_gate"] = self.first_gate
        body.update(self.extra)
        return body


SCAN_HANDLERS: dict[str, Callable[..., ScanOutcome]] = {}


def scan_handler(kind: str):
    def decorator(fn):
        SCAN_HANDLERS[kind.upper()] = fn
        return fn

    return decorator


# --- Contexts of the scanner page -------------------------------------------------------------
# The page is generic: ``/scan?gate=Hall%20A&context=events:slw-2025``. An area may register
# what its contexts add: a title, a search endpoint for manual look-up at the door
# (GET ``search_url?q=…`` → ``{"results": [{"code", "name", "label", "detail"}]}``) and links
# (e.g. walk-in registration, live numbers).

@dataclass
class ScanContext:
    title: Callable[[str], str | None]  # None: no such context (the page then ignores it)
    search_url: Callable[[str], str] | None = None
    # The same search for the page without JavaScript: (value, query) → [{"code", "name", "label", "detail"}].
    search: Callable[[str, str], list[dict]] | None = None
    links: Callable[[str], list[tuple[str, str]]] | None = None
    offline: bool = False  # the area offers a list for the offline scanner (ops.passes.offline)
    # Rooms inside the context the staff may name (e.g. today's conference sessions): [(occasion, label)],
    # and where a walk-in seat is given in one (POST {"code", "gate"} → like /api/v1/checkin).
    occasions: Callable[[str], list[tuple[str, str]]] | None = None
    walk_in_url: Callable[[str], str] | None = None


SCAN_CONTEXTS: dict[str, ScanContext] = {}


def scan_context(area: str, context: ScanContext) -> None:
    SCAN_CONTEXTS[area] = context
