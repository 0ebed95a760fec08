"""JSON bodies of the events API, checked field by field into plain service arguments."""
from __future__ import annotations

import re
from datetime import date, datetime

from typing import Literal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..core.schemas import Body, Flag, Id, Text
from ..core.timeutil import seoul_to_utc

class RegistrationBody(Body):
    """POST /api/v1/events/<slug>/registrations. The public form then checks what it means (a mobile
    number, a country, a ticket type of this event), so that the API and the form say the same."""

    name: Text(100)
    phone: Text(40)
    ticket_type: Text(60) = ""
    country: Text(2) = "KR"
    email: Text(254) | None = None
    affiliation: Text(200) | None = None
    city: Text(100) | None = None
    sessions: list[Id] | None = None
    consent: Flag
    consent_sms: Flag = False
    locale: Literal["ko", "en"] | None = None
    messages = {"consent": _l("Send true to agree; only true counts as a yes."),
                "consent_sms": _l("Send true to agree; only true counts as a yes."),
                "locale": _l("Use ko or en.")}

    def as_form_body(self) -> dict:
        return self.model_dump(exclude_none=True)


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


COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _colour(spec: dict, errors: dict, key: str) -> str | None:
    """A ticket type's colour on badges, "#rrggbb"; None when not sent."""
    value = spec.get("colour")
    if value is None:
        return None
    if not isinstance(value, str) or not COLOUR.match(value):
        errors[f"{key}.colour"] = _("Give the colour as #rrggbb, e.g. #1f4e9e.")
        return None
    return value.lower()


def _capacity(value, errors: dict, key: str):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 1_000_000:
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


def _days(raw, errors: dict) -> list[date]:
    """The event's days, sorted, from a list of ISO dates (at most 31 days from first to last)."""
    try:
        days = sorted({date.fromisoformat(str(d)) for d in raw}) if isinstance(raw, list) else []
    except ValueError:
        days = []
    if not days:
        errors["days"] = _("Give the event's days as a list of dates, e.g. [\"2025-09-30\"].")
    elif (days[-1] - days[0]).days > 30:
        errors["days"] = _("An event lasts at most 31 days.")
    return days


def _type_specs(raw_types: list, errors: dict):
    """``(key, spec, name)`` of each ticket type object with a valid name; the rest go to errors."""
    seen = set()
    for i, spec in enumerate(raw_types):
        key = f"ticket_types.{i}"
        if not isinstance(spec, dict):
            errors[key] = _("Each ticket type is an object with a name and a capacity.")
            continue
        name = str(spec.get("name") or "").strip().lower()
        if not TYPE_NAME.match(name):
            errors[f"{key}.name"] = _("Use lower-case letters, digits and dashes only.")
            continue
        if name in seen:
            errors[f"{key}.name"] = _("Two ticket types have the same name.")
        seen.add(name)
        yield key, spec, name


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
    days = _days(body.get("days"), errors)
    ticket_types = []
    raw_types = body.get("ticket_types")
    if not isinstance(raw_types, list) or not raw_types:
        errors["ticket_types"] = _("Give at least one ticket type.")
    else:
        for key, spec, name in _type_specs(raw_types, errors):
            capacity = _capacity(spec.get("capacity"), errors, f"{key}.capacity")
            waitlist = spec.get("waitlist", True)
            if not isinstance(waitlist, bool):
                errors[f"{key}.waitlist"] = _("Must be true or false.")
            label_ko = str(spec.get("label_ko") or spec.get("label") or "")[:100]
            ticket_types.append(dict(name=name, capacity=capacity, waitlist=bool(waitlist), label_ko=label_ko,
                                     label_en=str(spec.get("label_en") or "")[:100],
                                     public=bool(spec.get("public", True)),
                                     colour=_colour(spec, errors, key)))
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


_EVENT_TEXT = {  # JSON key → (Event field, longest)
    "title": ("title_ko", 200), "title_en": ("title_en", 200), "venue": ("venue_ko", 200),
    "venue_en": ("venue_en", 200), "address": ("address", 300), "directions": ("directions_ko", 2000),
    "directions_en": ("directions_en", 2000),
}


def event_changes(body, existing_types: set[str]) -> tuple[dict, list[tuple[str, dict]], dict]:
    """``(event fields, ticket type changes, errors)`` from a PATCH /api/v1/events/<slug> body.

    Only the keys sent change. A ticket type named like an existing one changes what its object
    gives (capacity, waitlist, label_ko, label_en, colour); a new name adds one (capacity, waitlist,
    labels and public as when creating). Changes are ``("change" | "add", arguments)``.
    """
    errors: dict = {}
    if not isinstance(body, dict):
        return {}, [], {"body": _("Send a JSON object.")}
    fields: dict = {}
    if "slug" in body:
        errors["slug"] = _("An event's address cannot change: its tickets and links carry it.")
    for key, (field, limit) in _EVENT_TEXT.items():
        if key in body:
            fields[field] = _text(body, key, errors, required=(key == "title"), limit=limit)
    for key in ("registration_opens_at", "registration_closes_at"):
        if key in body:
            fields[key] = _datetime(body.get(key), errors, key)
    if "days" in body:
        fields["days"] = _days(body.get("days"), errors)
    changes: list[tuple[str, dict]] = []
    raw_types = body.get("ticket_types", [])
    if not isinstance(raw_types, list):
        errors["ticket_types"] = _("Give the ticket types as a list.")
        raw_types = []
    for key, spec, name in _type_specs(raw_types, errors):
        change: dict = {"name": name}
        if "capacity" in spec:
            change["capacity"] = _capacity(spec.get("capacity"), errors, f"{key}.capacity")
        if "waitlist" in spec:
            if not isinstance(spec["waitlist"], bool):
                errors[f"{key}.waitlist"] = _("Must be true or false.")
            change["waitlist"] = bool(spec["waitlist"])
        for label, source in (("label_ko", "label_ko"), ("label_ko", "label"), ("label_en", "label_en")):
            if source in spec:
                change[label] = _text(spec, source, errors, limit=100)
        if "colour" in spec:
            change["colour"] = _colour(spec, errors, key)
        if name in existing_types:
            changes.append(("change", change))
        else:
            change.setdefault("capacity", None)
            change.setdefault("waitlist", True)
            change["public"] = bool(spec.get("public", True))
            changes.append(("add", change))
    return fields, changes, errors
