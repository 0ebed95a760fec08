"""The center's visit rules: a request for a coming working day, confirmed or declined once by staff,
and the visitors by country recorded on or after the day."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from ...core.errors import DomainError, InvalidInput
from ...core.timeutil import seoul_today, utcnow
from ...core.workdays import is_working_day
from ...events.countries import country_names
from ...extensions import db
from ...people.consent import COLLECTION
from ...people.phone import InvalidPhone
from ...people.services import find_or_create_person, record_consent
from .models import CONFIRMED, DECLINED, DOMESTIC, FOREIGN, LANGUAGES, REQUESTED, CenterVisit, CenterVisitCount

MAX_GROUP = 200


class InvalidVisit(InvalidInput):
    code = "invalid_visit"


class AlreadyDecided(DomainError):
    code = "already_decided"


def request_visit(*, group_name: str, origin: str, day: date | None, group_size, language: str,
                  countries: list[str], contact_name: str, contact_phone: str | None, contact_email: str | None,
                  consent: bool, note: str | None = None, today: date | None = None, recorded_by=None) -> CenterVisit:
    """A group asks for a visit; the contact's consent is recorded; the caller commits."""
    today = today or seoul_today()
    errors = {}
    group_name = " ".join((group_name or "").split())
    if not group_name or len(group_name) > 120:
        errors["group_name"] = _l("Please enter the group's name.")
    if origin not in (DOMESTIC, FOREIGN):
        errors["origin"] = _l("Please say whether the group comes from Korea or abroad.")
    if day is None or day <= today:
        errors["day"] = _l("Please choose a day from tomorrow on.")
    elif not is_working_day(day):
        errors["day"] = _l("The center receives groups on working days (not weekends or public holidays).")
    try:
        group_size = int(group_size)
        if not 1 <= group_size <= MAX_GROUP:
            raise ValueError
    except (TypeError, ValueError):
        errors["group_size"] = _l("The group must be from 1 to %(n)s people.", n=MAX_GROUP)
    if language not in LANGUAGES:
        errors["language"] = _l("Please choose a language.")
    known = country_names("en")
    countries = sorted({(c or "").strip().upper() for c in countries or [] if (c or "").strip()})
    if any(c not in known for c in countries):
        errors["countries"] = _l("Please choose countries from the list.")
    elif origin == FOREIGN and not [c for c in countries if c != "KR"]:
        errors["countries"] = _l("Please choose the countries a group from abroad comes from.")
    if not contact_phone and not contact_email:
        errors["contact_phone"] = _l("Please give a phone number or an e-mail address.")
    if not consent:
        errors["consent_collection"] = _l("We need your consent to take the request.")
    if errors:
        raise InvalidVisit(errors)
    try:
        contact = find_or_create_person(contact_name, contact_phone or None, email=contact_email or None,
                                        allow_foreign=True)
    except InvalidPhone as exc:
        raise InvalidVisit({"contact_phone": exc.message}) from None
    except DomainError:
        raise InvalidVisit({"contact_name": _l("Please enter the contact person's name.")}) from None
    record_consent(contact, COLLECTION, True, source="web", recorded_by=recorded_by)
    visit = CenterVisit(group_name=group_name, origin=origin, day=day, group_size=group_size, language=language,
                        countries=countries or (["KR"] if origin == DOMESTIC else []), contact=contact,
                        note=(note or "").strip() or None)
    db.session.add(visit)
    db.session.flush()
    return visit


def decide(visit_id: int, *, confirm: bool, user) -> CenterVisit:
    """Confirm or decline a request, once (two staff at once: one wins, the other is told); the caller commits."""
    done = db.session.execute(update(CenterVisit).where(CenterVisit.id == visit_id, CenterVisit.status == REQUESTED)
                              .values(status=CONFIRMED if confirm else DECLINED, decided_at=utcnow(),
                                      decided_by_id=getattr(user, "id", None))
                              .returning(CenterVisit.id)).first()
    if done is None:
        raise AlreadyDecided()
    visit = db.session.get(CenterVisit, visit_id)
    db.session.refresh(visit)
    return visit


def record_visitors(visit: CenterVisit, counts: dict[str, int], *, today: date | None = None) -> CenterVisit:
    """Who came, by country (replacing an earlier record of the same visit); the caller commits."""
    today = today or seoul_today()
    errors = {}
    if visit.status != CONFIRMED:
        errors["counts"] = _l("Only a confirmed visit has visitors.")
    elif visit.day > today:
        errors["counts"] = _l("The visit has not taken place yet.")
    known = country_names("en")
    clean: dict[str, int] = {}
    for country, count in counts.items():
        country = (country or "").strip().upper()
        if not country and not count:
            continue
        try:
            count = int(count)
            if count < 0 or country not in known:
                raise ValueError
        except (TypeError, ValueError):
            errors["counts"] = _l("Each row needs a country from the list and a number of 0 or more.")
            continue
        clean[country] = clean.get(country, 0) + count
    if errors:
        raise InvalidVisit(errors)
    visit.counts = [CenterVisitCount(country=c, count=n) for c, n in sorted(clean.items()) if n > 0]
    visit.recorded_at = utcnow()
    db.session.flush()
    return visit


def visits(status: str | None = None) -> list[CenterVisit]:
    stmt = select(CenterVisit).options(selectinload(CenterVisit.counts), selectinload(CenterVisit.contact))
    if status:
        stmt = stmt.where(CenterVisit.status == status)
    return db.session.scalars(stmt.order_by(CenterVisit.day.desc(), CenterVisit.id.desc()).limit(500)).all()
