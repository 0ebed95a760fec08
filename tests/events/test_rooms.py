"""Conference rooms at the door: a room admits tickets booked for its session, once, within its seats."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ops.core.timeutil import seoul_today
from ops.events import services
from ops.events.models import EventSession, SessionBooking
from ops.extensions import db
from ops.passes.models import CheckIn
from tests.conftest import login
from tests.events.conftest import make_event, register_one

URL = "/api/v1/checkin"


@pytest.fixture
def staff(token_for):
    return token_for("staff")


@pytest.fixture
def forum(app):
    """An event today with a 2-seat forum today and a talk tomorrow."""
    event = make_event(capacity=None)
    today = seoul_today()
    forum = services.add_session(event, title_ko="AI 포럼", title_en="AI forum", day=today, starts_at="14:00",
                                 room="Room 301", capacity=2)
    tomorrow = services.add_session(event, title_ko="내일 강연", day=today + timedelta(days=1), capacity=10)
    db.session.commit()
    return event, forum, tomorrow


def room_scan(client, headers, code, session, gate="301 door"):
    return client.post(URL, json={"code": code, "gate": gate, "occasion": f"session:{session.id}"}, headers=headers)


def walk_in(client, headers, code, session, gate="301 door"):
    return client.post(f"/api/v1/events/sessions/{session.id}/walk-in", json={"code": code, "gate": gate},
                       headers=headers)


def test_a_ticket_booked_for_the_session_is_admitted_to_the_room_once(client, forum, staff):
    event, room, _tomorrow = forum
    ticket = register_one(event, 1, session_ids=[room.id])
    first = room_scan(client, staff, ticket.code, room)
    assert first.status_code == 200 and first.get_json()["label"] == "AI 포럼"
    again = room_scan(client, staff, ticket.code, room, gate="301 back door")
    assert again.status_code == 409 and again.get_json()["error"] == "already_checked_in"
    # The room's admission is its own: the day's entrance is still to come.
    assert client.post(URL, json={"code": ticket.code, "gate": "Hall A"}, headers=staff).status_code == 200


def test_a_ticket_not_booked_is_told_so_and_offered_a_free_walk_in_seat(client, forum, staff):
    event, room, _tomorrow = forum
    ticket = register_one(event, 1)
    answer = room_scan(client, staff, ticket.code, room)
    assert answer.status_code == 409
    assert answer.get_json()["error"] == "not_booked" and answer.get_json()["walk_in"] is True
    seated = walk_in(client, staff, ticket.code, room)
    assert seated.status_code == 200 and seated.get_json()["result"] == "ok"
    db.session.expire_all()
    assert db.session.get(EventSession, room.id).taken == 1
    assert db.session.scalar(select(SessionBooking.status).where(SessionBooking.registration_id == ticket.id)) \
        == "confirmed"


def test_a_full_room_refuses_the_unbooked_and_gives_no_walk_in_seat(client, forum, staff):
    event, room, _tomorrow = forum
    for n in (1, 2):
        register_one(event, n, session_ids=[room.id])
    stranger = register_one(event, 3)
    answer = room_scan(client, staff, stranger.code, room)
    assert answer.status_code == 409 and answer.get_json()["error"] == "room_full"
    assert "walk_in" not in answer.get_json()
    assert walk_in(client, staff, stranger.code, room).get_json()["error"] == "room_full"
    db.session.expire_all()
    assert db.session.get(EventSession, room.id).taken == 2
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_a_session_of_another_day_is_wrong_day(client, forum, staff):
    event, _room, tomorrow = forum
    ticket = register_one(event, 1, session_ids=[tomorrow.id])
    answer = room_scan(client, staff, ticket.code, tomorrow)
    assert answer.status_code == 422 and answer.get_json()["error"] == "wrong_day"


def test_a_cancelled_ticket_is_refused_at_the_room(client, forum, staff):
    event, room, _tomorrow = forum
    ticket = register_one(event, 1, session_ids=[room.id])
    services.cancel_registration(ticket)
    db.session.commit()
    assert room_scan(client, staff, ticket.code, room).get_json()["error"] == "cancelled"


def test_staff_choose_the_room_on_the_scanner_and_see_live_numbers_per_room(client, forum, staff, make_user):
    event, room, _tomorrow = forum
    ticket = register_one(event, 1, session_ids=[room.id])
    room_scan(client, staff, ticket.code, room)
    walk_in(client, staff, register_one(event, 2).code, room)
    login(client, make_user("staff"))
    page = client.get(f"/scan?gate=301&context=events:{event.slug}&occasion=session:{room.id}").get_data(as_text=True)
    assert f'value="session:{room.id}" selected' in page and "AI 포럼" in page
    assert "scan-offline.js" not in page  # the offline list is the entrance's, not a room's
    numbers = client.get(f"/api/v1/events/{event.slug}/numbers", headers=staff).get_json()
    forum_numbers = next(r for r in numbers["rooms"] if r["id"] == room.id)
    assert (forum_numbers["booked"], forum_numbers["checked_in"], forum_numbers["walk_ins"],
            forum_numbers["free"]) == (2, 2, 1, 0)
    live = client.get(f"/events/manage/{event.slug}").get_data(as_text=True)
    assert 'id="rooms"' in live and "Room 301" in live
