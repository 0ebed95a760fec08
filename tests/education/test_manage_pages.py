"""Staff pages: making a course and its sessions, the roll call (teachers only), counts and export."""
from sqlalchemy import select

from ops.education.models import Course, CourseSession
from ops.education.services import enrol, present_ids
from ops.extensions import db
from tests.conftest import login


def test_staff_create_a_course_and_add_a_session(app, client, login_as):
    login_as("staff")
    response = client.post("/education/manage/courses/new", data={
        "title_ko": "행정업무 프롬프트 엔지니어링 교육 5기", "title_en": "", "kind": "prompt", "audience": "city_staff",
        "institution": "0", "year": "2025", "capacity": "30", "completion_percent": "80"})
    course = db.session.scalar(select(Course))
    assert response.status_code == 302 and course.capacity == 30
    response = client.post(f"/education/manage/courses/{course.id}", data={
        "day": "2025-11-11", "starts": "14:00", "ends": "17:00", "place": "서울시청 교육장"})
    session = db.session.scalar(select(CourseSession))
    assert response.status_code == 302 and session.starts_at.hour == 5  # 14:00 in Seoul is 05:00 UTC


def test_a_session_ending_before_it_starts_is_refused(app, client, login_as, make_course):
    course = make_course()
    login_as("staff")
    response = client.post(f"/education/manage/courses/{course.id}", data={
        "day": "2025-11-11", "starts": "14:00", "ends": "13:00", "place": "교육장"})
    assert response.status_code == 422 and len(course.sessions) == 1


def test_an_institution_course_needs_its_institution(app, client, login_as):
    login_as("staff")
    response = client.post("/education/manage/courses/new", data={
        "title_ko": "맞춤형 데이터 행정 교육", "kind": "data_admin", "audience": "institution", "institution": "0",
        "year": "2025", "completion_percent": "80"})
    assert response.status_code == 422 and db.session.scalar(select(Course)) is None


def test_the_teacher_takes_the_roll_call_on_their_phone(app, client, make_user, make_course, make_person,
                                                       at_session):
    teacher = make_user("instructor")
    course = make_course(capacity=3)
    session = course.sessions[0]
    session.teacher_user_id = teacher.id
    a, b = enrol(course, make_person())[0], enrol(course, make_person())[0]
    db.session.commit()
    login(client, teacher)
    too_early = client.post(f"/education/manage/sessions/{session.id}/roll-call", data={"present": [str(a.id)]},
                            follow_redirects=True)
    assert "출석은" in too_early.get_data(as_text=True) and present_ids(session) == set()
    at_session(session)
    assert client.get(f"/education/manage/sessions/{session.id}/roll-call").status_code == 200
    client.post(f"/education/manage/sessions/{session.id}/roll-call", data={"present": [str(a.id)]})
    assert present_ids(session) == {a.id}


def test_another_instructor_may_not_take_the_roll_call(app, client, login_as, make_course):
    course = make_course()
    login_as("instructor")
    assert client.get(f"/education/manage/sessions/{course.sessions[0].id}/roll-call").status_code == 403


def test_the_course_page_masks_names_and_phones(app, client, login_as, make_course, make_person):
    course = make_course()
    enrol(course, make_person("김철용"))
    db.session.commit()
    login_as("staff")
    page = client.get(f"/education/manage/courses/{course.id}").get_data(as_text=True)
    assert "김*용" in page and "김철용" not in page and "010-****-0001" in page


def test_counts_download_as_xlsx(app, client, login_as, make_course):
    make_course()
    login_as("manager")
    response = client.get("/education/manage/reports.xlsx?year=2025")
    assert response.status_code == 200 and response.data[:2] == b"PK"


def test_staff_add_places_and_the_waiting_list_moves_up(app, client, login_as, make_course, make_person):
    course = make_course(capacity=1, offer_hours=0)
    _holder, waiting = enrol(course, make_person())[0], enrol(course, make_person())[0]
    db.session.commit()
    login_as("staff")
    response = client.post(f"/education/manage/courses/{course.id}/settings",
                           data={"settings-capacity": "2", "settings-open": "y"})
    db.session.refresh(waiting)
    assert response.status_code == 302 and waiting.status == "confirmed"


def test_places_cannot_drop_below_the_people_who_have_one(app, client, login_as, make_course, make_person):
    course = make_course(capacity=2, offer_hours=0)
    enrol(course, make_person()), enrol(course, make_person())
    db.session.commit()
    login_as("staff")
    client.post(f"/education/manage/courses/{course.id}/settings", data={"settings-capacity": "1", "settings-open": "y"})
    db.session.refresh(course)
    assert course.capacity == 2


def test_staff_close_enrolment(app, client, login_as, make_course):
    course = make_course()
    login_as("staff")
    client.post(f"/education/manage/courses/{course.id}/settings", data={"settings-capacity": "2"})
    db.session.refresh(course)
    assert course.open is False
