"""On the day: participants counted by age band, or one by one (each a Person) for the pilot."""
from datetime import date

import pytest
from sqlalchemy import func, select

from ops.extensions import db
from ops.people.models import Consent, Person
from ops.programs.bus import services
from ops.programs.bus.models import BusParticipant

DAY = date(2025, 4, 15)


def test_counts_by_age_band_are_recorded_and_replaced_when_corrected(world):
    visit = world.run(DAY)
    services.record_counts(visit, {"60_69": 8, "70_79": 6, "80_plus": 2, "20_59": 3}, today=DAY)
    services.record_counts(visit, {"60_69": 9, "70_79": 6, "80_plus": 2, "20_59": 3}, today=DAY)
    db.session.commit()
    assert {c.age_band: c.count for c in visit.counts}["60_69"] == 9
    assert services.participant_total(visit) == 20


def test_counts_cannot_be_recorded_before_the_visit_day(world):
    visit = world.run(DAY)
    with pytest.raises(services.NotRecordable):
        services.record_counts(visit, {"60_69": 8}, today=date(2025, 4, 14))


def test_counts_of_a_request_not_approved_are_refused(world):
    visit = world.request(DAY)
    with pytest.raises(services.NotRecordable):
        services.record_counts(visit, {"60_69": 8}, today=DAY)


def test_a_negative_count_is_refused(world):
    visit = world.run(DAY)
    with pytest.raises(services.InvalidVisit) as caught:
        services.record_counts(visit, {"60_69": -1}, today=DAY)
    assert "60_69" in caught.value.errors


def test_a_pilot_participant_is_a_person_with_consent_and_an_age_band(world):
    visit = world.run(DAY, programme=world.pilot)
    participant = services.add_participant(visit, name="박할매", phone="010-1111-2222", birth_year=1948,
                                           role="grandparent", consent=True, today=DAY)
    db.session.commit()
    assert participant.age_band == "70_79"
    assert db.session.scalar(select(Consent.purpose).where(Consent.person_id == participant.person_id)) == "collection"


def test_a_pilot_participant_without_consent_is_not_recorded(world):
    visit = world.run(DAY, programme=world.pilot)
    with pytest.raises(services.InvalidVisit) as caught:
        services.add_participant(visit, name="박손주", phone=None, birth_year=2016, role="grandchild",
                                 consent=False, today=DAY)
    assert "consent_collection" in caught.value.errors
    assert db.session.scalar(select(func.count(Person.id))) == 1  # only the institution's contact


def test_the_same_pilot_participant_added_twice_is_one_row(world):
    visit = world.run(DAY, programme=world.pilot)
    for _ in range(2):
        services.add_participant(visit, name="박할매", phone="010-1111-2222", birth_year=1948,
                                 role="grandparent", consent=True, today=DAY)
    assert db.session.scalar(select(func.count(BusParticipant.id))) == 1


def test_participants_one_by_one_only_for_a_per_person_programme(world):
    visit = world.run(DAY)
    with pytest.raises(services.InvalidVisit):
        services.add_participant(visit, name="박할매", phone="010-1111-2222", birth_year=1948,
                                 role="grandparent", consent=True, today=DAY)
