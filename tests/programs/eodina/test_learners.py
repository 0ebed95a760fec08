"""Learners: public sign-up, phone registration, bulk import."""
import csv
import io

from openpyxl import Workbook
from sqlalchemy import func, select

from ops.extensions import db
from ops.people.models import Consent
from ops.programs.eodina.models import ImportJob, Learner

FORM = {"name": "최할머니", "phone": "010-5555-1234", "birth_year": "1945", "district": "gwanak",
        "availability": ["mon-am", "wed-pm"], "topics": ["kiosk"], "consent_collection": "y", "consent_sms": "y"}


def test_public_sign_up_makes_a_learner_with_consent(client):
    response = client.post("/eodina/join", data=FORM)
    assert response.status_code == 302
    le = db.session.scalar(select(Learner))
    assert (le.district, le.availability, le.topics, le.source) == ("gwanak", ["mon-am", "wed-pm"], ["kiosk"], "web")
    purposes = {c.purpose: c.granted for c in db.session.scalars(select(Consent))}
    assert purposes == {"collection": True, "sms_reminders": True}


def test_sign_up_without_consent_is_refused_and_nothing_saved(client):
    response = client.post("/eodina/join", data={**FORM, "consent_collection": ""})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Learner.id))) == 0


def test_sign_up_with_a_bad_phone_says_so(client):
    response = client.post("/eodina/join", data={**FORM, "phone": "12345"})
    assert response.status_code == 422 and "010-1234-5678" in response.get_data(as_text=True)


def test_signing_up_twice_is_one_learner(client):
    client.post("/eodina/join", data=FORM)
    client.post("/eodina/join", data=FORM)
    assert db.session.scalar(select(func.count(Learner.id))) == 1


FAMILY = {"family_name": "최아들", "family_relation": "child", "family_phone": "010-7777-1234", "family_consent": "y"}


def test_family_member_registers_a_learner_by_phone(client, login_as):
    staff = login_as("staff")
    response = client.post("/eodina/learners/new", data={**FORM, "registered_by": "family", **FAMILY})
    assert response.status_code == 302
    le = db.session.scalar(select(Learner))
    assert le.source == "family" and le.registered_by_id == staff.id
    assert (le.family_person.name, le.family_person.phone, le.family_relation) == ("최아들", "010-7777-1234", "child")
    page = client.get(f"/eodina/learners/{le.id}").get_data(as_text=True)
    assert "최아들" in page and 'href="tel:01077771234"' in page


def test_family_registration_without_the_family_members_details_is_refused(client, login_as):
    login_as("staff")
    response = client.post("/eodina/learners/new", data={**FORM, "registered_by": "family",
                                                          **{**FAMILY, "family_consent": ""}})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(Learner.id))) == 0


def test_family_member_signs_up_a_parent_on_the_public_page_with_their_own_consent(client):
    response = client.post("/eodina/join", data={**FORM, **FAMILY})
    assert response.status_code == 302
    le = db.session.scalar(select(Learner))
    assert le.source == "family" and le.family_person.name == "최아들"
    consents = {(c.person_id, c.purpose) for c in db.session.scalars(select(Consent)) if c.granted}
    assert (le.family_person_id, "collection") in consents


def test_learner_list_masks_names_and_phones(client, login_as, learner):
    learner(name="홍길동")
    login_as("staff")
    page = client.get("/eodina/learners").get_data(as_text=True)
    assert "홍*동" in page and "홍길동" not in page


def _csv(rows) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["이름", "휴대전화", "출생연도", "자치구", "가능시간", "희망주제", "문자수신"])
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


SHEET = [
    ["김영자", "010-1111-2222", "1948", "종로구", "월 오전, 수 오후", "키오스크", "Y"],
    ["", "010-1111-3333", "1950", "종로구", "월 오전", "", ""],
    ["박순자", "010-1111-4444", "1950", "없는구", "월 오전", "", ""],
    ["이말순", "01099", "1950", "마포구", "월 오전", "", ""],
    ["정옥순", "010-1111-5555", "1951", "마포", "화 늦은오후", "영상통화, 사기예방", "N"],
]


def _upload(client, content: bytes, filename: str):
    return client.post("/eodina/imports/new", data={"sheet": (io.BytesIO(content), filename),
                                                    "consent_on_paper": "y"},
                       content_type="multipart/form-data")


def test_import_keeps_good_rows_and_reports_bad_ones(client, login_as):
    login_as("staff")
    response = _upload(client, _csv(SHEET), "learners.csv")
    assert response.status_code == 302
    job = db.session.scalar(select(ImportJob))
    assert (job.status, job.added, job.existing) == ("done", 2, 0)
    assert [(e["row"], e["field"]) for e in job.errors] == [(3, "name"), (4, "district"), (5, "phone")]


def test_importing_the_same_file_again_adds_nobody(client, login_as):
    login_as("staff")
    _upload(client, _csv(SHEET), "learners.csv")
    _upload(client, _csv(SHEET), "learners.csv")
    last = db.session.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()
    assert (last.added, last.existing) == (0, 2)
    assert db.session.scalar(select(func.count(Learner.id))) == 2


def test_import_reads_xlsx(client, login_as):
    login_as("staff")
    book = Workbook()
    sheet = book.active
    sheet.append(["name", "phone", "district", "availability", "topics"])
    sheet.append(["김영자", "010-1111-2222", "jongno", "mon-am", "kiosk"])
    out = io.BytesIO()
    book.save(out)
    _upload(client, out.getvalue(), "learners.xlsx")
    assert db.session.scalar(select(Learner)).availability == ["mon-am"]


def test_import_status_endpoint_reports_progress_as_json(client, login_as):
    login_as("staff")
    _upload(client, _csv(SHEET), "learners.csv")
    job = db.session.scalar(select(ImportJob))
    body = client.get(f"/api/v1/eodina/imports/{job.id}").get_json()
    assert body["status"] == "done" and body["percent"] == 100 and body["processed"] == 5
    assert len(body["errors"]) == 3


def test_import_without_the_needed_columns_fails_with_a_message(client, login_as):
    login_as("staff")
    _upload(client, b"foo,bar\n1,2\n", "x.csv")
    job = db.session.scalar(select(ImportJob))
    assert job.status == "failed" and "이름" in job.errors[0]["message"]
