"""On the real PostgreSQL, with the clock given: a freed seat is offered to the first in line, held for
them until the offer expires, then offered to the next; never taken by a newcomer, never given to two."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ops.core.timeutil import to_seoul, utcnow
from ops.events import services
from ops.events.models import Event, Registration, TicketType
from ops.extensions import db
from ops.notify.models import OutboxMessage
from ops.passes.capacity import waitlist_position
from tests.events.conftest import make_event, register_one, registrant

pytestmark = pytest.mark.pg


@pytest.fixture
def app(pg_app):
    return pg_app


@pytest.fixture
def full(app):
    """A one-seat event (offers valid 24 hours): one holder and two in line."""
    event = make_event(capacity=1)
    holder, first, second = (register_one(event, n) for n in (1, 2, 3))
    return event, holder, first, second


def _status(registration_id: int) -> str:
    return db.session.scalar(select(Registration.status).where(Registration.id == registration_id))


def _taken(event) -> int:
    return db.session.scalar(select(TicketType.taken).where(TicketType.event_id == event.id))


def _history(registration) -> list[str]:
    return [h.what for h in services.registration_history([registration.id]).get(registration.id, [])]


def test_a_cancelled_seat_is_offered_by_text_held_and_accepted_in_time(app, client, full, time_machine):
    event, holder, first, second = full
    now = utcnow()
    promoted = services.cancel_registration(holder, now=now)
    db.session.commit()
    assert promoted == [first] and (_status(first.id), _status(second.id)) == ("offered", "waitlisted")
    assert first.offer_expires_at == now + timedelta(hours=24)
    [text] = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "events.offered")).all()
    assert text.person_id == first.person_id and text.data["url"].endswith(f"/t/{first.code}/accept")
    # The held seat goes to nobody else: a newcomer joins the line, behind the second in line.
    late = register_one(event, 4)
    assert late.status == "waitlisted" and _taken(event) == 1
    assert [waitlist_position(Registration, Registration.ticket_type_id, r) for r in (second, late)] == [1, 2]
    # Not in through the door before accepting.
    assert services.admit(first.code, gate="A", by_user=None).result == "not_confirmed"
    time_machine.move_to(to_seoul(now) + timedelta(hours=23), tick=True)
    page = client.get(f"/t/{first.code}/accept").get_data(as_text=True)
    assert "자리 수락하기" in page and first.name not in page  # the link shows the offer, nothing personal
    page = client.post(f"/t/{first.code}/accept", follow_redirects=True).get_data(as_text=True)
    assert _status(first.id) == "confirmed" and "자리가 확정되었습니다." in page
    assert _history(first) == ["offered", "accepted"] and "제안을 수락함" in page
    assert services.admit(first.code, gate="A", by_user=None).result == "ok"


def test_an_offer_not_accepted_in_time_moves_to_the_next_in_line(app, full):
    event, holder, first, second = full
    services.cancel_registration(holder)
    db.session.commit()
    expires = first.offer_expires_at
    assert services.expire_offers(now=expires - timedelta(minutes=1)) == 0  # not yet
    assert services.expire_offers(now=expires + timedelta(minutes=1)) == 1
    db.session.commit()
    assert (_status(first.id), _status(second.id)) == ("cancelled", "offered")
    assert _history(first) == ["offered", "expired"] and _history(second) == ["offered"]
    assert second.offer_expires_at == expires + timedelta(minutes=1) + timedelta(hours=24)
    with pytest.raises(services.OfferGone):
        services.accept_offer(first.id, now=expires + timedelta(minutes=2))
    db.session.rollback()
    assert _taken(event) == 1


@pytest.mark.parametrize("lang, message", [
    ("ko", "죄송합니다. 수락 기한이 지나 이 제안은 끝났고"),
    ("en", "Sorry, this offer is no longer open: it expired, and the seat goes to the next person in line.")],
    ids=["ko", "en"])
def test_a_late_accept_is_refused_with_a_clear_message(app, client, full, time_machine, lang, message):
    event, holder, first, second = full
    services.cancel_registration(holder)
    db.session.commit()
    time_machine.move_to(to_seoul(first.offer_expires_at) + timedelta(minutes=1), tick=True)
    client.set_cookie("ops_lang", lang)
    assert message in client.get(f"/t/{first.code}/accept").get_data(as_text=True)
    page = client.post(f"/t/{first.code}/accept", follow_redirects=True).get_data(as_text=True)
    assert message in page and _status(first.id) == "offered"  # the sweep moves it on
    assert services.expire_offers() == 1 and _status(second.id) == "offered"


def test_staff_cancelling_offers_the_seat_and_the_staff_list_shows_the_history(app, client, full, login_as):
    event, holder, first, second = full
    login_as("staff")
    response = client.post(f"/events/manage/{event.slug}/registrations/{holder.id}/cancel", follow_redirects=True)
    assert "빈자리는" in response.get_data(as_text=True) and _status(first.id) == "offered"
    client.post(f"/t/{first.code}/cancel")  # the person cannot come: the offer goes on at once
    page = client.get(f"/events/manage/{event.slug}/registrations").get_data(as_text=True)
    assert _status(second.id) == "offered" and _history(first) == ["offered", "declined"]
    assert page.count("자리가 제안됨") == 2 and "제안을 사양함" in page and "자리 제안 중" in page


def test_no_offer_hours_keep_the_instant_promotion(app):
    event = make_event(capacity=1, offer_hours=0)
    holder, waiting = register_one(event, 1), register_one(event, 2)
    assert services.cancel_registration(holder) == [waiting]
    db.session.commit()
    assert _status(waiting.id) == "confirmed" and _history(waiting) == []
    assert db.session.scalar(select(OutboxMessage.template).where(OutboxMessage.person_id == waiting.person_id)
                             .order_by(OutboxMessage.id.desc()).limit(1)) == "events.promoted"


def _at_once(app, jobs) -> list:
    """Run each job in its own thread and app context, all released together; their answers."""
    barrier = threading.Barrier(len(jobs))
    answers = []

    def run(job):
        with app.app_context():
            barrier.wait()
            try:
                answers.append(job())
                db.session.commit()
            except services.OfferGone:
                db.session.rollback()
                answers.append("gone")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.expire_all()
    return answers


def test_registrations_racing_a_cancellation_never_take_the_seat_offered(app, full):
    event, holder, first, second = full
    event_id, holder_id = event.id, holder.id  # read here: the threads must not load the test's objects

    def cancel():
        services.cancel_registration(db.session.get(Registration, holder_id))
        return "cancelled"

    def register(n):
        return lambda: services.register(db.session.get(Event, event_id), **registrant(n)).registration.status

    answers = _at_once(app, [cancel] + [register(n) for n in range(10, 22)])
    assert sorted(answers) == ["cancelled"] + ["waitlisted"] * 12
    assert (_status(first.id), _status(second.id)) == ("offered", "waitlisted") and _taken(event) == 1
    assert db.session.scalar(select(func.count()).where(Registration.event_id == event.id,
                                                        Registration.status == "confirmed")) == 0


def test_an_accept_racing_the_sweeps_gives_the_seat_to_one_person_only(app, full):
    event, holder, first, second = full
    services.cancel_registration(holder)
    db.session.commit()
    expires, first_id = first.offer_expires_at, first.id
    # The person accepts a second before the expiry while the sweeps (on a clock a second ahead) run.
    jobs = [lambda: services.accept_offer(first_id, now=expires - timedelta(seconds=1)) and "accepted"]
    jobs += [lambda: services.expire_offers(now=expires + timedelta(seconds=1))] * 3
    answers = _at_once(app, jobs)
    holding = db.session.scalars(select(Registration.id).where(
        Registration.event_id == event.id, Registration.status.in_(("confirmed", "offered")))).all()
    assert len(holding) == 1 and _taken(event) == 1
    if "accepted" in answers:
        assert sorted(map(str, answers)) == ["0", "0", "0", "accepted"] and holding == [first.id]
        assert _status(second.id) == "waitlisted"
    else:
        assert sorted(map(str, answers)) == ["0", "0", "1", "gone"] and holding == [second.id]
