"""The bus's JSON API: free slots for anyone, requests and decisions for staff tokens."""
from datetime import date

from sqlalchemy import func, select

from ops.accounts.services import issue_token
from ops.core.timeutil import seoul_today
from ops.extensions import db
from ops.programs.bus import services
from ops.programs.bus.models import BusVisit



def staff_headers(make_user) -> dict:
    _, token = issue_token(make_user("staff"), "test")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def body(world, **overrides) -> dict:
    data = {"institution_id": world.institution.id, "date": world.day_after(seoul_today(), 3).isoformat(),
            "slot_id": world.am.id, "programme_id": world.robot.id, "expected_participants": 12}
    data.update(overrides)
    return data


def test_staff_token_creates_a_request(world, client, make_user):
    response = client.post("/api/v1/bus/visits", json=body(world), headers=staff_headers(make_user))
    assert response.status_code == 201 and response.json["status"] == "requested"


def test_bad_request_is_422_with_a_message_per_field_and_nothing_saved(world, client, make_user):
    response = client.post("/api/v1/bus/visits", json=body(world, expected_participants=99, date="2020-01-01"),
                           headers=staff_headers(make_user))
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"date", "expected_participants"}
    assert db.session.scalar(select(func.count(BusVisit.id))) == 0


def test_approving_a_slot_already_booked_is_409_slot_taken(world, client, make_user):
    day = world.day_after(seoul_today(), 3)
    first = world.request(day, today=seoul_today())
    other = world.request(day, today=seoul_today(), institution=world.another_institution())
    services.approve_visit(first.id)
    db.session.commit()
    response = client.post(f"/api/v1/bus/visits/{other.id}/approve", headers=staff_headers(make_user))
    assert (response.status_code, response.json["error"]) == (409, "slot_taken")


def test_free_slots_list_only_open_days_with_room(world, client):
    day = world.day_after(seoul_today(), 3)
    world.run(day)
    db.session.commit()
    days = {d["date"]: d["free"] for d in client.get(f"/api/v1/bus/free?month={day:%Y-%m}").json["days"]}
    assert days[day.isoformat()] == ["pm"]
    assert all(date.fromisoformat(d).weekday() < 5 for d in days)


def test_a_citizen_token_cannot_create_requests(world, client, make_user):
    _, token = issue_token(make_user("citizen"), "test")
    db.session.commit()
    response = client.post("/api/v1/bus/visits", json=body(world), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
