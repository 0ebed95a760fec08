"""Item 4 of issue 12, property-based: generated hostile requests never answer 5xx, and a refused
one changes nothing in the (real PostgreSQL) database. Run with ``-s`` to see the status counts."""
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from ops.events.models import Event, Registration
from ops.extensions import db
from ops.people.models import Consent, Person
from tests.events.conftest import make_event, registrant

pytestmark = pytest.mark.pg

URL = "/api/v1/events/slw-2025/registrations"
SETTINGS = settings(max_examples=120, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
STATUSES: Counter = Counter()


@pytest.fixture(scope="module", autouse=True)
def _report_statuses():
    """Prints how many generated requests were sent and the count of each status (run with -s)."""
    yield
    print(f"\nhostile requests sent: {sum(STATUSES.values())}; statuses: {dict(sorted(STATUSES.items()))}")

hostile_text = st.one_of(st.text(max_size=300), st.text(alphabet=st.characters(max_codepoint=0x1f), max_size=5),
                         st.sampled_from(["\x00", "a\x00b", "=HYPERLINK(\"x\")", "9" * 400, "0001-01-01",
                                          "9999-12", "2147483648", "-1", "true", "no"]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70),
                    st.floats(allow_nan=False), hostile_text)
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.text(max_size=8), inner, max_size=4)),
                           max_leaves=12)
FIELDS = ["name", "phone", "ticket_type", "country", "email", "affiliation", "city", "sessions", "consent",
          "consent_sms", "locale"]


def _counts() -> tuple[int, ...]:
    db.session.expire_all()
    return tuple(db.session.scalar(select(func.count(m.id))) for m in (Registration, Person, Consent, Event))


def _check(response, before) -> None:
    STATUSES[response.status_code] += 1
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    if response.status_code >= 400:
        assert _counts() == before


@pytest.fixture
def client(pg_app):
    make_event()
    return pg_app.test_client()


@SETTINGS
@given(changes=st.dictionaries(st.sampled_from(FIELDS), json_values, min_size=1, max_size=4))
def test_registration_api_with_hostile_fields(client, changes):
    before = _counts()
    _check(client.post(URL, json={**registrant(1), **changes}), before)


@SETTINGS
@given(body=json_values)
def test_registration_api_with_any_json_body(client, body):
    before = _counts()
    _check(client.post(URL, json=body), before)


@SETTINGS
@given(depth=st.integers(min_value=1, max_value=3000))
def test_deeply_nested_bodies(client, depth):
    before = _counts()
    _check(client.post(URL, data="[" * depth + "]" * depth, content_type="application/json"), before)


@SETTINGS
@given(part=hostile_text.filter(lambda t: "/" not in t and t not in (".", "..")),
       prefix=st.sampled_from(["/t/", "/e/", "/education/e/", "/stop/", "/education/courses/"]))
def test_public_paths_with_hostile_parts(client, part, prefix):
    from urllib.parse import quote

    before = _counts()
    _check(client.get(prefix + quote(part, safe="")), before)


@SETTINGS
@given(month=hostile_text, bus=st.one_of(hostile_text, st.integers(min_value=-2**40, max_value=2**40).map(str)))
def test_free_slots_with_hostile_query(client, month, bus):
    before = _counts()
    _check(client.get("/api/v1/bus/free", query_string={"bus": bus, "month": month}), before)


MONTHS = st.one_of(hostile_text, st.sampled_from(["9999-12", "0001-01", "abc", "2025-13", "1999-12", "2101-01",
                                                  "-1-1", "2025-\x00", "2025-05"]))
BUSES = st.one_of(hostile_text, st.sampled_from(["2147483648", "-1", "0", "\x00", "1e9"]),
                  st.integers(min_value=-2**40, max_value=2**40).map(str))


@pytest.fixture
def bus_client(pg_app):
    """A client with a bus to show (so the month is read, not answered 404), logged in as staff."""
    from ops.accounts.services import create_user
    from tests.conftest import login
    from tests.programs.bus.conftest import build_world

    build_world()
    staff = create_user("hostile-staff@example.org", "staff", "correct-horse-battery")
    db.session.commit()
    client = pg_app.test_client()
    login(client, staff)
    return client


@SETTINGS
@given(month=MONTHS, bus=BUSES, path=st.sampled_from(["/bus/free", "/bus/calendar", "/api/v1/bus/free"]))
def test_calendar_pages_with_hostile_query(bus_client, month, bus, path):
    """The public free-slots page, the staff calendar and the API: a month past 9999 or before 0001 used to
    be a 500 (the page links the month before and after)."""
    before = _counts()
    response = bus_client.get(path, query_string={"bus": bus, "month": month})
    _check(response, before)
    assert response.status_code in (200, 400)  # 400: a control character in the query string


@SETTINGS
@given(changes=st.dictionaries(st.sampled_from(["name", "phone", "consent", "consent_sms", "country", "email"]),
                               hostile_text, min_size=1, max_size=3))
def test_registration_form_with_hostile_fields(client, changes):
    form = {k: v for k, v in registrant(2).items() if k != "consent"} | {"consent": "y"} | changes
    before = _counts()
    _check(client.post("/e/slw-2025", data=form), before)


@pytest.fixture
def staff_client(pg_app):
    """A client with an event and a bearer token of staff: the scanner's JSON endpoints."""
    from ops.accounts.services import create_user, issue_token

    make_event()
    user = create_user("hostile-scanner@example.org", "staff", "correct-horse-battery")
    _token, raw = issue_token(user, "gate scanner")
    db.session.commit()
    client = pg_app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


@SETTINGS
@given(body=st.one_of(json_values, st.dictionaries(st.sampled_from(["code", "gate", "occasion", "reason", "scans"]),
                                                   json_values, min_size=1, max_size=4)),
       path=st.sampled_from(["/api/v1/checkin", "/api/v1/checkin/1/undo", "/api/v1/checkin/batch",
                             "/api/v1/events/sessions/1/walk-in", "/api/v1/bus/visits/1/decline"]))
def test_scanner_and_decision_bodies_with_hostile_json(staff_client, body, path):
    """The scanner's bodies (check-in, undo, offline batch, room walk-in) and a visit's decline go through
    the shared parse: NUL, lists, numbers and deep nesting are a 4xx that changes nothing."""
    before = _counts()
    _check(staff_client.post(path, json=body), before)


EVENT_KEYS = ["slug", "title", "title_en", "days", "ticket_types", "sessions", "venue", "directions",
              "registration_opens_at"]


@SETTINGS
@given(changes=st.dictionaries(st.sampled_from(EVENT_KEYS), json_values, min_size=1, max_size=4),
       method=st.sampled_from(["post", "patch"]))
def test_event_create_and_change_bodies_with_hostile_fields(staff_client, changes, method):
    """EventBody and EventChangesBody: hostile values are a 4xx naming the field and change nothing."""
    body = {"slug": "hostile-1", "title": "행사", "days": ["2025-10-01"],
            "ticket_types": [{"name": "visitor", "capacity": 10}]} | changes
    path = "/api/v1/events" if method == "post" else "/api/v1/events/slw-2025"
    before = _counts()
    _check(getattr(staff_client, method)(path, json=body), before)
