"""The scanner's manual entry works as a plain form post, without JavaScript (issue 15)."""
from __future__ import annotations

from sqlalchemy import func, select

from ops.extensions import db
from ops.passes.models import CheckIn
from tests.events.conftest import make_event, register_one


def _at_the_door(login_as):
    """One registration and the scanner page of its event's door, as staff."""
    event = make_event()
    registration = register_one(event)
    login_as("staff")
    return registration, f"/scan?gate=Hall+A&context=events:{event.slug}"


def test_a_typed_code_posted_without_javascript_checks_in_then_warns(client, login_as):
    registration, url = _at_the_door(login_as)
    page = client.get(url).get_data(as_text=True)
    assert 'id="scan-form"' in page and 'method="post"' in page

    first = client.post(url, data={"code": registration.code}).get_data(as_text=True)
    assert "result-ok" in first
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1
    again = client.post(url, data={"code": registration.code}).get_data(as_text=True)
    assert "result-warn" in again
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1


def test_a_bad_code_or_no_gate_says_so_and_admits_nobody(client, login_as):
    event = make_event()
    registration = register_one(event)
    login_as("staff")
    bad = client.post(f"/scan?gate=Hall+A&context=events:{event.slug}", data={"code": "NOT-A-CODE"})
    assert "result-bad" in bad.get_data(as_text=True)
    no_gate = client.post(f"/scan?context=events:{event.slug}", data={"code": registration.code})
    assert "result-bad" in no_gate.get_data(as_text=True)
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0


def test_the_door_search_works_as_a_plain_form_and_checks_in_by_a_post(client, login_as):
    registration, url = _at_the_door(login_as)
    page = client.get(url).get_data(as_text=True)
    assert 'id="scan-search-form"' in page and 'name="q"' in page and 'method="get"' in page

    found = client.get(f"{url}&q={registration.phone_tail}").get_data(as_text=True)
    assert registration.masked_name in found and f'value="{registration.code}"' in found
    assert db.session.scalar(select(func.count(CheckIn.id))) == 0  # searching admits nobody
    answer = client.post(url, data={"code": registration.code}).get_data(as_text=True)
    assert "result-ok" in answer
    assert db.session.scalar(select(func.count(CheckIn.id))) == 1

    nobody = client.get(f"{url}&q=0000-not-a-name").get_data(as_text=True)
    assert "result-idle" in nobody and f'value="{registration.code}"' not in nobody
