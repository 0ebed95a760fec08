"""JSON bodies of the events API, checked field by field into plain service arguments."""
from __future__ import annotations

import re
from datetime import date, datetime

from typing import Annotated, Literal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import AfterValidator, Field, StringConstraints, ValidationError
from pydantic_core import PydanticCustomError

from ..core.schemas import Body, Day, Flag, Id, Note, Text, errors_of
from ..core.timeutil import seoul_to_utc
from .models import DEFAULT_OFFER_HOURS, MAX_OFFER_HOURS

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


SLUG = r"^[a-z0-9][a-z0-9-]{0,39}$"
TYPE_NAME = re.compile(r"^[a-z0-9_-]{1,60}$")
Capacity = Annotated[int, Field(strict=True, ge=0, le=1_000_000)]
OfferHours = Annotated[int, Field(strict=True, ge=0, le=MAX_OFFER_HOURS)]
Colour = Annotated[str, StringConstraints(strict=True, pattern=r"^#[0-9a-fA-F]{6}$"), AfterValidator(str.lower)]
Moment = datetime  # ISO date-time; without an offset it is Seoul time (stored as naive UTC)


def _type_name(value: str) -> str:
    value = value.lower()
    if not TYPE_NAME.match(value):
        raise PydanticCustomError("ops_message", str(_l("Use lower-case letters, digits and dashes only.")))
    return value


def _event_days(days: list[date]) -> list[date]:
    days = sorted(set(days))
    if not days:
        raise PydanticCustomError("ops_message", str(_DAYS_MESSAGE))
    if (days[-1] - days[0]).days > 30:
        raise PydanticCustomError("ops_message", str(_l("An event lasts at most 31 days.")))
    return days


def _refuse_slug(value):
    raise PydanticCustomError("ops_message",
                              str(_l("An event's address cannot change: its tickets and links carry it.")))


_DAYS_MESSAGE = _l("Give the event's days as a list of dates, e.g. [\"2025-09-30\"].")
Days = Annotated[list[Day], AfterValidator(_event_days)]


class TicketTypeSpec(Body):
    """One ticket type; in a change, only the keys sent change (``model_fields_set``)."""

    name: Annotated[Text(60, min_length=1), AfterValidator(_type_name)]
    capacity: Capacity | None = None
    waitlist: Flag = True
    label_ko: Text(100) | None = None
    label: Text(100) | None = None
    label_en: Text(100) = ""
    public: Flag = True
    colour: Colour | None = None


class SessionSpec(Body):
    title: Text(200) | None = None
    title_ko: Text(200) | None = None
    title_en: Text(200) = ""
    day: Day
    starts_at: Text(5) = ""
    room: Text(100) = ""
    capacity: Capacity | None = None


class TitlePair(Body):
    ko: Text(200, min_length=1)
    en: Text(200) = ""


class EventBody(Body):
    """POST /api/v1/events."""

    slug: Annotated[str, StringConstraints(strict=True, strip_whitespace=True, to_lower=True, max_length=40,
                                           pattern=SLUG)]
    title: Text(200, min_length=1) | TitlePair
    title_en: Text(200) = ""
    days: Days
    ticket_types: Annotated[list[TicketTypeSpec], Field(min_length=1, max_length=50)]
    sessions: Annotated[list[SessionSpec], Field(max_length=200)] = []
    programme: Text(40) | None = None
    venue: Text(200) = ""
    venue_en: Text(200) = ""
    address: Text(300) = ""
    directions: Note(2000) = ""
    directions_en: Note(2000) = ""
    registration_opens_at: Moment | None = None
    registration_closes_at: Moment | None = None
    offer_hours: OfferHours = DEFAULT_OFFER_HOURS
    messages = {"slug": _l("Use lower-case letters, digits and dashes only."), "days": _DAYS_MESSAGE,
                "ticket_types": _l("Give at least one ticket type."),
                "offer_hours": _l("Give a number of hours from 0 to 336 (14 days); 0 gives a freed seat at once."),
                "registration_opens_at": _l("Use an ISO date and time, e.g. 2025-09-01T09:00."),
                "registration_closes_at": _l("Use an ISO date and time, e.g. 2025-09-01T09:00.")}


class EventChangesBody(EventBody):
    """PATCH /api/v1/events/<slug>: every field optional; only the keys sent change."""

    slug: Annotated[object, AfterValidator(_refuse_slug)] = None
    title: Text(200, min_length=1) = None
    days: Days = None
    ticket_types: Annotated[list[TicketTypeSpec], Field(max_length=50)] = []
    messages = {**EventBody.messages, "slug": _l("An event's address cannot change: its tickets and links carry it."),
                "ticket_types": _l("Give the ticket types as a list.")}


def _seoul(moment: datetime | None) -> datetime | None:
    return seoul_to_utc(moment) if moment else None


def _check(model: type[Body], body: dict):
    try:
        return model.model_validate(body), {}
    except ValidationError as exc:  # a bad day is the list's error: "days", not "days.0"
        errors = errors_of(model, exc)
        return None, {("days" if key.startswith("days.") else key): message for key, message in errors.items()}


def _names_once(types: list[TicketTypeSpec], errors: dict) -> None:
    seen: set[str] = set()
    for i, spec in enumerate(types):
        if spec.name in seen:
            errors[f"ticket_types.{i}.name"] = _("Two ticket types have the same name.")
        seen.add(spec.name)


def event_payload(body: dict) -> tuple[dict, dict]:
    """``(arguments for create_event, errors)`` from the POST /api/v1/events body (EventBody)."""
    event, errors = _check(EventBody, body)
    if event is None:
        return {}, errors
    _names_once(event.ticket_types, errors)
    for i, session in enumerate(event.sessions):
        if not (session.title or session.title_ko):
            errors[f"sessions.{i}"] = _("Each session needs a title and a day.")
        elif session.day not in event.days:
            errors[f"sessions.{i}.day"] = _("A session must be on one of the event's days.")
    title = event.title if isinstance(event.title, TitlePair) else TitlePair(ko=event.title, en=event.title_en)
    types = [dict(name=t.name, capacity=t.capacity, waitlist=t.waitlist, label_ko=t.label_ko or t.label or "",
                  label_en=t.label_en, public=t.public, colour=t.colour) for t in event.ticket_types]
    sessions = [dict(title_ko=s.title or s.title_ko or "", title_en=s.title_en, day=s.day, starts_at=s.starts_at,
                     room=s.room, capacity=s.capacity) for s in event.sessions]
    fields = dict(slug=event.slug, title_ko=title.ko, title_en=title.en, days=event.days, ticket_types=types,
                  sessions=sessions, programme=event.programme or None, venue_ko=event.venue,
                  venue_en=event.venue_en, address=event.address, directions_ko=event.directions,
                  directions_en=event.directions_en, registration_opens_at=_seoul(event.registration_opens_at),
                  registration_closes_at=_seoul(event.registration_closes_at), offer_hours=event.offer_hours)
    return fields, errors


_EVENT_FIELDS = {"title": "title_ko", "title_en": "title_en", "venue": "venue_ko", "venue_en": "venue_en",
                 "address": "address", "directions": "directions_ko", "directions_en": "directions_en",
                 "days": "days", "registration_opens_at": "registration_opens_at",
                 "registration_closes_at": "registration_closes_at", "offer_hours": "offer_hours"}


def event_changes(body, existing_types: set[str]) -> tuple[dict, list[tuple[str, dict]], dict]:
    """``(event fields, ticket type changes, errors)`` from a PATCH /api/v1/events/<slug> body.

    Only the keys sent change. A ticket type named like an existing one changes what its object
    gives (capacity, waitlist, label_ko, label_en, colour); a new name adds one (capacity, waitlist,
    labels and public as when creating). Changes are ``("change" | "add", arguments)``.
    """
    if isinstance(body, dict) and "title" in body and body["title"] is None:
        body = {**body, "title": ""}  # the title cannot be taken away
    changed, errors = _check(EventChangesBody, body)
    if changed is None:
        return {}, [], errors
    fields = {field: getattr(changed, key) for key, field in _EVENT_FIELDS.items() if key in changed.model_fields_set}
    for key in ("registration_opens_at", "registration_closes_at"):
        if key in fields:
            fields[key] = _seoul(fields[key])
    _names_once(changed.ticket_types, errors)
    changes: list[tuple[str, dict]] = []
    for spec in changed.ticket_types:
        sent = spec.model_fields_set
        change = {"name": spec.name, **{k: getattr(spec, k) for k in ("capacity", "waitlist", "label_en", "colour")
                                        if k in sent}}
        if "label_ko" in sent or "label" in sent:
            change["label_ko"] = spec.label_ko if "label_ko" in sent else spec.label
        if spec.name in existing_types:
            changes.append(("change", change))
        else:
            change.setdefault("capacity", None)
            change.setdefault("waitlist", True)
            change["public"] = spec.public
            changes.append(("add", change))
    return fields, changes, errors
