"""Staff decisions on requests: approve, decline, cancel, propose another date (answered by signed link)."""
from datetime import date

import pytest
from sqlalchemy import select

from ops.extensions import db
from ops.notify.models import OutboxMessage
from ops.programs.bus import services

from .conftest import APRIL_1

APRIL_15 = date(2025, 4, 15)


def templates() -> list[str]:
    return list(db.session.scalars(select(OutboxMessage.template).order_by(OutboxMessage.id)))


def test_approval_books_the_slot_and_tells_the_contact_at_once(world):
    visit = world.request(APRIL_15)
    services.approve_visit(visit.id)
    db.session.commit()
    assert visit.status == "approved"
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "bus.visit_approved"))
    assert message.purpose == "service" and message.data["date"] == "2025-04-15"


def test_a_second_request_for_a_booked_slot_cannot_be_approved(world):
    first, second = world.request(APRIL_15), world.request(APRIL_15, institution=world.another_institution())
    services.approve_visit(first.id)
    with pytest.raises(services.SlotTaken):
        services.approve_visit(second.id)
    db.session.commit()
    assert (first.status, db.session.get(type(second), second.id).status) == ("approved", "requested")


def test_approving_a_decided_request_again_is_refused(world):
    visit = world.request(APRIL_15)
    services.approve_visit(visit.id)
    with pytest.raises(services.NotPending):
        services.approve_visit(visit.id)


def test_declining_needs_a_reason(world):
    visit = world.request(APRIL_15)
    with pytest.raises(services.InvalidVisit):
        services.decline_visit(visit.id, "  ")
    assert visit.status == "requested"


def test_declining_tells_the_contact_the_reason(world):
    visit = world.request(APRIL_15)
    services.decline_visit(visit.id, "차량 정비 일정")
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "bus.visit_declined"))
    assert message.data["reason"] == "차량 정비 일정"


def test_cancelling_an_approved_visit_frees_its_slot(world):
    visit = world.run(APRIL_15)
    services.cancel_visit(visit.id, "기관 사정")
    other = world.request(APRIL_15, today=APRIL_1)
    assert services.approve_visit(other.id).status == "approved"


def test_an_accepted_proposal_approves_the_visit_on_the_proposed_day(world):
    visit = world.request(APRIL_15)
    services.propose_other_date(visit.id, day=date(2025, 4, 17), slot_id=world.pm.id, today=APRIL_1)
    db.session.commit()
    found, round_ = services.read_proposal_token(services.proposal_token(visit))
    services.answer_proposal(found, round_, accept=True)
    db.session.commit()
    assert (visit.status, visit.day, visit.slot_id) == ("approved", date(2025, 4, 17), world.pm.id)
    assert templates()[-2:] == ["bus.visit_proposed", "bus.visit_approved"]


def test_a_proposal_message_carries_the_signed_answer_link(world):
    visit = world.request(APRIL_15)
    services.propose_other_date(visit.id, day=date(2025, 4, 17), slot_id=world.pm.id, today=APRIL_1)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "bus.visit_proposed"))
    assert message.data["proposal_url"].endswith("/bus/p/" + services.proposal_token(visit))


def test_a_refused_proposal_goes_back_to_staff(world):
    visit = world.request(APRIL_15)
    services.propose_other_date(visit.id, day=date(2025, 4, 17), slot_id=world.pm.id, today=APRIL_1)
    services.answer_proposal(visit, visit.proposal_round, accept=False)
    assert visit.status == "requested"


def test_the_link_of_an_older_proposal_stops_working(world):
    visit = world.request(APRIL_15)
    services.propose_other_date(visit.id, day=date(2025, 4, 17), slot_id=world.pm.id, today=APRIL_1)
    old_token = services.proposal_token(visit)
    services.propose_other_date(visit.id, day=date(2025, 4, 18), slot_id=world.pm.id, today=APRIL_1)
    found, round_ = services.read_proposal_token(old_token)
    with pytest.raises(services.NotPending):
        services.answer_proposal(found, round_, accept=True)


def test_accepting_a_proposal_whose_slot_was_taken_meanwhile_is_refused(world):
    visit = world.request(APRIL_15)
    services.propose_other_date(visit.id, day=date(2025, 4, 17), slot_id=world.pm.id, today=APRIL_1)
    world.run(date(2025, 4, 17), slot=world.pm)
    with pytest.raises(services.SlotTaken):
        services.answer_proposal(visit, visit.proposal_round, accept=True)
    assert db.session.get(type(visit), visit.id, populate_existing=True).status == "proposed"


def test_a_proposal_for_a_closed_day_is_refused(world):
    visit = world.request(APRIL_15)
    with pytest.raises(services.InvalidVisit) as caught:
        services.propose_other_date(visit.id, day=date(2025, 8, 5), slot_id=world.pm.id, today=APRIL_1)
    assert "day" in caught.value.errors


def test_a_forged_proposal_link_is_refused(world):
    with pytest.raises(services.BadLink):
        services.read_proposal_token("WzEsMV0.forged")


def test_a_request_for_a_day_closed_since_cannot_be_approved(world):
    visit = world.request(APRIL_15)
    services.add_blackout(world.bus, APRIL_15, "차량 정비")
    with pytest.raises(services.InvalidVisit) as caught:
        services.approve_visit(visit.id)
    assert "day" in caught.value.errors and visit.status == "requested"
