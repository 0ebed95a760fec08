"""Registration: the JSON API's answers, same person → same ticket, waiting list in order, never oversold."""
import threading
from datetime import datetime

import pytest
from sqlalchemy import func, select, update

from ops.events import services
from ops.events.models import Event, Registration, TicketType
from ops.extensions import db
from ops.notify.models import OutboxMessage
from ops.events.consent import EVENT_REGISTRATION
from ops.people.models import Consent
from tests.conftest import sqlite_app, statements_sent
from tests.events.conftest import make_event, register_one, registrant

URL = "/api/v1/events/slw-2025/registrations"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def app(request, tmp_path, monkeypatch):
    """Each rule on both databases: on PostgreSQL the person with their consents, and the seat with
    the registration, each go in as one statement; on SQLite as two."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_app")
    else:
        with sqlite_app(tmp_path, monkeypatch) as app:
            yield app


def at_once(app, bodies: list[dict]) -> list:
    """POST every body to the registration API from its own thread, all released together."""
    barrier = threading.Barrier(len(bodies))
    answers = []

    def post(body):
        client = app.test_client()
        barrier.wait()
        answers.append(client.post(URL, json=body))

    threads = [threading.Thread(target=post, args=(body,)) for body in bodies]
    [t.start() for t in threads]
    [t.join() for t in threads]
    return answers


def test_registration_api_answers_201_with_the_ticket(client, event):
    response = client.post(URL, json=registrant(1, email="kim@example.org", affiliation="서울시", city="서울"))
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "confirmed" and body["ticket_code"].startswith("T.SLW-2025.")
    assert body["ticket_url"].endswith(f"/t/{body['ticket_code']}") and body["id"]


def test_registration_records_consent_and_queues_the_ticket_message(client, event):
    client.post(URL, json=registrant(1))
    registration = db.session.scalar(select(Registration))
    assert db.session.scalar(select(Consent.purpose).where(Consent.person_id == registration.person_id)) == EVENT_REGISTRATION
    message = db.session.scalar(select(OutboxMessage))
    assert (message.template, message.purpose, message.recipient) == ("events.ticket", "service", "010-2000-0001")


def test_same_person_registering_twice_keeps_one_seat_and_is_not_shown_the_ticket(client, event):
    first = client.post(URL, json=registrant(1)).get_json()
    again = client.post(URL, json=registrant(1, phone="01020000001"))
    assert again.status_code == 200 and again.get_json()["already_registered"] is True
    assert first["ticket_code"] not in again.get_data(as_text=True)
    assert db.session.get(TicketType, event.ticket_types[0].id).taken == 1


def test_foreign_mobile_numbers_are_accepted(client, event):
    response = client.post(URL, json=registrant(1, name="Emily Carter", phone="+1 206 555 0134", country="US"))
    assert response.status_code == 201
    assert db.session.scalar(select(Registration.country)) == "US"


@pytest.mark.parametrize("change,field", [
    ({"phone": "12345"}, "phone"),
    ({"consent": False}, "consent"),
    ({"name": ""}, "name"),
    ({"ticket_type": "vip"}, "ticket_type"),
    ({"email": "not-an-email"}, "email"),
    ({"country": "XX"}, "country"),
])
def test_bad_input_is_422_with_the_field_and_nothing_saved(client, event, change, field):
    response = client.post(URL, json=registrant(1, **change))
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_full_ticket_type_without_waiting_list_is_409_sold_out(client, app):
    make_event(capacity=1, waitlist=False)
    client.post(URL, json=registrant(1))
    response = client.post(URL, json=registrant(2))
    assert response.status_code == 409 and response.get_json() == {"error": "sold_out"}


def test_full_ticket_type_with_waiting_list_answers_waitlisted(client, app):
    make_event(capacity=1, waitlist=True)
    client.post(URL, json=registrant(1))
    response = client.post(URL, json=registrant(2))
    assert response.status_code == 201 and response.get_json()["status"] == "waitlisted"


def test_unknown_event_is_404(client, app):
    assert client.post("/api/v1/events/nope/registrations", json=registrant(1)).status_code == 404


def test_cancelling_promotes_the_waiting_list_in_order_and_tells_them(app):
    event = make_event(capacity=1, offer_hours=0)  # no offer: the seat is given at once
    holder = register_one(event, 1)
    first_in_line, second_in_line = register_one(event, 2), register_one(event, 3)
    assert first_in_line.status == second_in_line.status == "waitlisted"
    promoted = services.cancel_registration(holder)
    db.session.commit()
    assert promoted == [first_in_line] and first_in_line.status == "confirmed"
    assert second_in_line.status == "waitlisted" and holder.status == "cancelled"
    assert db.session.scalar(select(OutboxMessage.template).where(OutboxMessage.dedup_key
                                                                  == f"event-promoted:{first_in_line.id}"))


def test_cancel_link_on_the_ticket_cancels_and_frees_the_seat(client, app):
    event = make_event(capacity=1)
    registration = register_one(event, 1)
    response = client.post(f"/t/{registration.code}/cancel")
    assert response.status_code == 302
    db.session.expire_all()
    assert registration.status == "cancelled" and event.ticket_types[0].taken == 0


def test_registering_again_after_cancelling_gives_a_new_ticket(app):
    event = make_event()
    first = register_one(event, 1)
    services.cancel_registration(first)
    db.session.commit()
    second = register_one(event, 1)
    assert second.id != first.id and second.status == "confirmed"


def test_closed_registration_is_refused(client, app):
    from datetime import timedelta

    from ops.core.timeutil import utcnow

    make_event(registration_closes_at=utcnow() - timedelta(minutes=1))
    response = client.post(URL, json=registrant(1))
    assert response.status_code == 409 and response.get_json()["error"] == "registration_closed"


def test_conference_session_seats_are_booked_and_released(app):
    from ops.events.models import EventSession

    event = make_event()
    session = services.add_session(event, title_ko="빅데이터 포럼", day=event.first_day, capacity=1)
    db.session.commit()
    first = register_one(event, 1, session_ids=[session.id])
    second = register_one(event, 2, session_ids=[session.id])
    assert [b.status for b in first.bookings] == ["confirmed"] and [b.status for b in second.bookings] == ["waitlisted"]
    services.cancel_registration(first)
    db.session.commit()
    assert [b.status for b in second.bookings] == ["confirmed"] and db.session.get(EventSession, session.id).taken == 1


def test_a_waitlisted_ticket_holds_no_conference_seat_until_it_is_confirmed(app):
    from ops.events.models import EventSession

    event = make_event(capacity=1, offer_hours=0)
    session = services.add_session(event, title_ko="빅데이터 포럼", day=event.first_day, capacity=5)
    db.session.commit()
    holder = register_one(event, 1)
    waiting = register_one(event, 2, session_ids=[session.id])
    assert waiting.status == "waitlisted" and [b.status for b in waiting.bookings] == ["on_hold"]
    assert db.session.get(EventSession, session.id).taken == 0
    services.cancel_registration(holder)
    db.session.commit()
    assert waiting.status == "confirmed" and [b.status for b in waiting.bookings] == ["confirmed"]
    assert db.session.get(EventSession, session.id).taken == 1


@pytest.mark.pg
def test_fifty_concurrent_registrations_never_exceed_twenty_seats(pg_app):
    make_event(capacity=20)
    answers = [r.status_code for r in at_once(pg_app, [registrant(n) for n in range(50)])]
    db.session.expire_all()
    statuses = dict(db.session.execute(select(Registration.status, func.count()).group_by(Registration.status)).all())
    assert answers == [201] * 50
    assert statuses == {"confirmed": 20, "waitlisted": 30}
    assert db.session.scalar(select(TicketType.taken)) == 20


@pytest.mark.pg
def test_concurrent_registrations_without_waiting_list_sell_exactly_the_seats(pg_app):
    make_event(capacity=20, waitlist=False)
    answers = [r.status_code for r in at_once(pg_app, [registrant(n) for n in range(50)])]
    assert sorted(answers) == [201] * 20 + [409] * 30
    assert db.session.scalar(select(func.count(Registration.id))) == 20


@pytest.mark.pg
def test_same_person_at_the_same_moment_gets_one_ticket(pg_app):
    make_event(capacity=20)
    answers = at_once(pg_app, [registrant(7)] * 6)
    assert sorted(r.status_code for r in answers) == [200] * 5 + [201]
    assert db.session.scalar(select(TicketType.taken)) == 1
    assert db.session.scalar(select(func.count(Registration.id))) == 1


def test_waitlisted_registrant_is_told_they_wait_and_gets_no_ticket_message(app):
    event = make_event(capacity=0)
    registration = register_one(event, 1)
    templates = db.session.scalars(select(OutboxMessage.template).where(OutboxMessage.person_id
                                                                        == registration.person_id)).all()
    assert registration.status == "waitlisted" and templates == ["events.waitlisted"]


def test_a_person_known_from_another_programme_keeps_one_record_and_gains_what_was_missing(client, event):
    from ops.people.models import Person
    from ops.people.services import find_or_create_person

    known = find_or_create_person("김민001", "010-2000-0001")
    db.session.commit()
    assert client.post(URL, json=registrant(1, email="kim@example.org")).status_code == 201
    db.session.expire_all()
    people = db.session.scalars(select(Person)).all()
    assert [p.id for p in people] == [known.id] and people[0].email == "kim@example.org"
    purposes = db.session.scalars(select(Consent.purpose).where(Consent.person_id == known.id)).all()
    assert purposes == [EVENT_REGISTRATION]


def test_closing_registration_counts_at_once_for_the_api(app, client, event):
    assert client.post(URL, json=registrant(1)).status_code == 201
    services.update_event(event, registration_closes_at=datetime(2000, 1, 1))
    db.session.commit()
    response = client.post(URL, json=registrant(2))
    assert response.status_code == 409 and response.get_json()["error"] == "registration_closed"


def test_a_change_made_by_another_process_counts_within_the_event_cache_time(app, client, event, trust_clock):
    app.config["OPS_EVENT_CACHE_SECONDS"] = 5
    assert client.post(URL, json=registrant(1)).status_code == 201
    # Another process closes registration: a plain UPDATE, which tells this process nothing.
    db.session.execute(update(Event).where(Event.id == event.id).values(registration_closes_at=datetime(2000, 1, 1)))
    db.session.commit()
    assert client.post(URL, json=registrant(2)).status_code == 201
    trust_clock.advance(5.1)
    assert client.post(URL, json=registrant(3)).status_code == 409


@pytest.mark.pg
def test_a_registration_is_four_statements_on_postgresql(pg_app):
    """The burst's hot path: the person and their registration, the person with consents, the seat
    with the ticket, the outbox row (the event is trusted for a few seconds)."""
    make_event(capacity=20)
    client = pg_app.test_client()
    assert client.post(URL, json=registrant(1)).status_code == 201
    with statements_sent(db.engine) as sent:
        assert client.post(URL, json=registrant(2)).status_code == 201
    statements = [statement.split()[0] for statement in sent]
    assert statements == ["SELECT", "WITH", "WITH", "INSERT"]
