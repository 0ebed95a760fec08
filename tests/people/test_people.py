import logging

import pytest
from sqlalchemy import func, select

from ops.extensions import db
from ops.people.consent import COLLECTION, NOTICES, SMS_REMINDERS
from ops.people.models import Consent, Person
from ops.people.services import (InvalidPerson, find_or_create_person, has_consent, record_consent,
                                 withdraw_consent)


def test_same_name_and_phone_is_the_same_person(app):
    first = find_or_create_person("김영희", "01012345678", birth_year=1950)
    second = find_or_create_person("김영희", "010-1234-5678")
    assert first.id == second.id


def test_a_family_phone_does_not_merge_two_people(app):
    grandma = find_or_create_person("김영희", "010-1234-5678", birth_year=1948)
    grandpa = find_or_create_person("박철수", "010-1234-5678", birth_year=1945)
    assert grandma.id != grandpa.id
    assert db.session.scalar(select(func.count(Person.id))) == 2


def test_same_name_on_one_phone_with_different_birth_years_stays_two(app):
    mother = find_or_create_person("이순자", "010-2222-3333", birth_year=1940)
    daughter = find_or_create_person("이순자", "010-2222-3333", birth_year=1968)
    assert mother.id != daughter.id


def test_unknown_district_is_refused(app):
    with pytest.raises(InvalidPerson):
        find_or_create_person("김영희", "010-1234-5678", district="부산진구")


def test_district_accepts_korean_names(app):
    assert find_or_create_person("김영희", "010-1234-5678", district="마포구").district == "mapo"


def test_consent_is_recorded_with_purpose_version_and_time(app):
    person = find_or_create_person("김영희", "010-1234-5678")
    record_consent(person, COLLECTION)
    db.session.commit()
    row = db.session.scalars(select(Consent)).one()
    assert (row.purpose, row.version, row.granted) == (COLLECTION, NOTICES[COLLECTION].version, True)
    assert row.recorded_at is not None


def test_withdrawn_reminder_consent_is_no_longer_current(app):
    person = find_or_create_person("김영희", "010-1234-5678")
    record_consent(person, SMS_REMINDERS)
    db.session.flush()
    assert has_consent(person, SMS_REMINDERS)
    withdraw_consent(person, SMS_REMINDERS)
    db.session.flush()
    assert not has_consent(person, SMS_REMINDERS)
    assert db.session.scalar(select(func.count(Consent.id))) == 2  # history kept


def test_every_notice_states_purpose_items_retention_and_refusal():
    for notice in NOTICES.values():
        for locale in ("ko", "en"):
            text = notice.text(locale)
            assert all(text[k] for k in ("purpose", "items", "retention", "refusal"))


def test_full_phone_numbers_never_reach_the_log(app, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("ops.test").info("sending to %s and +82 10 9876 5432", "010-1234-5678")
    text = caplog.text
    assert "1234" not in text and "9876" not in text
    assert "010-****-5678" in text


def test_staff_list_shows_names_and_numbers_masked(client, login_as):
    find_or_create_person("김철용", "010-1234-5678")
    db.session.commit()
    login_as("staff")
    page = client.get("/people").get_data(as_text=True)
    assert "김*용" in page and "010-****-5678" in page
    assert "김철용" not in page and "1234-5678" not in page


def test_staff_register_a_caller_with_consent(client, login_as):
    staff = login_as("staff")
    response = client.post("/people/new", data={"name": "박말순", "phone": "010 5555 6666", "birth_year": "1947",
                                                 "district": "nowon", "consent_collection": "y"})
    assert response.status_code == 302
    person = db.session.scalars(select(Person)).one()
    assert person.phone == "010-5555-6666"
    consents = {c.purpose: c for c in person.consents}
    assert consents[COLLECTION].granted and consents[COLLECTION].recorded_by_id == staff.id
    assert consents[COLLECTION].source == "staff"
    assert not consents[SMS_REMINDERS].granted


def test_bad_phone_in_the_form_gets_a_message_and_saves_nothing(client, login_as):
    login_as("staff")
    response = client.post("/people/new", data={"name": "박말순", "phone": "02-123-4567", "consent_collection": "y"})
    assert response.status_code == 422
    assert "휴대전화 번호를 확인해 주세요" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_registration_without_consent_is_refused(client, login_as):
    login_as("staff")
    response = client.post("/people/new", data={"name": "박말순", "phone": "010-5555-6666"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Person.id))) == 0


def test_the_person_form_asks_only_for_what_the_notice_lists(client, login_as):
    import re

    login_as("staff")
    page = client.get("/people/new").get_data(as_text=True)
    fields = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', page)) - {"csrf_token", "next"}
    assert fields == {"name", "phone", "birth_year", "district", "consent_collection", "consent_sms"}
