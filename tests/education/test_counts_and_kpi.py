"""Counts per course, institution and month, the XLSX export, and the plan's metrics as of a date."""
import io
from datetime import date, datetime, timedelta

import pytest

from openpyxl import load_workbook
from sqlalchemy import select

from ops.education.kpi import (collaboration_trainees, education_people, institutions_trained, prompt_trainees,
                               smart_city_center_learners)
from ops.education.models import CITY_STAFF, INSTITUTION
from ops.education.reports import course_counts, export_xlsx, institution_counts, month_counts
from ops.education import services
from ops.education.services import create_institution, record_attendance
from ops.extensions import db
from ops.kpi.registry import METRICS
from ops.passes.models import CheckIn


@pytest.fixture
def make_course(make_course):
    """These counts are of the 2025 plan: courses held in 2025, unless a test says otherwise."""
    def make(**kwargs):
        kwargs.setdefault("first", datetime(2025, 10, 16, 14))
        return make_course(**kwargs)

    return make


def enrol(course, person, **kwargs):
    """Enrolled a week before the first session, as the record would have been made then."""
    return services.enrol(course, person, now=course.sessions[0].starts_at - timedelta(days=7), **kwargs)


def attend(enrolment, sessions, at: datetime | None = None):
    for session in sessions:
        checkin = record_attendance(enrolment, session, now=session.starts_at)
        checkin.at = at or session.starts_at
    db.session.commit()


def test_the_plan_metrics_are_registered(app):
    for key in ("education.prompt_trainees", "education.institutions_trained", "education.collaboration_trainees",
                "smart_city_center.users"):
        assert key in METRICS


def test_prompt_trainees_count_people_who_completed_by_the_date(app, make_course, make_person):
    course = make_course(kind="prompt", audience=CITY_STAFF, sessions=2, capacity=5,
                         first=datetime(2025, 3, 11, 14))
    done, half = enrol(course, make_person())[0], enrol(course, make_person())[0]
    attend(done, course.sessions)
    attend(half, course.sessions[:1])
    assert prompt_trainees(2025, date(2025, 12, 31)) == 1
    assert prompt_trainees(2025, date(2025, 3, 12)) == 0  # the second session was on the 18th


def test_institutions_trained_count_delivered_tailored_courses(app, make_course):
    for name, first in (("서울교통공사", datetime(2025, 4, 8, 10)), ("서울의료원", datetime(2025, 9, 8, 10))):
        make_course(kind="data_admin", audience=INSTITUTION, institution=create_institution(name), first=first)
    assert institutions_trained(2025, date(2025, 6, 30)) == 1
    assert institutions_trained(2025, date(2025, 11, 30)) == 2


def test_collaboration_and_smart_city_center_count_people_who_came(app, make_course, make_person):
    collaboration = make_course(kind="collaboration", capacity=5)
    lecture = make_course(kind="smart_city_center", capacity=5)
    came, absent = enrol(collaboration, make_person())[0], enrol(collaboration, make_person())[0]
    attend(came, collaboration.sessions)
    attend(enrol(lecture, make_person())[0], lecture.sessions)
    assert collaboration_trainees(2025, date(2025, 12, 31)) == 1
    assert smart_city_center_learners(2025, date(2025, 12, 31)) == 1


def test_people_served_are_those_who_came(app, make_course, make_person):
    course = make_course(capacity=5)
    came = enrol(course, make_person())[0]
    enrol(course, make_person())
    attend(came, course.sessions)
    assert set(db.session.scalars(education_people(2025))) == {came.person_id}


def test_counts_per_course_institution_and_month(app, make_course, make_person):
    institution = create_institution("서울교통공사")
    course = make_course(kind="prompt", audience=CITY_STAFF, capacity=1, first=datetime(2025, 3, 11, 14))
    first = enrol(course, make_person(), institution=institution)[0]
    enrol(course, make_person(), institution=institution)
    attend(first, course.sessions)
    row = course_counts(2025)[0]
    assert (row["confirmed"], row["waitlisted"], row["attended"], row["completed"]) == (1, 1, 1, 1)
    assert institution_counts(2025)[0]["completed"] == 1
    march = month_counts(2025)[2]
    assert (march["sessions"], march["attendances"]) == (1, 1)


def test_months_are_seoul_months(app, make_course, make_person):
    course = make_course(first=datetime(2025, 4, 1, 8))  # 1 April 08:00 in Seoul is 31 March in UTC
    enrolment = enrol(course, make_person())[0]
    attend(enrolment, course.sessions)
    assert month_counts(2025)[3]["sessions"] == 1 and month_counts(2025)[2]["sessions"] == 0


def test_the_xlsx_has_courses_institutions_and_months(app, make_course):
    make_course()
    with app.test_request_context():
        book = load_workbook(io.BytesIO(export_xlsx(2025)))
    assert len(book.worksheets) == 3 and book.worksheets[0].max_row == 2
    assert book.worksheets[2].max_row == 13


def test_an_undone_check_in_does_not_count(app, make_course, make_person):
    from ops.passes.checkin import undo_checkin

    course = make_course(kind="collaboration")
    enrolment = enrol(course, make_person())[0]
    attend(enrolment, course.sessions)
    undo_checkin(db.session.scalar(select(CheckIn)))
    db.session.commit()
    assert collaboration_trainees(2025, date(2025, 12, 31)) == 0
