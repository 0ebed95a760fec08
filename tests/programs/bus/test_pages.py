"""The bus's pages: the public request form, the institution's signed page, staff lists and decisions."""
from datetime import timedelta

from sqlalchemy import func, select

from ops.core.timeutil import seoul_today
from ops.extensions import db
from ops.notify.models import OutboxMessage
from ops.people.models import Consent
from ops.programs.bus import services
from ops.programs.bus.models import BusVisit, HostInstitution



def public_form(world, **overrides) -> dict:
    data = {"institution_name": "은평구립도서관", "institution_kind": "library", "district": "eunpyeong",
            "contact_name": "이사서", "contact_phone": "010 9876 5432", "consent_collection": "y",
            "day": world.day_after(seoul_today(), 3).isoformat(), "slot": str(world.pm.id),
            "programme": str(world.robot.id), "expected_participants": "18"}
    data.update(overrides)
    return data


def test_the_public_form_records_institution_contact_consent_and_request(world, client):
    response = client.post("/bus/request", data=public_form(world))
    assert response.status_code == 302 and "/bus/i/" in response.headers["Location"]
    institution = db.session.scalar(select(HostInstitution).where(HostInstitution.name == "은평구립도서관"))
    assert institution.contact.phone == "010-9876-5432"
    visit = db.session.scalar(select(BusVisit).where(BusVisit.institution_id == institution.id))
    assert (visit.status, visit.expected_participants, visit.source) == ("requested", 18, "web")
    assert db.session.scalar(select(func.count(Consent.id)).where(Consent.person_id == institution.contact.id,
                                                                  Consent.granted)) == 1


def test_a_public_request_on_a_weekend_shows_the_reason_and_changes_nothing(world, client):
    saturday = seoul_today() + timedelta(days=(5 - seoul_today().weekday()) % 7 or 7)
    response = client.post("/bus/request", data=public_form(world, day=saturday.isoformat()))
    assert response.status_code == 422
    assert "주말" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(BusVisit.id))) == 0
    assert db.session.scalar(select(func.count(HostInstitution.id))) == 1


def test_a_public_request_in_english_gets_english_messages(world, client):
    client.set_cookie("ops_lang", "en")
    response = client.post("/bus/request", data=public_form(world, expected_participants="40"))
    assert response.status_code == 422
    assert "At most 25 people" in response.get_data(as_text=True)


def test_the_public_form_needs_consent(world, client):
    data = public_form(world)
    del data["consent_collection"]
    assert client.post("/bus/request", data=data).status_code == 422
    assert db.session.scalar(select(func.count(BusVisit.id))) == 0


def test_the_institution_page_shows_its_own_requests_only(world, client):
    day = world.day_after(seoul_today(), 3)
    world.request(day, today=seoul_today())
    other = services.find_or_add_institution("강동구 경로당", "senior_center", "gangdong")
    world.request(day, slot=world.pm, today=seoul_today(), institution=other)
    db.session.commit()
    page = client.get(f"/bus/i/{services.institution_token(world.institution)}").get_data(as_text=True)
    assert day.isoformat() in page and page.count('class="card"') == 1


def test_a_forged_or_renewed_institution_link_is_not_found(world, client):
    token = services.institution_token(world.institution)
    assert client.get(f"/bus/i/{token[:-2]}xx").status_code == 404
    services.renew_institution_link(world.institution)
    db.session.commit()
    assert client.get(f"/bus/i/{token}").status_code == 404


def test_the_contact_accepts_a_proposal_through_the_link(world, client):
    visit = world.request(world.day_after(seoul_today(), 3), today=seoul_today())
    services.propose_other_date(visit.id, day=world.day_after(seoul_today(), 6), slot_id=world.pm.id)
    db.session.commit()
    response = client.post(f"/bus/p/{services.proposal_token(visit)}", data={"answer": "accept"})
    assert response.status_code == 302
    assert db.session.get(BusVisit, visit.id).status == "approved"


def test_staff_see_requests_with_the_contact_masked(world, client, login_as):
    world.request(world.day_after(seoul_today(), 3), today=seoul_today())
    db.session.commit()
    login_as("staff")
    page = client.get("/bus/").get_data(as_text=True)
    assert "김*당" in page and "010-****-6789" in page and "2345" not in page


def test_staff_approve_from_the_visit_page(world, client, login_as):
    visit = world.request(world.day_after(seoul_today(), 3), today=seoul_today())
    db.session.commit()
    login_as("staff")
    assert client.get(f"/bus/visits/{visit.id}").status_code == 200
    client.post(f"/bus/visits/{visit.id}/approve")
    assert db.session.get(BusVisit, visit.id).status == "approved"


def test_staff_enter_a_request_taken_by_phone(world, client, login_as):
    login_as("staff")
    response = client.post("/bus/visits/new", data={
        "institution": str(world.institution.id), "day": world.day_after(seoul_today(), 4).isoformat(),
        "slot": str(world.am.id), "programme": str(world.robot.id), "expected_participants": "15"})
    assert response.status_code == 302
    assert db.session.scalar(select(BusVisit.source)) == "phone"


def test_staff_record_counts_on_the_day(world, bus_today, client, login_as):
    visit = world.run(bus_today)
    db.session.commit()
    login_as("staff")
    client.post(f"/bus/visits/{visit.id}/counts", data={"band_60_69": "7", "band_70_79": "5", "band_80_plus": "1"})
    db.session.expire_all()
    assert services.participant_total(db.session.get(BusVisit, visit.id)) == 13


def test_staff_calendar_names_the_institution_and_the_public_one_does_not(world, client, login_as):
    day = world.day_after(seoul_today(), 3)
    world.run(day)
    db.session.commit()
    month = f"{day:%Y-%m}"
    public = client.get(f"/bus/free?month={month}").get_data(as_text=True)
    assert "성북노인종합복지관" not in public and "예약됨" in public
    login_as("staff")
    assert "성북노인종합복지관" in client.get(f"/bus/calendar?month={month}").get_data(as_text=True)


def test_survey_cards_page_prints_one_qr_per_card(world, bus_today, client, login_as):
    visit = world.run(bus_today)
    db.session.commit()
    login_as("staff")
    client.post(f"/bus/visits/{visit.id}/cards", data={"count": "3"})
    page = client.get(f"/bus/visits/{visit.id}/cards").get_data(as_text=True)
    assert page.count("<svg") == 3 and page.count("/bus/s/B.V") == 3


def test_the_staff_pages_render(world, client, login_as):
    login_as("staff")
    for url in ("/bus/institutions", "/bus/institutions/new", f"/bus/institutions/{world.institution.id}",
                "/bus/report?year=2025", "/bus/visits/new", "/bus/calendar"):
        assert client.get(url).status_code == 200, url


def test_staff_close_a_day_and_requests_for_it_are_refused(world, client, login_as):
    day = world.day_after(seoul_today(), 5)
    login_as("staff")
    client.post(f"/bus/buses/{world.bus.id}/blackouts", data={"day": day.isoformat(), "reason": "차량 정비"})
    db.session.expire_all()
    response = client.post("/bus/request", data=public_form(world, day=day.isoformat()))
    assert response.status_code == 422 and "차량 정비" in response.get_data(as_text=True)


def test_closing_a_day_with_an_approved_visit_warns_staff(world, client, login_as):
    day = world.day_after(seoul_today(), 5)
    world.run(day)
    db.session.commit()
    login_as("staff")
    response = client.post(f"/bus/buses/{world.bus.id}/blackouts", data={"day": day.isoformat()},
                           follow_redirects=True)
    assert "승인된 방문 1건" in response.get_data(as_text=True)


def test_approved_visits_list_the_coming_runs_first(world, client, login_as):
    soon, later = world.day_after(seoul_today(), 3), world.day_after(seoul_today(), 10)
    world.run(later)
    world.run(soon)
    past = world.day_after(seoul_today(), -18).isoformat()
    world.run(world.day_after(seoul_today(), -18))
    db.session.commit()
    login_as("staff")
    page = client.get("/bus/?status=approved").get_data(as_text=True)
    assert page.index(soon.isoformat()) < page.index(later.isoformat()) < page.index(past)


def test_someone_else_naming_a_known_institution_does_not_get_its_page(world, client):
    data = public_form(world, institution_name="성북노인종합복지관", institution_kind="welfare_center",
                       district="seongbuk", contact_name="최모르", contact_phone="010-5555-6666")
    response = client.post("/bus/request", data=data)
    assert response.status_code == 302 and "/bus/i/" not in response.headers["Location"]
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "010-5555-6666"))
    assert "/bus/i/" not in message.data["url"]
    assert db.session.scalar(select(BusVisit.status)) == "requested"


def test_a_new_contact_person_revokes_the_previous_contacts_link(world, client, login_as):
    old_link = f"/bus/i/{services.institution_token(world.institution)}"
    login_as("staff")
    client.post(f"/bus/institutions/{world.institution.id}/contact",
                data={"contact_name": "정새담", "contact_phone": "010-3333-4444", "consent_collection": "y"})
    db.session.expire_all()
    institution = db.session.get(HostInstitution, world.institution.id)
    assert institution.contact.phone == "010-3333-4444"
    assert client.get(old_link).status_code == 404


def test_staff_change_a_bus_seats_and_weekends(world, client, login_as):
    login_as("staff")
    response = client.post(f"/bus/buses/{world.bus.id}", data={"seats": "30", "weekends": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert world.bus.seats == 30 and world.bus.weekends is True
    refused = client.post(f"/bus/buses/{world.bus.id}", data={"seats": "0"}, follow_redirects=True)
    db.session.expire_all()
    assert refused.status_code == 200 and world.bus.seats == 30
