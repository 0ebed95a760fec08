"""The registration pages made lean (issue 19): the country control, the form rendered once and
kept until the event changes, and the cheap QR that still reads."""
import io
import re

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from ops.events import services
from ops.events.countries import COMMON
from ops.events.models import EventSession, Registration, TicketType
from ops.extensions import db
from ops.passes.codes import sign_code
from ops.passes.qr import qr_png
from tests.events.conftest import make_event, register_one

FORM = {"name": "이영희", "phone": "010 5555 1234", "country": "KR", "ticket_type": "visitor", "consent": "y"}


def _country_select(page: str) -> str:
    return re.search(r'<select[^>]*name="country".*?</select>', page, re.S).group(0)


def _selected(select_html: str) -> list[str]:
    return re.findall(r'<option value="([A-Z]{2})" selected>', select_html)


def test_country_control_offers_the_common_countries_first_then_all(client, event):
    control = _country_select(client.get("/e/slw-2025").get_data(as_text=True))
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', control, re.S)
    assert [label for label, _ in groups] == ["방문객이 많은 나라", "모든 나라 (가나다순)"]
    assert re.findall(r'value="([A-Z]{2})"', groups[0][1]) == list(COMMON)
    everything = re.findall(r'value="([A-Z]{2})"', groups[1][1])
    assert len(everything) > 240 and set(COMMON) <= set(everything)
    assert _selected(control) == ["KR"]  # Korea chosen already, once (not again in the full list)
    assert 'id="country"' in control and '<label for="country"' in client.get("/e/slw-2025").get_data(as_text=True)


def test_country_control_in_english_names_countries_in_english(client, event):
    client.set_cookie("ops_lang", "en")
    control = _country_select(client.get("/e/slw-2025").get_data(as_text=True))
    assert 'label="All countries"' in control and ">South Korea<" in control and ">France<" in control


def test_a_country_outside_the_common_ones_is_kept_when_the_form_comes_back(client, event):
    response = client.post("/e/slw-2025", data={**FORM, "country": "FR", "consent": ""})
    assert response.status_code == 422
    assert _selected(_country_select(response.get_data(as_text=True))) == ["FR"]
    response = client.post("/e/slw-2025", data={**FORM, "country": "FR"})
    assert response.status_code == 302
    assert db.session.scalar(select(Registration.country)) == "FR"


def test_an_unknown_country_is_refused_and_shown_as_no_choice(client, event):
    response = client.post("/e/slw-2025", data={**FORM, "country": "XX\"><script>"})
    assert response.status_code == 422 and "<script>" not in response.get_data(as_text=True)
    assert _selected(_country_select(response.get_data(as_text=True))) == []
    assert db.session.scalar(select(Registration.id)) is None


def test_the_kept_form_follows_changes_to_the_event(client, event):
    first = client.get("/e/slw-2025").get_data(as_text=True)
    assert "컨퍼런스" not in first or 'name="sessions"' not in first
    ticket_type = db.session.scalar(select(TicketType).where(TicketType.event_id == event.id))
    ticket_type.label_ko = "일반 관람객"
    db.session.add(EventSession(event_id=event.id, day=event.first_day, title_ko="AI와 돌봄", starts_at="14:00"))
    db.session.commit()
    page = client.get("/e/slw-2025").get_data(as_text=True)
    assert "일반 관람객" in page and "AI와 돌봄" in page and 'name="sessions"' in page


def test_each_visitor_gets_a_token_of_their_own_in_the_kept_form(csrf_app):
    make_event()
    tokens = []
    for n in range(2):
        client = csrf_app.test_client()
        page = client.get("/e/slw-2025").get_data(as_text=True)
        tokens.append(re.search(r'<input id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"',
                                page).group(1))
        response = client.post("/e/slw-2025", data={**FORM, "phone": f"010-5555-000{n}", "csrf_token": tokens[-1]})
        assert response.status_code == 302
    assert tokens[0] != tokens[1]


@pytest.mark.parametrize("box_size", [10, 6])  # the ticket page, the badge
def test_qr_with_its_fixed_mask_decodes_for_many_tickets(app, box_size):
    codes = [sign_code("T", scope).text for scope in ("slw-2025", "ai-festa-2026", "e") for _ in range(12)]
    for code in codes:
        image = Image.open(io.BytesIO(qr_png(code, box_size=box_size)))
        assert [r.text for r in zxingcpp.read_barcodes(image)] == [code]


def test_ticket_page_qr_decodes_to_its_ticket(client, event):
    registration = register_one(event, 1)
    page = client.get(f"/t/{registration.code}").get_data(as_text=True)
    src = re.search(r'<img src="(/qr/[^"]+\.png)"', page).group(1)
    image = Image.open(io.BytesIO(client.get(src).data))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [registration.code]
    assert services.registration_by_code(registration.code).event.slug == "slw-2025"


def test_the_kept_form_page_is_for_visitors_who_are_not_logged_in(app, client, event, login_as):
    visitor = app.test_client().get("/e/slw-2025").get_data(as_text=True)  # kept from now on
    assert 'href="/login"' in visitor and 'action="/logout"' not in visitor
    login_as("staff")
    staff = client.get("/e/slw-2025").get_data(as_text=True)
    assert 'action="/logout"' in staff and 'href="/login"' not in staff


def test_ticket_pages_show_the_event_the_conferences_and_the_place_in_line(client):
    event = make_event(capacity=1)
    conference = services.add_session(event, title_ko="AI와 돌봄", day=event.first_day, starts_at="14:00")
    db.session.commit()
    tickets = [register_one(event, n, session_ids=[conference.id]) for n in range(1, 4)]
    pages = [client.get(f"/t/{t.code}").get_data(as_text=True) for t in tickets]
    assert all("스마트라이프위크" in page and "코엑스" in page and "AI와 돌봄" in page for page in pages)
    assert "ticket-confirmed" in pages[0] and "대기 1번" in pages[1] and "대기 2번" in pages[2]


def test_after_the_form_a_visitors_pages_send_no_cookie(csrf_app):
    make_event()
    client = csrf_app.test_client()
    form = client.get("/e/slw-2025")
    assert [c.split("=")[0] for c in form.headers.getlist("Set-Cookie")] == ["session"]  # the CSRF token
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form.get_data(as_text=True)).group(1)
    posted = client.post("/e/slw-2025", data={**FORM, "csrf_token": token})
    ticket = client.get(posted.headers["Location"])
    assert posted.status_code == 302 and ticket.status_code == 200
    assert posted.headers.getlist("Set-Cookie") == ticket.headers.getlist("Set-Cookie") == []


def test_a_login_session_from_another_browser_is_still_refused(client, login_as):
    login_as("staff")
    assert client.get("/events/manage").status_code == 200
    elsewhere = client.get("/events/manage", headers={"User-Agent": "another browser"})
    assert elsewhere.status_code == 302 and "/login" in elsewhere.headers["Location"]
