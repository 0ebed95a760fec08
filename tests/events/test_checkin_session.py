"""The door scanner page's own requests: a browser session needs its CSRF token (bearer tokens do not)."""
from ops.events import services
from tests.events.conftest import make_event, register_one

URL = "/api/v1/checkin"


def test_browser_session_needs_the_csrf_token(csrf_app, make_user):
    make_event()
    client = csrf_app.test_client()
    user = make_user("staff")
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    client.post("/login", data={"email": user.email, "password": "correct-horse-battery", "csrf_token": token})
    code = register_one(services.event_by_slug("slw-2025"), 1).code
    assert client.post(URL, json={"code": code, "gate": "A"}).status_code == 400
    assert client.post(URL, json={"code": code, "gate": "A"}, headers={"X-CSRFToken": token}).status_code == 200
