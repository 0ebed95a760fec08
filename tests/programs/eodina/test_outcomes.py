"""Outcomes: the skills check at intake and completion, before/after reports, the KPI share, lesson skills."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from ops.core.timeutil import seoul_today
from ops.extensions import db
from ops.programs.eodina import outcomes, services
from ops.programs.eodina.models import SkillCheck
from tests.conftest import login

INTAKE = ["video_call"]
COMPLETION = ["video_call", "kiosk_order", "map_route", "bus_arrival"]


def _complete(app, ins, le):
    """All the course's lessons, on the weeks before today (the last completes the learner)."""
    lessons = app.config["EODINA_COURSE_LESSONS"]
    for week in range(lessons, 0, -1):
        services.log_lesson(ins, le.id, lesson_date=seoul_today() - timedelta(days=7 * week), minutes=50,
                            attended=True, skills=["use_kiosk"])
    db.session.commit()


def test_instructor_records_the_checks_and_the_report_shows_before_and_after(app, client, matched, make_user):
    ins, le, _c = matched
    user = make_user("instructor")
    services.attach_user(ins, user)
    db.session.commit()
    login(client, user)
    start = seoul_today() - timedelta(days=7 * 9)
    assert client.post(f"/eodina/my/learners/{le.id}/skills",
                       data={"stage": "intake", "checked_on": start.isoformat(), "tasks": INTAKE}).status_code == 302
    _complete(app, ins, le)
    my = client.get("/eodina/my").get_data(as_text=True)
    assert f"/eodina/my/learners/{le.id}/skills" in my  # the completion check is due though the match ended
    assert client.post(f"/eodina/my/learners/{le.id}/skills",
                       data={"stage": "completion", "checked_on": seoul_today().isoformat(),
                             "tasks": COMPLETION}).status_code == 302
    again = client.post(f"/eodina/my/learners/{le.id}/skills",
                        data={"stage": "completion", "checked_on": seoul_today().isoformat(), "tasks": []})
    assert again.status_code == 422  # once per stage
    scores = dict(db.session.execute(select(SkillCheck.stage, SkillCheck.score)).all())
    assert scores == {"intake": 1, "completion": 4}
    [district] = outcomes.before_after("district")
    assert (district.learners, district.average_before, district.average_after, district.gained_enough) == (1, 1, 4, 1)
    [month] = outcomes.before_after("month")
    assert month.label == seoul_today().strftime("%Y-%m")
    assert dict(outcomes.lesson_skills_by_month())  # the lesson checklist is reported per month
    assert sum(c["use_kiosk"] for _m, c in outcomes.lesson_skills_by_month()) == app.config["EODINA_COURSE_LESSONS"]


def test_kpi_share_counts_completers_who_gained_enough(app, matched):
    ins, le, _c = matched
    outcomes.record_skill_check(ins, le.id, stage="intake", tasks=INTAKE, checked_on=seoul_today())
    outcomes.record_skill_check(ins, le.id, stage="completion", tasks=INTAKE + ["kiosk_order"],
                                checked_on=seoul_today())
    db.session.commit()
    year = seoul_today().year
    assert outcomes.skills_gained_share(year, seoul_today()) == 0.0  # gained 1, fewer than 3
    app.config["EODINA_SKILLS_GAIN"] = 1
    assert outcomes.skills_gained_share(year, seoul_today()) == 100.0
    assert outcomes.skills_gained_share(year - 1, seoul_today()) is None


def test_another_instructors_learner_cannot_be_checked(matched, instructor):
    _ins, le, _c = matched
    other = instructor(name="박강사")
    with pytest.raises(services.NotYourLearner):
        outcomes.record_skill_check(other, le.id, stage="intake", tasks=INTAKE, checked_on=seoul_today())


def test_outcomes_page_for_staff(client, login_as, matched):
    ins, le, _c = matched
    outcomes.record_skill_check(ins, le.id, stage="intake", tasks=INTAKE, checked_on=seoul_today())
    outcomes.record_skill_check(ins, le.id, stage="completion", tasks=COMPLETION, checked_on=seoul_today())
    db.session.commit()
    login_as("staff")
    for by in ("month", "district", "center", "learner"):
        page = client.get(f"/eodina/outcomes?by={by}")
        assert page.status_code == 200 and "4.0" in page.get_data(as_text=True), by


# --- Three months later ------------------------------------------------------------------------

def _completed_long_ago(le, days=92):
    from ops.core.timeutil import utcnow

    le.completed_at = utcnow() - timedelta(days=days)
    db.session.commit()


def test_three_months_after_completion_a_text_asks_and_the_answer_counts_once(client, matched):
    from ops.core.timeutil import utcnow
    from ops.notify.models import OutboxMessage
    from ops.people.consent import SMS_REMINDERS
    from ops.people.services import record_consent
    from ops.programs.eodina.models import FollowUp

    _ins, le, _c = matched
    record_consent(le.person, SMS_REMINDERS, True)
    _completed_long_ago(le, days=80)
    assert outcomes.queue_follow_ups(utcnow()) == 0  # not three months yet
    _completed_long_ago(le)
    assert outcomes.queue_follow_ups(utcnow()) == 1
    assert outcomes.queue_follow_ups(utcnow()) == 0  # asked once
    db.session.commit()
    text = db.session.scalar(select(OutboxMessage))
    link = text.data["url"].split("/eodina/s/")[1]
    assert client.get(f"/eodina/s/{link}").status_code == 200
    assert client.get(f"/eodina/s/{link[:-2]}xx").status_code == 404  # altered link
    client.post(f"/eodina/s/{link}", data={"answer": "some"})
    client.post(f"/eodina/s/{link}", data={"answer": "no"})
    db.session.expire_all()
    assert db.session.scalar(select(FollowUp.answer)) == "some"
    assert outcomes.follow_up_answers() == {"sms": {"some": 1}}


def test_without_sms_consent_the_follow_up_is_a_call_whose_answer_staff_record(client, login_as, matched):
    from ops.core.timeutil import utcnow
    from ops.programs.eodina.models import CallbackRequest, FollowUp

    _ins, le, _c = matched
    _completed_long_ago(le)
    assert outcomes.queue_follow_ups(utcnow()) == 1
    db.session.commit()
    call = db.session.scalar(select(CallbackRequest))
    assert call.source == "followup" and call.person_id == le.person_id
    login_as("staff")
    assert "follow_up_answer" in client.get("/eodina/callbacks").get_data(as_text=True)
    client.post(f"/eodina/callbacks/{call.id}/call", data={"outcome": "done", "follow_up_answer": "yes"})
    db.session.expire_all()
    assert (db.session.scalar(select(FollowUp.channel)), db.session.scalar(select(FollowUp.answer))) == ("call", "yes")
    assert "Phone call" in client.get("/eodina/outcomes?lang=en").get_data(as_text=True) or \
        "전화" in client.get("/eodina/outcomes").get_data(as_text=True)
