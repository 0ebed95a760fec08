"""Satisfaction surveys: one text after an event day or a course, one answer within 14 days, results for staff."""
from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import select

from ops.core.timeutil import seoul_to_utc, seoul_today
from ops.education.services import ATTENDANCE, add_session, create_course, enrol
from ops.extensions import db
from ops.kpi.registry import METRICS
from ops.notify.models import OutboxMessage
from ops.passes.checkin import perform_checkin
from ops.people.consent import SMS_REMINDERS
from ops.people.services import find_or_create_person, record_consent
from ops.surveys.models import SurveyAnswer, SurveyInvite
from ops.surveys.reminders import ask_after_courses, ask_after_event_days
from tests.conftest import login
from tests.events.conftest import make_event, register_one, token_for  # noqa: F401 (fixture)


def seoul(day, hour, minute=0):
    return seoul_to_utc(datetime.combine(day, time(hour, minute)))


@pytest.fixture
def event_day(app, token_for):
    """An SLW event today and tomorrow: two visitors with SMS consent came today, one without, one stayed away."""
    day = seoul_today()
    event = make_event(days=[day, day + timedelta(days=1)], capacity=None, programme="slw")
    came = [register_one(event, n, sms_consent=True) for n in (1, 2)]
    no_consent = register_one(event, 3)
    absent = register_one(event, 4, sms_consent=True)
    staff = token_for("staff")
    return event, day, came, no_consent, absent, staff


def check_in(client, headers, registration):
    assert client.post("/api/v1/checkin", json={"code": registration.code, "gate": "A"},
                       headers=headers).status_code == 200


def invites():
    return db.session.scalars(select(SurveyInvite).order_by(SurveyInvite.subject_id)).all()


def test_after_the_day_those_checked_in_with_sms_consent_get_one_text(client, event_day):
    event, day, came, no_consent, absent, staff = event_day
    for registration in (*came, no_consent):
        check_in(client, staff, registration)
    assert ask_after_event_days(seoul(day, 17)) == 0  # the day is not over yet
    assert ask_after_event_days(seoul(day, 18, 30)) == 2
    db.session.commit()
    assert ask_after_event_days(seoul(day, 18, 35)) == 0  # the next run asks nobody twice
    db.session.commit()
    assert [i.subject_id for i in invites()] == [r.id for r in came]
    texts = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "surveys.event")).all()
    assert len(texts) == 2 and all("/survey/" in t.data["url"] for t in texts)


def answer(client, token, **form):
    return client.post(f"/survey/{token}", data=form)


def test_a_visitor_answers_0_to_10_once(client, event_day):
    event, day, came, _no, _absent, staff = event_day
    check_in(client, staff, came[0])
    ask_after_event_days(seoul(day, 19))
    db.session.commit()
    token = invites()[0].token
    page = client.get(f"/survey/{token}").get_data(as_text=True)
    assert 'value="0"' in page and 'value="10"' in page and "스마트라이프위크" in page
    assert answer(client, token, comment="좋았어요").status_code == 422  # no score: asked again, nothing kept
    assert answer(client, token, score="11").status_code == 422
    assert answer(client, token, score="9", comment="좋았어요").status_code == 200
    again = answer(client, token, score="2")
    assert again.status_code == 200 and db.session.scalars(select(SurveyAnswer.score)).all() == [9]


def test_the_link_works_for_14_days(client, event_day, time_machine):
    event, day, came, _no, _absent, staff = event_day
    check_in(client, staff, came[0])
    ask_after_event_days(seoul(day, 19))
    db.session.commit()
    token = invites()[0].token
    time_machine.move_to(seoul(day + timedelta(days=15), 20).replace(tzinfo=timezone.utc))
    assert client.get(f"/survey/{token}").status_code == 410
    assert answer(client, token, score="8").status_code == 410
    assert client.get("/survey/not-a-token").status_code == 404


def test_staff_see_distribution_by_day_and_comments_and_export_them(client, event_day, make_user):
    event, day, came, _no, _absent, staff = event_day
    for registration in came:
        check_in(client, staff, registration)
    ask_after_event_days(seoul(day, 19))
    db.session.commit()
    for invite_row, (score, comment) in zip(invites(), [(9, "길 안내가 좋았어요"), (7, "")]):
        answer(client, invite_row.token, score=str(score), comment=comment)
    login(client, make_user("staff"))
    page = client.get(f"/surveys/events/{event.slug}").get_data(as_text=True)
    assert "8.0" in page and "길 안내가 좋았어요" in page and day.isoformat() in page
    export = client.get(f"/surveys/events/{event.slug}.csv").get_data(as_text=True)
    lines = export.lstrip("\ufeff").splitlines()
    assert lines[0] == "day,score,comment,answered_at" and len(lines) == 3
    assert "김민" not in export and "010" not in export  # answers are exported without names or phones


def test_results_are_for_staff_only(client, event_day, make_user):
    event, *_rest = event_day
    login(client, make_user("citizen"))
    assert client.get(f"/surveys/events/{event.slug}").status_code == 403
    assert client.get(f"/surveys/events/{event.slug}.csv").status_code == 403


def test_the_average_feeds_its_own_kpi_metric(client, event_day):
    event, day, came, _no, _absent, staff = event_day
    for registration in came:
        check_in(client, staff, registration)
    ask_after_event_days(seoul(day, 19))
    db.session.commit()
    for invite_row, score in zip(invites(), (10, 7)):
        answer(client, invite_row.token, score=str(score))
    assert METRICS["slw.satisfaction"](event.first_day.year, seoul_today() + timedelta(days=1)) == 8.5


def test_learners_who_attended_are_asked_1_to_5_after_the_last_session(client, app):
    course = create_course(title_ko="시민 AI 특강", title_en="AI lecture", kind="smart_city_center",
                           audience="citizens", capacity=5, year=seoul_today().year)
    start = datetime.combine(seoul_today() - timedelta(days=7), time(14))
    add_session(course, starts=start, ends=start + timedelta(hours=2), place="센터")
    last = add_session(course, starts=start + timedelta(days=3), ends=start + timedelta(days=3, hours=2), place="센터")
    db.session.commit()
    people = [find_or_create_person(f"수강생{n}", f"010-6666-{n:04d}") for n in (1, 2)]
    for person in people:
        record_consent(person, SMS_REMINDERS, True)
    before = seoul_to_utc(start - timedelta(days=1))  # enrolled while enrolment was open
    attended, stayed_away = (enrol(course, person, now=before)[0] for person in people)
    perform_checkin(kind=ATTENDANCE, subject_id=attended.id, scope_id=course.id, occasion=str(last.id), method="roll-call")
    db.session.commit()
    assert ask_after_courses(seoul_to_utc(start + timedelta(days=3, hours=1))) == 0  # the last session is on
    assert ask_after_courses(seoul_to_utc(start + timedelta(days=3, hours=3))) == 1
    db.session.commit()
    invite_row = invites()[0]
    assert invite_row.subject_id == attended.id
    page = client.get(f"/survey/{invite_row.token}").get_data(as_text=True)
    assert 'value="1"' in page and 'value="5"' in page and 'value="0"' not in page
    assert answer(client, invite_row.token, score="0").status_code == 422
    assert answer(client, invite_row.token, score="4").status_code == 200
