"""JSON bodies of the events API, checked field by field into plain service arguments."""
from __future__ import annotations

import re
from datetime import date, datetime

from flask_babel import gettext as _

from ..core.timeutil import seoul_to_utc

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
TYPE_NAME = re.compile(r"^[a-z0-9_-]{1,60}$")


def _text(body: dict, key: str, errors: dict, *, required: bool = False, limit: int = 200) -> str:
    value = body.get(key)
    if value is None or value == "":
        if required:
            errors[key] = _("This field is required.")
        return ""
    if not isinstance(value, str):
        errors[key] = _("Must be text.")
        return ""
    value = value.strip()
    if len(value) > limit:
        errors[key] = _("At most %(n)s characters.", n=limit)
    if required and not value:
        errors[key] = _("This field is required.")
    return value


def _capacity(value, errors: dict, key: str):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        errors[key] = _("Capacity must be a whole number of seats (or null for unlimited).")
        return None
    return value


def _datetime(value, errors: dict, key: str) -> datetime | None:
    """ISO date-time; without an offset it is read as Seoul time. Stored as naive UTC."""
    if value in (None, ""):
        return None
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors[key] = _("Use an ISO date and time, e.g. 2025-09-01T09:00.")
        return None
    return seoul_to_utc(parsed)


def event_payload(body: dict) -> tuple[dict, dict]:
    """``(arguments for create_event, errors)`` from the POST /api/v1/events body."""
    errors: dict = {}
    if not isinstance(body, dict):
        return {}, {"body": _("Send a JSON object.")}
    slug = _text(body, "slug", errors, required=True, limit=40).lower()
    if slug and "slug" not in errors and not SLUG.match(slug):
        errors["slug"] = _("Use lower-case letters, digits and dashes only.")
    title = body.get("title")
    if isinstance(title, dict):  # {"ko": …, "en": …}
        title_ko, title_en = str(title.get("ko") or "").strip(), str(title.get("en") or "").strip()
    else:
        title_ko = _text(body, "title", errors, required=True)
        title_en = _text(body, "title_en", errors)
    if not title_ko and "title" not in errors:
        errors["title"] = _("This field is required.")
    days = []
    raw_days = body.get("days")
    if not isinstance(raw_days, list) or not raw_days:
        errors["days"] = _("Give the event's days as a list of dates, e.g. [\"2025-09-30\"].")
    else:
        try:
            days = sorted({date.fromisoformat(str(d)) for d in raw_days})
        except ValueError:
            errors["days"] = _("Give the event's days as a list of dates, e.g. [\"2025-09-30\"].")
        if days and (days[-1] - days[0]).days > 30:
            errors["days"] = _("An event lasts at most 31 days.")
    ticket_types = []
    raw_types = body.get("ticket_types")
    if not isinstance(raw_types, list) or not raw_types:
        errors["ticket_types"] = _("Give at least one ticket type.")
    else:
        seen = set()
        for i, spec in enumerate(raw_types):
            key = f"ticket_types.{i}"
            if not isinstance(spec, dict):
                errors[key] = _("Each ticket type is an object with a name and a capacity.")
                continue
            name = str(spec.get("name") or "").strip().lower()
            if not TYPE_NAME.match(name):
                errors[f"{key}.name"] = _("Use lower-case letters, digits and dashes only.")
            elif name in seen:
                errors[f"{key}.name"] = _("Two ticket types have the same name.")
            seen.add(name)
            capacity = _capacity(spec.get("capacity"), errors, f"{key}.capacity")
            waitlist = spec.get("waitlist", True)
            if not isinstance(waitlist, bool):
                errors[f"{key}.waitlist"] = _("Must be true or false.")
            label_ko = str(spec.get("label_ko") or spec.get("label") or "")[:100]
            ticket_types.append(dict(name=name, capacity=capacity, waitlist=bool(waitlist), label_ko=label_ko,
                                     label_en=str(spec.get("label_en") or "")[:100],
                                     public=bool(spec.get("public", True))))
    sessions = []
    for i, spec in enumerate(body.get("sessions") or []):
        key = f"sessions.{i}"
        if not isinstance(spec, dict) or not str(spec.get("title") or spec.get("title_ko") or "").strip():
            errors[key] = _("Each session needs a title and a day.")
            continue
        try:
            day = date.fromisoformat(str(spec.get("day")))
        except ValueError:
            errors[f"{key}.day"] = _("Give the day as a date, e.g. 2025-09-30.")
            continue
        if days and day not in days:
            errors[f"{key}.day"] = _("A session must be on one of the event's days.")
        sessions.append(dict(title_ko=str(spec.get("title") or spec.get("title_ko")).strip()[:200],
                             title_en=str(spec.get("title_en") or "")[:200], day=day,
                             starts_at=str(spec.get("starts_at") or "")[:5], room=str(spec.get("room") or "")[:100],
                             capacity=_capacity(spec.get("capacity"), errors, f"{key}.capacity")))
    fields = dict(slug=slug, title_ko=title_ko, title_en=title_en, days=days, ticket_types=ticket_types,
                  sessions=sessions, programme=_text(body, "programme", errors, limit=40) or None,
                  venue_ko=_text(body, "venue", errors), venue_en=_text(body, "venue_en", errors),
                  address=_text(body, "address", errors, limit=300),
                  directions_ko=_text(body, "directions", errors, limit=2000),
                  directions_en=_text(body, "directions_en", errors, limit=2000),
                  registration_opens_at=_datetime(body.get("registration_opens_at"), errors, "registration_opens_at"),
                  registration_closes_at=_datetime(body.get("registration_closes_at"), errors,
                                                   "registration_closes_at"))
    return fields, errors
