"""The public pages, the staff pages, export with its audit, messages, metrics and demo data."""
import csv
import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from ops.core.timeutil import seoul_today, utcnow
from ops.events import services
from ops.events.models import Event, ExportAudit, Registration
from ops.extensions import db
from ops.kpi.registry import METRICS, PEOPLE
from ops.notify.models import OutboxMessage
from ops.notify.registry import SOURCES
from ops.passes.checkin import perform_checkin
from tests.events.conftest import make_event, register_one

FORM = {"name": "이영희", "phone": "010 5555 1234", "country": "KR", "ticket_type": "visitor", "consent": "y"}


def test_public_form_registers_and_shows_the_ticket(client, event):
    response = client.post("/e/slw-2025", data=FORM)
    assert response.status_code == 302 and "/t/T.SLW-2025." in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    registration = db.session.scalar(select(Registration))
    assert f"/qr/{registration.code}.png" in page and f"/qr/{registration.code}.svg" in page
    assert "코엑스" in page and event.days[0] in page


def test_public_form_in_english_shows_english_labels(client, event):
    client.set_cookie("ops_lang", "en")
    page = client.get("/e/slw-2025").get_data(as_text=True)
    assert "Smart Life Week" in page and "Mobile number" in page


def test_public_form_without_consent_is_refused_with_a_message(client, event):
    response = client.post("/e/slw-2025", data={**FORM, "consent": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Registration.id))) == 0


def test_waitlisted_ticket_page_shows_the_place_in_line(client, app):
    event = make_event(capacity=0)
    register_one(event, 1)
    second = register_one(event, 2)
    page = client.get(f"/t/{second.code}").get_data(as_text=True)
    assert "/qr/" not in page and "2" in page


def test_staff_create_an_event_with_the_api(client, token_for):
    body = {"slug": "ai-festa-2026", "title": "AI 페스타", "days": ["2026-03-07", "2026-03-08"],
            "ticket_types": [{"name": "citizen", "capacity": 100, "waitlist": True},
                             {"name": "press", "capacity": None, "waitlist": False}]}
    response = client.post("/api/v1/events", json=body, headers=token_for("manager"))
    assert response.status_code == 201
    event = services.event_by_slug("ai-festa-2026")
    assert event.days == ["2026-03-07", "2026-03-08"] and [t.name for t in event.ticket_types] == ["citizen", "press"]


def test_event_api_refuses_bad_days_and_a_taken_slug(client, event, token_for):
    headers = token_for("staff")
    bad = client.post("/api/v1/events", json={"slug": "x", "title": "t", "days": ["soon"],
                                              "ticket_types": [{"name": "v", "capacity": -1}]}, headers=headers)
    assert bad.status_code == 422 and {"days", "ticket_types.0.capacity"} <= set(bad.get_json()["errors"])
    taken = client.post("/api/v1/events", json={"slug": "slw-2025", "title": "t", "days": ["2025-09-30"],
                                                "ticket_types": [{"name": "v", "capacity": 1}]}, headers=headers)
    assert taken.status_code == 422 and "slug" in taken.get_json()["errors"]


def test_event_api_is_for_staff_only(client, app, token_for):
    assert client.post("/api/v1/events", json={}, headers=token_for("citizen")).status_code == 403


def test_staff_create_an_event_and_a_ticket_type_in_the_web_ui(client, app, login_as):
    login_as("staff")
    response = client.post("/events/manage/new", data={
        "slug": "forum-2025", "title_ko": "포럼", "first_day": "2025-11-03", "last_day": "2025-11-04",
        "offer_hours": "12"})
    assert response.status_code == 302
    client.post("/events/manage/forum-2025/ticket-types", data={"name": "visitor", "capacity": "50", "waitlist": "y",
                                                                "public": "y"})
    event = services.event_by_slug("forum-2025")
    assert event.days == ["2025-11-03", "2025-11-04"] and event.ticket_types[0].capacity == 50
    assert event.offer_hours == 12


def test_more_seats_promote_the_waiting_list(client, app, login_as):
    event = make_event(capacity=0, offer_hours=0)
    waiting = register_one(event, 1)
    login_as("staff")
    client.post(f"/events/manage/slw-2025/ticket-types/{event.ticket_types[0].id}", data={"capacity": "1",
                                                                                         "waitlist": "y"})
    db.session.expire_all()
    assert waiting.status == "confirmed"


def test_staff_correct_a_ticket_types_labels_and_a_capacity_only_change_keeps_them(client, app, login_as):
    event = make_event(ticket_types=[dict(name="visitor", capacity=10, waitlist=True, label_ko="일반 참관객",
                                          label_en="Vistor")])
    ticket = register_one(event, 1)
    type_id = event.ticket_types[0].id
    login_as("staff")
    page = client.get("/events/manage/slw-2025/edit").get_data(as_text=True)
    assert 'name="label_en"' in page and 'value="Vistor"' in page
    client.post(f"/events/manage/slw-2025/ticket-types/{type_id}", data={
        "capacity": "10", "waitlist": "y", "label_ko": "일반 관람객", "label_en": "Visitor"})
    client.post(f"/events/manage/slw-2025/ticket-types/{type_id}", data={"capacity": "12", "waitlist": "y"})
    db.session.expire_all()
    kept = event.ticket_types[0]
    assert (kept.label_ko, kept.label_en, kept.capacity, kept.name) == ("일반 관람객", "Visitor", 12, "visitor")
    assert "일반 관람객" in client.get(f"/t/{ticket.code}").get_data(as_text=True)


def test_live_numbers_count_by_day_gate_type_and_country(client, event, login_as):
    first = register_one(event, 1)
    register_one(event, 2, name="Emily Carter", phone="+12065550134", country="US")
    perform_checkin(kind="ticket", subject_id=first.id, scope_id=event.id, occasion=event.days[0], gate="Hall A")
    db.session.commit()
    numbers = services.live_numbers(event, event.days[0])
    assert (numbers["registered"], numbers["confirmed"], numbers["checked_in"]) == (2, 2, 1)
    assert numbers["by_day"][event.days[0]] == 1 and numbers["by_gate"] == {"Hall A": 1}
    assert {c["country"]: c["checked_in"] for c in numbers["countries"]} == {"KR": 1, "US": 0}
    assert sum(a["count"] for a in numbers["arrivals"]) == 1
    login_as("manager")
    assert client.get("/events/manage/slw-2025").status_code == 200


def test_csv_export_masks_phones_and_is_audited(client, event, login_as):
    register_one(event, 1)
    login_as("staff")
    response = client.get("/events/manage/slw-2025/export.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][3] == "010-****-0001"
    audit = db.session.scalar(select(ExportAudit))
    assert (audit.fmt, audit.full_phones, audit.rows) == ("csv", False, 1)


def test_admin_may_export_full_phones_in_xlsx_and_it_is_audited(client, event, login_as):
    register_one(event, 1)
    login_as("admin")
    response = client.get("/events/manage/slw-2025/export.xlsx?phones=full")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.cell(row=2, column=4).value == "010-2000-0001"
    assert db.session.scalar(select(ExportAudit.full_phones)) is True


def test_staff_may_not_export_full_phones(client, event, login_as):
    login_as("staff")
    assert client.get("/events/manage/slw-2025/export.csv?phones=full").status_code == 403


def test_scanner_page_with_an_event_context_offers_search_and_walk_in(client, event, login_as):
    login_as("staff")
    page = client.get("/scan?gate=A&context=events:slw-2025").get_data(as_text=True)
    assert 'id="scan-code"' in page and "/api/v1/events/slw-2025/search" in page and "walk-in" in page


def test_door_search_finds_by_last_four_phone_digits(client, event, token_for):
    register_one(event, 1)
    register_one(event, 2)
    results = client.get("/api/v1/events/slw-2025/search?q=0002", headers=token_for("staff")).get_json()["results"]
    assert [r["name"] for r in results] == ["김***2"]


def test_scanner_tones_are_wav(client, app):
    response = client.get("/scan/tones/ok.wav")
    assert response.mimetype == "audio/wav" and response.data[:4] == b"RIFF"


def test_day_before_reminder_is_queued_once_for_confirmed_registrants(app):
    tomorrow = seoul_today() + timedelta(days=1)
    event = make_event(days=[tomorrow], capacity=1)
    register_one(event, 1)
    register_one(event, 2)  # waitlisted: no reminder
    now = utcnow()
    assert SOURCES["events.day_before"](now) == 1
    assert SOURCES["events.day_before"](now) == 0
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.template == "events.day_before"))
    assert message.purpose == "reminder"


def test_slw_metrics_count_checked_in_visitors_and_their_countries(app):
    event = make_event(days=[date(2025, 9, 30), date(2025, 10, 1)], programme="slw")
    before = datetime(2025, 9, 1)
    kim = register_one(event, 1, now=before)
    emily = register_one(event, 2, name="Emily Carter", phone="+12065550134", country="US", now=before)
    register_one(event, 3, now=before)  # never came
    for day in event.days:
        perform_checkin(kind="ticket", subject_id=kim.id, scope_id=event.id, occasion=day)
    perform_checkin(kind="ticket", subject_id=emily.id, scope_id=event.id, occasion="2025-10-01")
    db.session.commit()
    assert METRICS["slw.visitors"](2025, date(2025, 12, 31)) == 2
    assert METRICS["slw.visitors"](2025, date(2025, 9, 30)) == 1
    assert METRICS["slw.countries"](2025, date(2025, 12, 31)) == 2
    assert set(db.session.scalars(PEOPLE["events"](2025))) == {kim.person_id, emily.person_id}


def test_seed_demo_creates_both_events_with_registrations(demo_app):
    slw, festa = services.event_by_slug("slw-2025"), services.event_by_slug("ai-festa-2025")
    assert slw.days == ["2025-09-30", "2025-10-01", "2025-10-02"] and festa.days == ["2025-03-08", "2025-03-09"]
    assert services.live_numbers(slw)["checked_in"] > 50
    # 2025 as history, plus the two events the demo adds relative to the day it runs (one open now, one ahead).
    slugs = sorted(db.session.scalars(select(Event.slug)))
    assert len(slugs) == 4 and slugs[0].startswith("ai-festa") and slugs[1].startswith("ai-talk-")
    assert slugs[2].startswith("digital-day-") and slugs[3] == "slw-2025"


@pytest.mark.parametrize("path", ["/events", "/events/manage", "/events/manage/slw-2025", "/events/manage/slw-2025/edit",
                                  "/events/manage/slw-2025/registrations", "/events/manage/slw-2025/registrations?q=김",
                                  "/events/manage/slw-2025/walk-in", "/e/slw-2025", "/scan?context=events:slw-2025"])
def test_pages_show_the_event_to_staff(client, event, login_as, path):
    register_one(event, 1, session_ids=[])
    login_as("staff")
    response = client.get(path)
    assert response.status_code == 200 and "스마트라이프위크" in response.get_data(as_text=True)


def test_ticket_qr_decodes_to_the_ticket_code(client, event):
    import zxingcpp
    from PIL import Image

    registration = register_one(event, 1)
    image = Image.open(io.BytesIO(client.get(f"/qr/{registration.code}.png").data))
    assert [r.text for r in zxingcpp.read_barcodes(image)] == [registration.code]


def test_scanner_serves_its_own_qr_decoder_for_browsers_without_barcodedetector(client, app):
    response = client.get("/static/passes/vendor/jsqr/jsQR.js")
    assert response.status_code == 200 and b"jsQR" in response.data


def test_registration_not_yet_open_shows_when_it_opens(client, app):
    make_event(registration_opens_at=utcnow() + timedelta(days=3))
    response = client.post("/e/slw-2025", data=FORM)
    assert response.status_code == 422 and db.session.scalar(select(func.count(Registration.id))) == 0


def test_capacity_cannot_drop_below_the_seats_taken(client, app, login_as):
    event = make_event(capacity=5)
    register_one(event, 1)
    register_one(event, 2)
    login_as("staff")
    client.post(f"/events/manage/slw-2025/ticket-types/{event.ticket_types[0].id}", data={"capacity": "1",
                                                                                         "waitlist": "y"})
    db.session.expire_all()
    assert event.ticket_types[0].capacity == 5
