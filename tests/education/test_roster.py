"""A coordinator enrols a list of their institution's people: row by row, nothing partial unless asked."""
import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from ops.education.models import CITY_STAFF, Enrolment
from ops.education.roster import (BAD, ENROLLED, WAITLISTED, ALREADY, rows_from_text, rows_from_upload,
                                  enrol_roster)
from ops.education.services import NotCoordinator, add_coordinator, create_institution
from ops.extensions import db
from ops.people.models import Consent

LIST = "김철용\t010-1111-2222\n이영희, 01033334444\n"


@pytest.fixture
def setting(make_course, make_user):
    institution = create_institution("서울교통공사")
    coordinator = make_user("citizen")
    add_coordinator(institution, coordinator)
    course = make_course(capacity=2, audience=CITY_STAFF, kind="prompt")
    db.session.commit()
    return course, institution, coordinator


def enrolments() -> int:
    return db.session.scalar(select(func.count(Enrolment.id)))


def test_pasted_spreadsheet_lines_are_read_with_tabs_commas_or_spaces(app):
    assert rows_from_text(LIST)[:2] == [(1, ["김철용", "010-1111-2222"]), (2, ["이영희", "01033334444"])]
    assert rows_from_text("\n박민수 01055556666")[0] == (2, ["박민수", "01055556666"])


def test_a_list_fills_the_places_then_the_waiting_list_in_list_order(app, setting):
    course, institution, coordinator = setting
    raw = rows_from_text("김철용, 010-1111-2222\n이영희, 010-3333-4444\n박민수, 010-5555-6666")
    result = enrol_roster(course, institution, raw, by_user=coordinator)
    db.session.commit()
    assert result.applied and [r.outcome for r in result.rows] == [ENROLLED, ENROLLED, WAITLISTED]
    assert all(r.enrolment.institution_id == institution.id for r in result.rows)


def test_a_bad_row_saves_nothing_and_says_which_line_and_why(app, setting):
    course, institution, coordinator = setting
    raw = rows_from_text("김철용, 010-1111-2222\n이영희, 02-123-4567\n, 010-5555-6666")
    result = enrol_roster(course, institution, raw, by_user=coordinator)
    assert not result.applied and enrolments() == 0
    assert [(r.line, r.outcome) for r in result.bad_rows] == [(2, BAD), (3, BAD)]
    assert [r.reason for r in result.bad_rows] == ["bad_phone", "no_name"]


def test_skipping_bad_rows_enrols_the_others_and_reports_the_bad(app, setting):
    course, institution, coordinator = setting
    raw = rows_from_text("김철용, 010-1111-2222\n이영희, 12345")
    result = enrol_roster(course, institution, raw, by_user=coordinator, skip_bad=True)
    db.session.commit()
    assert result.applied and [r.outcome for r in result.rows] == [ENROLLED, BAD] and enrolments() == 1


def test_someone_already_enrolled_is_reported_not_enrolled_twice(app, setting):
    course, institution, coordinator = setting
    raw = rows_from_text("김철용, 010-1111-2222")
    enrol_roster(course, institution, raw, by_user=coordinator)
    result = enrol_roster(course, institution, raw, by_user=coordinator)
    db.session.commit()
    assert result.rows[0].outcome == ALREADY and enrolments() == 1


def test_the_same_person_twice_in_one_list_is_a_bad_row(app, setting):
    course, institution, coordinator = setting
    result = enrol_roster(course, institution, rows_from_text("김철용, 010-1111-2222\n김철용, 01011112222"),
                          by_user=coordinator)
    assert (result.rows[1].outcome, result.rows[1].reason, result.rows[1].same_as) == (BAD, "duplicate", 1)


def test_the_coordinators_confirmation_is_recorded_as_each_persons_consent(app, setting):
    course, institution, coordinator = setting
    enrol_roster(course, institution, rows_from_text("김철용, 010-1111-2222"), by_user=coordinator)
    db.session.commit()
    consent = db.session.scalar(select(Consent))
    assert consent.source == "coordinator" and consent.recorded_by_id == coordinator.id and consent.granted


def test_a_coordinator_of_another_institution_may_not(app, setting, make_user):
    course, _institution, _coordinator = setting
    other = create_institution("서울의료원")
    with pytest.raises(NotCoordinator):
        enrol_roster(course, other, rows_from_text("김철용, 010-1111-2222"), by_user=make_user("citizen"))


def test_an_xlsx_upload_with_a_header_row_is_read(app, setting):
    course, institution, coordinator = setting
    book = Workbook()
    book.active.append(["이름", "휴대전화"])
    book.active.append(["김철용", "010-1111-2222"])
    out = io.BytesIO()
    book.save(out)
    result = enrol_roster(course, institution, rows_from_upload("직원명단.xlsx", out.getvalue()), by_user=coordinator)
    assert [(r.line, r.outcome) for r in result.rows] == [(2, ENROLLED)]


def test_a_csv_from_korean_excel_is_read(app):
    rows = rows_from_upload("list.csv", "이름,전화\n김철용,010-1111-2222\n".encode("cp949"))
    assert rows[1] == (2, ["김철용", "010-1111-2222"])


def test_the_coordinator_page_shows_each_row_result(app, setting, client):
    from tests.conftest import login

    course, institution, coordinator = setting
    login(client, coordinator)
    response = client.post(f"/education/institutions/{institution.id}/enrol", data={
        "course": course.id, "rows": "김철용, 010-1111-2222\n이영희, 010-3333", "consent_confirmed": "y"})
    assert response.status_code == 422 and enrolments() == 0
    page = response.get_data(as_text=True)
    assert "김*용" in page and "010-****-2222" in page
    assert page.count('class="outcome-bad"') == 1


def test_someone_who_coordinates_nothing_is_refused_the_page(app, setting, client, make_user):
    from tests.conftest import login

    _course, institution, _coordinator = setting
    login(client, make_user("citizen"))
    assert client.get(f"/education/institutions/{institution.id}/enrol").status_code == 403


def test_a_missing_name_in_a_padded_spreadsheet_row_is_reported_as_such(app, setting):
    course, institution, coordinator = setting
    result = enrol_roster(course, institution, [(1, ["", "010-1111-2222", "", ""])], by_user=coordinator)
    assert (result.rows[0].outcome, result.rows[0].reason) == (BAD, "no_name")
