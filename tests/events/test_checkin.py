"""Check-in at the door through the shared scanner API: every answer the issue names, and the races."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ops.core.timeutil import seoul_today
from ops.events import services
from ops.extensions import db
from ops.passes.codes import sign_code
from ops.passes.models import CheckIn
from tests.conftest import sqlite_app, statements_sent
from tests.events.conftest import make_event, register_one

URL = "/api/v1/checkin"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def app(request, tmp_path, monkeypatch):
    """Every rule at the door on both databases: on PostgreSQL one statement looks the ticket up
    and admits it, on SQLite two do."""
    if request.param == "postgresql":
        yield request.getfixturevalue("pg_app")
    else:
        with sqlite_app(tmp_path, monkeypatch) as app:
            yield app


@pytest.fixture
def staff(token_for):
    return token_for("staff")


def scan(client, headers, code, gate="A"):
    return client.post(URL, json={"code": code, "gate": gate}, headers=headers)


def test_confirmed_ticket_is_ok_with_masked_name_and_ticket_type(client, event, staff):
    registration = register_one(event, 1)
    response = scan(client, staff, registration.code)
    body = response.get_json()
    assert response.status_code == 200 and body["result"] == "ok"
    assert body["name"] == "김***1" and body["label"] == "visitor" and body["checkin_id"]


def test_second_scan_at_another_gate_is_already_checked_in_with_first_time_and_gate(client, event, staff):
    registration = register_one(event, 1)
    scan(client, staff, registration.code, gate="Hall A")
    response = scan(client, staff, registration.code, gate="Hall B")
    body = response.get_json()
    assert response.status_code == 409 and body["error"] == "already_checked_in"
    assert body["first_gate"] == "Hall A" and body["first_at"].endswith("Z")


def test_altered_code_is_400_invalid(client, event, staff):
    code = register_one(event, 1).code
    response = scan(client, staff, code[:-1] + ("A" if code[-1] != "A" else "B"))
    assert response.status_code == 400 and response.get_json()["error"] == "invalid"


def test_malformed_code_is_400_invalid(client, event, staff):
    assert scan(client, staff, "hello").status_code == 400


def test_well_signed_code_of_no_ticket_is_404_unknown(client, event, staff):
    response = scan(client, staff, sign_code("T", "slw-2025").text)
    assert response.status_code == 404 and response.get_json()["error"] == "unknown"


def test_ticket_of_another_day_is_422_wrong_day(client, app, staff):
    event = make_event(days=[seoul_today() + timedelta(days=3)])
    response = scan(client, staff, register_one(event, 1).code)
    assert response.status_code == 422 and response.get_json()["error"] == "wrong_day"


def test_waitlisted_ticket_is_422_not_confirmed(client, app, staff):
    event = make_event(capacity=0)
    response = scan(client, staff, register_one(event, 1).code)
    assert response.status_code == 422 and response.get_json()["error"] == "not_confirmed"


def test_cancelled_ticket_is_422_cancelled(client, event, staff):
    registration = register_one(event, 1)
    services.cancel_registration(registration)
    db.session.commit()
    response = scan(client, staff, registration.code)
    assert response.status_code == 422 and response.get_json()["error"] == "cancelled"


def test_without_a_token_is_401(client, event):
    assert client.post(URL, json={"code": "x", "gate": "A"}).status_code == 401


@pytest.mark.parametrize("role", ["citizen", "instructor"])
def test_non_staff_token_is_403(client, event, token_for, role):
    assert scan(client, token_for(role), register_one(event, 1).code).status_code == 403


def test_gate_is_required(client, event, staff):
    response = client.post(URL, json={"code": register_one(event, 1).code}, headers=staff)
    assert response.status_code == 422 and "gate" in response.get_json()["errors"]


def test_multi_day_ticket_is_admitted_once_on_each_day(client, event, staff, monkeypatch):
    code = register_one(event, 1).code
    assert scan(client, staff, code).status_code == 200
    assert scan(client, staff, code).status_code == 409
    monkeypatch.setattr(services, "today_for_checkin", lambda: event.days[1])
    assert scan(client, staff, code).status_code == 200
    assert scan(client, staff, code).status_code == 409


def test_staff_can_undo_a_check_in_and_scan_again(client, event, staff):
    code = register_one(event, 1).code
    checkin_id = scan(client, staff, code).get_json()["checkin_id"]
    undone = client.post(f"{URL}/{checkin_id}/undo", json={"reason": "wrong person"}, headers=staff)
    assert undone.status_code == 200
    assert scan(client, staff, code).status_code == 200
    trail = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
    assert [c.undo_reason for c in trail] == ["wrong person", None]


def test_undoing_twice_is_409(client, event, staff):
    checkin_id = scan(client, staff, register_one(event, 1).code).get_json()["checkin_id"]
    client.post(f"{URL}/{checkin_id}/undo", json={}, headers=staff)
    assert client.post(f"{URL}/{checkin_id}/undo", json={}, headers=staff).status_code == 409


def test_walk_in_registers_and_checks_in_at_once(client, event, login_as):
    login_as("staff")
    response = client.post("/events/manage/slw-2025/walk-in", data={
        "name": "박순자", "phone": "010-3333-4444", "country": "KR", "ticket_type": "visitor", "consent": "y",
        "gate": "Door 1"})
    assert response.status_code == 200 and "박*자" in response.get_data(as_text=True)
    checkin = db.session.scalar(select(CheckIn))
    assert (checkin.method, checkin.gate) == ("walk-in", "Door 1")


@pytest.mark.pg
def test_two_gates_scanning_one_ticket_at_once_get_exactly_one_ok(pg_app, token_for):
    event = make_event()
    code = register_one(event, 1).code
    headers = token_for("staff")
    barrier = threading.Barrier(6)
    answers = []

    def gate(name):
        client = pg_app.test_client()
        barrier.wait()
        answers.append(scan(client, headers, code, gate=name).status_code)

    threads = [threading.Thread(target=gate, args=(f"G{i}",)) for i in range(6)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(answers) == [200] + [409] * 5
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


@pytest.mark.pg
def test_a_scan_is_one_statement_on_postgresql(pg_app, token_for):
    """The door's hot path: with the scanner's token trusted, the ticket is looked up and admitted
    in one statement (a regression here costs every busy door)."""
    event = make_event()
    headers = token_for("staff")
    client = pg_app.test_client()
    assert scan(client, headers, register_one(event, 1).code).status_code == 200  # the token is now trusted
    code = register_one(event, 2).code
    with statements_sent(db.engine) as statements:
        assert scan(client, headers, code).status_code == 200
    assert len(statements) == 1 and statements[0].startswith("WITH")


def test_a_browser_scan_uses_the_one_connection_its_login_read_the_user_on(client, event, make_user):
    """Phones at the door scan with a browser session: one pooled connection per scan, not two."""
    from sqlalchemy import event as sa_event

    from tests.conftest import login

    login(client, make_user("staff"))
    page = client.get("/").get_data(as_text=True)
    csrf = {"X-CSRFToken": page.split('name="csrf-token" content="')[1].split('"')[0]}
    code = register_one(event, 1).code
    taken = []

    def checked_out(dbapi_connection, record, proxy):
        taken.append(record)

    sa_event.listen(db.engine, "checkout", checked_out)
    try:
        answer = scan(client, csrf, code)
    finally:
        sa_event.remove(db.engine, "checkout", checked_out)
    assert answer.status_code == 200 and len(taken) == 1
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1
