"""People: finding or adding a citizen, and recording consent."""
from __future__ import annotations

from sqlalchemy import select

from ..core.errors import DomainError
from ..core.timeutil import utcnow
from ..extensions import db
from .consent import COLLECTION, NOTICES
from .districts import find_district
from .models import Consent, Person
from .phone import normalise_phone


class InvalidPerson(DomainError):
    code = "invalid_person"


class ConsentRequired(DomainError):
    code = "consent_required"


def _clean_name(name: str | None) -> str:
    return " ".join((name or "").split())


def find_person(name: str, phone: str, birth_year: int | None = None) -> Person | None:
    """The existing person with this name and phone (and a compatible birth year), if any."""
    name = _clean_name(name)
    rows = db.session.scalars(select(Person).where(Person.phone == phone, Person.name == name)
                              .order_by(Person.id)).all()
    for person in rows:
        if birth_year is None or person.birth_year is None or person.birth_year == birth_year:
            return person
    return None


def find_or_create_person(name: str, phone: str | None, *, birth_year: int | None = None,
                          district: str | None = None, email: str | None = None,
                          country: str | None = None, allow_foreign: bool = False, flush: bool = True) -> Person:
    """The one Person for this citizen: same name + same phone is the same person.

    Two people sharing one family phone have different names and so stay apart.
    The caller commits. ``flush=False`` leaves a new row to the caller's next flush, so that
    it goes in with the rows that follow it (the person then has no id until that flush).
    """
    name = _clean_name(name)
    if not name or len(name) > 100:
        raise InvalidPerson("name")
    normalised = normalise_phone(phone, allow_foreign=allow_foreign) if phone else None
    if birth_year is not None and not (1900 <= int(birth_year) <= utcnow().year):
        raise InvalidPerson("birth_year")
    district_code = None
    if district:
        found = find_district(district)
        if found is None:
            raise InvalidPerson("district")
        district_code = found.code
    person = find_person(name, normalised, birth_year) if normalised else None
    if person is None:
        person = Person(name=name, phone=normalised, birth_year=birth_year, district=district_code,
                        email=email or None, country=country)
        db.session.add(person)
        if flush:
            db.session.flush()
    else:
        # Fill in what we did not know; never overwrite what the person told us before.
        person.birth_year = person.birth_year or birth_year
        person.district = person.district or district_code
        person.email = person.email or email or None
        person.country = person.country or country
    return person


def record_consent(person: Person, purpose: str, granted: bool = True, *, source: str = "web",
                   recorded_by=None, version: str | None = None) -> Consent:
    """Record one decision for one purpose, with the version of the notice shown."""
    notice = NOTICES.get(purpose)
    if notice is None:
        raise InvalidPerson("purpose")
    consent = Consent(person=person, purpose=purpose, version=version or notice.version,
                      granted=bool(granted), source=source,
                      recorded_by_id=getattr(recorded_by, "id", None))
    db.session.add(consent)
    return consent


def require_collection_consent(person: Person, given: bool, **kwargs) -> Consent:
    if not given:
        raise ConsentRequired()
    return record_consent(person, COLLECTION, True, **kwargs)


def current_consent(person: Person, purpose: str) -> Consent | None:
    return db.session.scalar(select(Consent).where(Consent.person_id == person.id, Consent.purpose == purpose)
                             .order_by(Consent.recorded_at.desc(), Consent.id.desc()).limit(1))


def has_consent(person: Person, purpose: str) -> bool:
    consent = current_consent(person, purpose)
    return bool(consent and consent.granted and consent.withdrawn_at is None)


def withdraw_consent(person: Person, purpose: str, *, source: str = "web", recorded_by=None) -> Consent:
    """Withdrawal is a new row, so the history of decisions is kept."""
    latest = current_consent(person, purpose)
    if latest is not None and latest.withdrawn_at is None:
        latest.withdrawn_at = utcnow()
    return record_consent(person, purpose, False, source=source, recorded_by=recorded_by,
                          version=latest.version if latest else None)
