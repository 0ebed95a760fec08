"""Visit requests: checked against the bus's seasons, blackouts, weekends, slots and seats."""
from datetime import date

import pytest
from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select

from ops.extensions import db
from ops.notify.models import OutboxMessage
from ops.programs.bus import services
from ops.programs.bus.models import BusVisit

from .conftest import APRIL_1, MAY_5


def refused(world, day, locale="ko", **kwargs) -> dict:
    """The errors of a refused request, as the user reads them in ``locale``."""
    with pytest.raises(services.InvalidVisit) as caught:
        world.request(day, **kwargs)
    db.session.rollback()
    with current_app.test_request_context(), force_locale(locale):
        return {field: str(message) for field, message in caught.value.errors.items()}


def test_request_in_season_on_a_weekday_is_recorded_as_requested(world):
    visit = world.request(date(2025, 4, 15))
    db.session.commit()
    assert (visit.status, visit.bus_id, visit.expected_participants) == ("requested", world.bus.id, 20)


def test_request_out_of_season_is_refused_on_the_date(world):
    errors = refused(world, date(2025, 8, 12))
    assert list(errors) == ["day"] and "03.01–07.31" in errors["day"]
    assert db.session.scalar(select(func.count(BusVisit.id))) == 0


def test_request_on_a_blackout_day_names_the_reason(world):
    assert "어린이날" in refused(world, MAY_5)["day"]


def test_request_on_a_saturday_is_refused_unless_the_bus_runs_weekends(world):
    saturday = date(2025, 4, 12)
    assert "day" in refused(world, saturday)
    world.bus.weekends = True
    db.session.commit()
    assert world.request(saturday).status == "requested"


def test_request_for_more_people_than_seats_is_refused(world):
    assert "25" in refused(world, date(2025, 4, 15), expected=26)["expected_participants"]


def test_request_for_today_or_earlier_is_refused(world):
    assert "day" in refused(world, APRIL_1)


def test_request_for_a_slot_that_does_not_exist_is_refused(world):
    with pytest.raises(services.InvalidVisit) as caught:
        services.request_visit(world.institution, slot_id=999, day=date(2025, 4, 15),
                               programme_id=world.robot.id, expected_participants=10, today=APRIL_1)
    assert "slot" in caught.value.errors


def test_request_for_an_already_booked_slot_is_refused(world):
    world.run(date(2025, 4, 15))
    db.session.commit()
    assert "slot" in refused(world, date(2025, 4, 15))
    assert world.request(date(2025, 4, 15), slot=world.pm).status == "requested"


def test_messages_are_korean_by_default_and_english_on_request(world):
    assert "Saturdays and Sundays" in refused(world, date(2025, 4, 12), locale="en")["day"]
    assert "주말" in refused(world, date(2025, 4, 12))["day"]


def test_a_request_tells_the_contact_it_was_received(world):
    world.request(date(2025, 4, 15))
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    assert (message.template, message.recipient, message.purpose) == ("bus.request_received", "010-2345-6789",
                                                                      "service")
    assert "/bus/i/" in message.data["url"]
