"""Whose latest decision is a live yes: the one query people, the outbox and reminders share."""
from ops.extensions import db
from ops.notify.services import consenting_to_reminders
from ops.people.consent import COLLECTION, SMS_REMINDERS
from ops.people.services import (find_or_create_person, has_consent, live_consents, record_consent,
                                 withdraw_consent)


def _person(name: str, phone: str):
    return find_or_create_person(name, phone, birth_year=1950)


def test_only_a_latest_yes_not_withdrawn_is_live(app):
    said_yes = _person("김영희", "010-1111-2222")
    changed_mind = _person("박철수", "010-3333-4444")
    withdrew = _person("이순자", "010-5555-6666")
    never_asked = _person("최민수", "010-7777-8888")
    record_consent(said_yes, SMS_REMINDERS, True)
    record_consent(changed_mind, SMS_REMINDERS, True)
    db.session.flush()
    record_consent(changed_mind, SMS_REMINDERS, False)
    record_consent(withdrew, SMS_REMINDERS, True)
    db.session.flush()
    withdraw_consent(withdrew, SMS_REMINDERS)
    db.session.flush()
    everyone = {p.id for p in (said_yes, changed_mind, withdrew, never_asked)}

    assert live_consents(everyone, SMS_REMINDERS) == {said_yes.id}
    assert consenting_to_reminders(everyone) == {said_yes.id}
    assert [has_consent(p, SMS_REMINDERS) for p in (said_yes, changed_mind, withdrew, never_asked)] == \
        [True, False, False, False]


def test_a_yes_for_one_purpose_is_not_a_yes_for_another(app):
    person = _person("김영희", "010-1111-2222")
    record_consent(person, COLLECTION, True)
    db.session.flush()
    assert live_consents({person.id}, COLLECTION) == {person.id}
    assert live_consents({person.id}, SMS_REMINDERS) == set()
    assert live_consents(set(), SMS_REMINDERS) == set()
