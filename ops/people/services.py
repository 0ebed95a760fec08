"""People: finding or adding a citizen, and recording consent."""
from __future__ import annotations

from functools import lru_cache

from sqlalchemy import bindparam, func, or_, select

from ..core.errors import DomainError
from ..core.timeutil import utcnow
from ..extensions import db
from .consent import COLLECTION, NOTICES, SMS_REMINDERS
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


@lru_cache(maxsize=1)
def person_query():
    """Built once: ``(id, email, country)`` of the first Person with the bound ``name`` and ``phone``.

    The rule of find_or_create_person (same name and phone: same person) as a query that
    a hot path can run on its own or inside a larger one; bind the name cleaned of extra
    spaces and the phone normalised.
    """
    people = Person.__table__
    return (select(people.c.id, people.c.email, people.c.country)
            .where(people.c.phone == bindparam("phone"), people.c.name == bindparam("name"))
            .order_by(people.c.id).limit(1))


def person_with_consents(found, name: str, phone: str, *, email: str | None, country: str | None,
                         purposes: list[str], source: str = "web", recorded_by=None) -> int:
    """Record the consents of the person ``found`` by person_query() (None: a new person, added here)
    and return the person's id; for hot paths, with nothing loaded into the session.

    The caller has checked what find_or_create_person checks. An existing person's blanks
    (e-mail, country) are filled in. A new person and their consents go in together: one
    statement on PostgreSQL, two elsewhere.
    """
    connection, now = db.session.connection(), utcnow()
    consents = _consent_rows(purposes, now, source, recorded_by)
    if found is None:
        person = {"name": _clean_name(name), "phone": phone, "email": email or None, "country": country,
                  "created_at": now, "updated_at": now}
        if consents and connection.dialect.name == "postgresql":
            return connection.execute(_add_person_with_consents(len(consents)), {
                **{f"p_{k}": v for k, v in person.items()},
                **{f"c{i}_{k}": v for i, row in enumerate(consents) for k, v in row.items()}}).first()[0]
        people = Person.__table__
        person_id = connection.execute(people.insert().returning(people.c.id), person).scalar_one()
    else:
        person_id = found.id
        if (email and not found.email) or (country and not found.country):
            connection.execute(Person.__table__.update().where(Person.__table__.c.id == person_id).values(
                email=found.email or email, country=found.country or country, updated_at=now))
    if consents:
        connection.execute(Consent.__table__.insert().values([{**row, "person_id": person_id} for row in consents]))
    return person_id


def _consent_rows(purposes: list[str], now, source: str, recorded_by) -> list[dict]:
    return [{"purpose": purpose, "version": _notice(purpose).version, "granted": True, "recorded_at": now,
             "source": source, "recorded_by_id": getattr(recorded_by, "id", None)} for purpose in purposes]


def _notice(purpose: str):
    """The consent notice for a purpose; InvalidPerson("purpose") for an unknown one."""
    notice = NOTICES.get(purpose)
    if notice is None:
        raise InvalidPerson("purpose")
    return notice


@lru_cache(maxsize=4)
def _add_person_with_consents(count: int):
    """PostgreSQL: WITH person AS (INSERT … RETURNING id) INSERT INTO consents … SELECT FROM person … RETURNING
    the person's id: one statement for ``count`` consents. Parameters are named apart from the columns."""
    from sqlalchemy import union_all
    from sqlalchemy.dialects.postgresql import insert

    people, consents = Person.__table__, Consent.__table__
    columns = ["name", "phone", "email", "country", "created_at", "updated_at"]
    person = (insert(people).from_select(columns, select(*(bindparam(f"p_{c}", type_=people.c[c].type)
                                                          for c in columns)))
              .returning(people.c.id).cte("person"))
    consent_columns = ["purpose", "version", "granted", "recorded_at", "source", "recorded_by_id"]
    rows = [select(person.c.id, *(bindparam(f"c{i}_{c}", type_=consents.c[c].type) for c in consent_columns))
            for i in range(count)]
    rows = rows[0] if count == 1 else union_all(*rows)
    return (insert(consents).from_select(["person_id", *consent_columns], rows)
            .returning(consents.c.person_id))


def record_consent(person: Person, purpose: str, granted: bool = True, *, source: str = "web",
                   recorded_by=None, version: str | None = None) -> Consent:
    """Record one decision for one purpose, with the version of the notice shown."""
    notice = _notice(purpose)
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


def live_consents(person_ids, purpose: str) -> set[int]:
    """Of these people, those whose latest decision on ``purpose`` is a yes not withdrawn (one query).

    The one place this rule lives: people pages, the outbox and every area's reminders ask here."""
    person_ids = {pid for pid in person_ids if pid is not None}
    if not person_ids:
        return set()
    rows = db.session.execute(select(Consent.person_id, Consent.granted, Consent.withdrawn_at)
                              .where(Consent.person_id.in_(person_ids), Consent.purpose == purpose)
                              .order_by(Consent.person_id, Consent.recorded_at, Consent.id))
    latest = {row.person_id: row.granted and row.withdrawn_at is None for row in rows}
    return {pid for pid, live in latest.items() if live}


def withdrew_consent(person_ids, purpose: str) -> set[int]:
    """Of these people, those who once agreed to ``purpose`` and withdrew (the outbox says so when it skips)."""
    person_ids = {pid for pid in person_ids if pid is not None}
    if not person_ids:
        return set()
    return set(db.session.scalars(select(Consent.person_id).where(
        Consent.person_id.in_(person_ids), Consent.purpose == purpose, Consent.withdrawn_at.is_not(None))))


def has_consent(person: Person, purpose: str) -> bool:
    return person.id in live_consents({person.id}, purpose)


def withdraw_consent(person: Person, purpose: str, *, source: str = "web", recorded_by=None) -> Consent:
    """Withdrawal is a new row, so the history of decisions is kept."""
    latest = current_consent(person, purpose)
    if latest is not None and latest.withdrawn_at is None:
        latest.withdrawn_at = utcnow()
    return record_consent(person, purpose, False, source=source, recorded_by=recorded_by,
                          version=latest.version if latest else None)


# --- Staff pages -------------------------------------------------------------------------------

def search_people(q: str, *, page: int, per_page: int) -> tuple[list[Person], int]:
    """(the page's people, how many match): the newest first; ``q`` matches a name, or a phone's
    last four digits when it holds four or more."""
    stmt = select(Person).order_by(Person.id.desc())
    if q:
        digits = "".join(ch for ch in q if ch.isdigit())
        conditions = [Person.name.contains(q)]
        if len(digits) >= 4:
            conditions.append(Person.phone.endswith(digits[-4:]))
        stmt = stmt.where(or_(*conditions))
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    return db.session.scalars(stmt.limit(per_page).offset((page - 1) * per_page)).all(), total


def consent_history(person: Person) -> list[Consent]:
    """Every consent decision of ``person``, the latest first."""
    return db.session.scalars(select(Consent).where(Consent.person_id == person.id)
                              .order_by(Consent.recorded_at.desc())).all()


def register_by_phone(name: str, phone: str, *, birth_year: int | None, district: str | None,
                      sms_reminders: bool, staff) -> Person:
    """A citizen who called: staff read the notice to them and record their answers; the caller commits."""
    person = find_or_create_person(name, phone, birth_year=birth_year, district=district)
    record_consent(person, COLLECTION, True, source="staff", recorded_by=staff)
    record_consent(person, SMS_REMINDERS, sms_reminders, source="staff", recorded_by=staff)
    return person
