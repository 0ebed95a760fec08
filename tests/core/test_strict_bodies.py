"""Items 3 and 4 of issue 12: the loose types and hostile bodies the report found are 422 by field."""
import pytest
from sqlalchemy import func, select

from ops.accounts.services import create_user, issue_token
from ops.events.models import Event
from ops.extensions import db

pytestmark = pytest.mark.pg


@pytest.fixture
def staff(pg_app):
    user = create_user("api-staff@example.org", "staff", "correct-horse-battery")
    _token, raw = issue_token(user, "test")
    db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


EVENT = {"slug": "ai-festa", "title": "AI 페스타", "days": ["2025-10-01"],
         "ticket_types": [{"name": "visitor", "capacity": 10}]}


@pytest.mark.parametrize("body,field", [
    ({**EVENT, "title": "AI\x00"}, "title"),
    ({**EVENT, "ticket_types": [{"name": "visitor", "capacity": 2 ** 40}]}, "ticket_types.0.capacity"),
    ({**EVENT, "ticket_types": [{"name": "visitor", "capacity": True}]}, "ticket_types.0.capacity"),
    ([EVENT], "body"), ("event", "body"), (42, "body"),
])
def test_event_bodies_the_report_broke_are_422_by_field(pg_app, staff, body, field):
    response = pg_app.test_client().post("/api/v1/events", json=body, headers=staff)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert db.session.scalar(select(func.count(Event.id))) == 0


def test_a_body_nested_a_thousand_deep_is_422(pg_app, staff):
    response = pg_app.test_client().post("/api/v1/events", data="[" * 1000 + "]" * 1000,
                                         content_type="application/json", headers=staff)
    assert response.status_code == 422 and "body" in response.get_json()["errors"]


@pytest.mark.parametrize("change,field", [
    ({"expected_participants": 1.9}, "expected_participants"), ({"expected_participants": True}, "expected_participants"),
    ({"slot_id": 2147483648}, "slot_id"), ({"note": "x" * 1_000_001}, "note"), ({"date": "0001-01-01"}, "date"),
    ({"institution_id": [1]}, "institution_id"),
])
def test_bus_visit_bodies_with_loose_types_are_422(pg_app, staff, change, field):
    body = {"institution_id": 1, "slot_id": 1, "programme_id": 1, "date": "2025-05-02",
            "expected_participants": 20, **change}
    response = pg_app.test_client().post("/api/v1/bus/visits", json=body, headers=staff)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_a_long_locale_is_refused(pg_app):
    from tests.events.conftest import make_event, registrant

    make_event()
    response = pg_app.test_client().post("/api/v1/events/slw-2025/registrations",
                                         json=registrant(1, locale="k" * 500))
    assert response.status_code == 422 and "locale" in response.get_json()["errors"]
