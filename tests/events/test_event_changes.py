"""PATCH /api/v1/events/<slug>: staff change an event and its ticket types; all or nothing."""
from ops.events import services
from ops.extensions import db
from tests.events.conftest import make_event, register_one

URL = "/api/v1/events/slw-2025"


def test_staff_add_seats_relabel_and_add_a_ticket_type(client, app, token_for):
    event = make_event(capacity=1)
    register_one(event, 1)
    waiting = register_one(event, 2)
    assert waiting.status == "waitlisted"
    response = client.patch(URL, headers=token_for("staff"), json={
        "title_en": "Smart Life Week 2025", "venue": "코엑스 C홀",
        "ticket_types": [{"name": "visitor", "capacity": 2, "label_ko": "일반 관람객", "label_en": "Visitor"},
                         {"name": "press", "capacity": 50, "waitlist": False, "label": "언론"}]})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["promoted"] == 1
    db.session.expire_all()
    assert waiting.status == "offered"  # the new seat is held for the first in line to accept
    event = services.event_by_slug("slw-2025")
    visitor, press = event.ticket_types
    assert (event.title_en, event.venue_ko, event.title_ko) == ("Smart Life Week 2025", "코엑스 C홀", "스마트라이프위크")
    assert (visitor.capacity, visitor.waitlist, visitor.label_ko, visitor.label_en) == (2, True, "일반 관람객", "Visitor")
    assert (press.name, press.capacity, press.waitlist, press.label_ko) == ("press", 50, False, "언론")


def test_one_bad_change_changes_nothing(client, app, token_for):
    event = make_event(capacity=5)
    register_one(event, 1)
    register_one(event, 2)
    response = client.patch(URL, headers=token_for("staff"), json={
        "title": "바뀐 제목", "ticket_types": [{"name": "visitor", "capacity": 1}]})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"ticket_types.0.capacity"}
    db.session.expire_all()
    event = services.event_by_slug("slw-2025")
    assert (event.title_ko, event.ticket_types[0].capacity) == ("스마트라이프위크", 5)


def test_bad_values_are_named_and_the_address_cannot_change(client, app, token_for):
    make_event()
    response = client.patch(URL, headers=token_for("staff"), json={
        "slug": "elsewhere", "title": "", "days": ["soon"],
        "ticket_types": [{"name": "visitor", "capacity": -1, "waitlist": "yes"}]})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"slug", "title", "days", "ticket_types.0.capacity",
                                                  "ticket_types.0.waitlist"}


def test_changing_an_event_is_for_staff(client, app, token_for):
    make_event()
    assert client.patch(URL, json={"title": "x"}).status_code == 401
    assert client.patch(URL, json={"title": "x"}, headers=token_for("citizen")).status_code == 403
    assert client.patch("/api/v1/events/nope", json={"title": "x"}, headers=token_for("staff")).status_code == 404


def test_staff_set_how_long_a_freed_seat_is_offered_and_a_bad_value_changes_nothing(client, app, token_for, login_as):
    event = make_event()
    headers = token_for("staff")
    for bad in (-1, 337, "24", 1.5, True, None):
        response = client.patch(URL, headers=headers, json={"offer_hours": bad, "title_en": "changed"})
        assert response.status_code == 422 and "336" in response.get_json()["errors"]["offer_hours"]
    assert client.patch(URL, headers=headers, json={"offer_hours": 0}).get_json()["offer_hours"] == 0
    created = client.post("/api/v1/events", headers=headers, json={
        "slug": "forum", "title": "포럼", "days": ["2025-11-03"], "ticket_types": [{"name": "visitor"}]})
    assert created.status_code == 201 and created.get_json()["offer_hours"] == 24  # the default
    login_as("staff")
    form = {"title_ko": "스마트라이프위크", "first_day": event.first_day.isoformat(),
            "last_day": event.last_day.isoformat()}
    for bad in ("", "999", "-3"):
        page = client.post(f"/events/manage/{event.slug}/edit", data={**form, "offer_hours": bad})
        assert page.status_code == 422 and "0부터 336(14일)까지" in page.get_data(as_text=True)
    assert client.post(f"/events/manage/{event.slug}/edit", data={**form, "offer_hours": "48"}).status_code == 302
    db.session.expire_all()
    assert services.event_by_slug(event.slug).offer_hours == 48 and event.title_en != "changed"
