"""The instructor's phone view, lesson logs, taught/completed counting, feedback links."""
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from ops.core.timeutil import seoul_today, to_seoul
from ops.extensions import db
from ops.programs.eodina import services
from ops.programs.eodina.models import LessonFeedback, LessonLog, Match
from tests.conftest import login


@pytest.fixture
def as_instructor(app, make_user):
    """Log a test client in as the given instructor record."""

    def do(ins):
        user = make_user("instructor")
        services.attach_user(ins, user)
        db.session.commit()
        client = app.test_client()
        login(client, user)
        return client

    return do


def _log(ins, le, days_ago=0, attended=True):
    lesson, _created = services.log_lesson(ins, le.id, lesson_date=seoul_today() - timedelta(days=days_ago),
                                           minutes=50, attended=attended, topics=["smartphone"])
    db.session.commit()
    return lesson


def test_instructor_sees_their_learners(matched, as_instructor):
    ins, le, _c = matched
    page = as_instructor(ins).get("/eodina/my").get_data(as_text=True)
    assert le.person.name in page


def test_instructor_does_not_see_another_instructors_learners(matched, instructor, learner, as_instructor):
    ins, le, _c = matched
    other = instructor(name="다른강사")
    page = as_instructor(other).get("/eodina/my").get_data(as_text=True)
    assert le.person.name not in page


def test_instructor_cannot_log_for_a_learner_who_is_not_theirs_even_by_guessing_the_id(matched, instructor,
                                                                                         as_instructor):
    ins, le, _c = matched
    other = instructor(name="다른강사")
    client = as_instructor(other)
    assert client.get(f"/eodina/my/learners/{le.id}/log").status_code == 404
    response = client.post(f"/eodina/my/learners/{le.id}/log",
                           data={"lesson_date": seoul_today().isoformat(), "minutes": 50, "attended": "yes"})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(LessonLog.id))) == 0


def test_instructor_cannot_open_another_instructors_lesson_qr(matched, instructor, as_instructor):
    ins, le, _c = matched
    lesson = _log(ins, le)
    other = instructor(name="다른강사")
    assert as_instructor(other).get(f"/eodina/my/lessons/{lesson.id}").status_code == 404


def test_logging_a_lesson_from_the_phone_takes_one_post(matched, as_instructor):
    ins, le, _c = matched
    response = as_instructor(ins).post(f"/eodina/my/learners/{le.id}/log", data={
        "lesson_date": seoul_today().isoformat(), "minutes": 45, "attended": "yes",
        "topics": ["kiosk"], "skills": ["use_kiosk"], "note": "잘함"})
    assert response.status_code == 302
    lesson = db.session.scalar(select(LessonLog))
    assert (lesson.minutes, lesson.topics, lesson.skills, lesson.note) == (45, ["kiosk"], ["use_kiosk"], "잘함")


def test_a_lesson_in_the_future_is_refused(matched, as_instructor):
    ins, le, _c = matched
    response = as_instructor(ins).post(f"/eodina/my/learners/{le.id}/log", data={
        "lesson_date": (seoul_today() + timedelta(days=3)).isoformat(), "minutes": 45, "attended": "yes"})
    assert response.status_code == 422
    assert db.session.scalar(select(func.count(LessonLog.id))) == 0


def test_first_attended_lesson_counts_the_learner_as_taught(matched):
    ins, le, _c = matched
    _log(ins, le, days_ago=7, attended=False)
    assert le.taught_at is None
    _log(ins, le)
    db.session.refresh(le)
    assert le.taught_at is not None and le.lessons_attended == 1


def test_a_lesson_logged_late_counts_on_the_day_it_was_given(matched):
    ins, le, _c = matched
    _log(ins, le, days_ago=3)
    _log(ins, le, days_ago=10)  # an older lesson typed in afterwards moves the first lesson back
    db.session.refresh(le)
    assert to_seoul(le.taught_at).date() == seoul_today() - timedelta(days=10)


def test_learner_completes_after_the_course_and_frees_the_place(app, matched):
    app.config["EODINA_COURSE_LESSONS"] = 3
    ins, le, _c = matched
    for days in (14, 7, 0):
        _log(ins, le, days_ago=days)
    db.session.refresh(le)
    assert le.completed_at is not None
    match = db.session.scalar(select(Match).where(Match.learner_id == le.id))
    assert match.ended_at is not None and match.end_reason == "completed"


def test_logging_the_same_day_twice_keeps_one_lesson(matched):
    ins, le, _c = matched
    _log(ins, le)
    _lesson, created = services.log_lesson(ins, le.id, lesson_date=seoul_today(), minutes=50, attended=True)
    db.session.commit()
    db.session.refresh(le)
    assert not created and le.lessons_attended == 1


def test_learner_rates_a_lesson_once_through_the_signed_link(client, matched):
    ins, le, _c = matched
    lesson = _log(ins, le)
    code = services.feedback_code(lesson)
    assert client.post(f"/eodina/f/{code}", data={"rating": 5}).status_code == 200
    client.post(f"/eodina/f/{code}", data={"rating": 1})
    ratings = db.session.scalars(select(LessonFeedback.rating)).all()
    assert ratings == [5]


def test_a_forged_feedback_link_is_not_found(client, matched):
    ins, le, _c = matched
    code = services.feedback_code(_log(ins, le))
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert client.get(f"/eodina/f/{forged}").status_code == 404


def test_a_rating_outside_one_to_five_is_refused(client, matched):
    ins, le, _c = matched
    code = services.feedback_code(_log(ins, le))
    assert client.post(f"/eodina/f/{code}", data={"rating": 9}).status_code == 422
    assert db.session.scalar(select(func.count(LessonFeedback.id))) == 0


def test_oversight_lists_idle_instructors_and_untaught_learners(client, login_as, matched):
    ins, le, _c = matched
    login_as("staff")
    page = client.get("/eodina/oversight").get_data(as_text=True)
    assert ins.person.masked_name in page and le.person.masked_name in page
    _log(ins, le)
    assert services.idle_instructors() == [] and services.untaught_learners() == []


def test_staff_override_replaces_the_match_and_says_why(client, login_as, matched, instructor):
    ins, le, c = matched
    other = instructor(name="지정강사")
    login_as("staff")
    client.post(f"/eodina/learners/{le.id}/override", data={"instructor": other.id, "center": c.id,
                                                            "slot": "fri-pm", "note": "가족 요청"})
    live = db.session.scalar(select(Match).where(Match.learner_id == le.id, Match.ended_at.is_(None)))
    assert (live.instructor_id, live.slot, live.by_staff) == (other.id, "fri-pm", True)
    assert "가족 요청" in live.reason_ko and "가족 요청" in live.reason_en


def test_matching_runs_from_the_staff_page_and_keeps_existing_matches(client, login_as, matched, learner):
    ins, le, _c = matched
    first = db.session.scalar(select(Match.id).where(Match.learner_id == le.id))
    newcomer = learner()
    login_as("staff")
    client.post("/eodina/matching/run")
    assert db.session.scalar(select(Match.id).where(Match.learner_id == le.id, Match.ended_at.is_(None))) == first
    assert db.session.scalar(select(Match.instructor_id).where(Match.learner_id == newcomer.id)) == ins.id


def test_match_run_command(app, center, instructor, learner):
    c = center()
    instructor(centers=[c])
    learner()
    result = app.test_cli_runner().invoke(args=["match", "run"])
    assert result.exit_code == 0 and "matched 1" in result.output


def test_monthly_report_shows_the_average_feedback(client, matched):
    from ops.programs.eodina.reports import instructor_month

    ins, le, _c = matched
    lesson = _log(ins, le)
    client.post(f"/eodina/f/{services.feedback_code(lesson)}", data={"rating": 4})
    assert instructor_month(seoul_today().strftime("%Y-%m"))[0].rating == 4.0
