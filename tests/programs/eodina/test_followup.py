"""Nobody lost: flags for learners slipping away, the coordinators' weekly digest, closing a flag."""
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from ops.core.timeutil import seoul_to_utc, seoul_today
from ops.extensions import db
from ops.notify.models import OutboxMessage
from ops.programs.eodina import followup, services
from ops.programs.eodina.models import LearnerFlag, Match
from tests.conftest import login


def _backdate_match(days: int) -> Match:
    match = db.session.scalar(select(Match))
    match.created_at = seoul_to_utc(datetime.combine(seoul_today() - timedelta(days=days), time(12)))
    db.session.commit()
    return match


def _log(ins, le, days_ago: int, attended: bool):
    services.log_lesson(ins, le.id, lesson_date=seoul_today() - timedelta(days=days_ago), minutes=50,
                        attended=attended)
    db.session.commit()


def _next_monday_morning(hour=9) -> datetime:
    today = seoul_today()
    monday = today + timedelta(days=(7 - today.weekday()) % 7 or 7)
    return seoul_to_utc(datetime.combine(monday, time(hour)))


def test_learner_absent_twice_in_a_row_is_flagged_once_with_the_dates(matched):
    ins, le, _c = matched
    _backdate_match(18)  # under 21 days: only the absences count
    _log(ins, le, 14, attended=False)
    _log(ins, le, 7, attended=False)
    assert followup.flag_lost_learners(seoul_today()) == 1
    assert followup.flag_lost_learners(seoul_today()) == 0  # the same evidence is flagged once
    db.session.commit()
    flag = db.session.scalar(select(LearnerFlag))
    assert flag.kind == "absent_twice" and "연속 2회 결석" in flag.reason_ko
    assert str(seoul_today() - timedelta(days=7)) in flag.reason_en


def test_one_absence_between_lessons_is_not_a_flag(matched):
    ins, le, _c = matched
    _backdate_match(20)
    _log(ins, le, 14, attended=False)
    _log(ins, le, 7, attended=True)
    assert followup.flag_lost_learners(seoul_today()) == 0


def test_matched_learner_without_a_lesson_for_21_days_is_flagged(matched):
    _backdate_match(21)
    assert followup.flag_lost_learners(seoul_today() - timedelta(days=1)) == 0  # 20 days: not yet
    assert followup.flag_lost_learners(seoul_today()) == 1
    flag = db.session.scalar(select(LearnerFlag))
    assert flag.kind == "no_lesson" and "21" in flag.reason_en


def test_closing_needs_what_was_done_and_a_closed_flag_stays_closed(matched, make_user, client):
    _backdate_match(25)
    followup.flag_lost_learners(seoul_today())
    db.session.commit()
    flag = db.session.scalar(select(LearnerFlag))
    login(client, make_user("staff"))
    page = client.get("/eodina/flags").get_data(as_text=True)
    assert f'id="flag-{flag.id}"' in page
    refused = client.post(f"/eodina/flags/{flag.id}/close", data={"action": " "})
    assert refused.status_code == 422 and db.session.get(LearnerFlag, flag.id).closed_at is None
    done = client.post(f"/eodina/flags/{flag.id}/close", data={"action": "전화함: 다음 주 다시 오시기로"})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(LearnerFlag, flag.id).action == "전화함: 다음 주 다시 오시기로"
    assert followup.flag_lost_learners(seoul_today()) == 0  # closed today: the quiet spell starts again
    assert f'id="flag-{flag.id}"' not in client.get("/eodina/flags").get_data(as_text=True)


def test_coordinator_gets_one_weekly_email_of_new_flags_at_their_centers(matched, make_user):
    _ins, _le, center = matched
    coordinator = make_user("staff")
    center.coordinator_id = coordinator.id
    db.session.commit()
    _backdate_match(30)
    monday = _next_monday_morning()
    followup.flag_lost_learners(seoul_today())
    assert followup.queue_flag_digests(monday - timedelta(days=1)) == 0  # Sundays: no digest
    assert followup.queue_flag_digests(monday) == 1
    assert followup.queue_flag_digests(monday + timedelta(hours=1)) == 0  # once a week
    db.session.commit()
    mail = db.session.scalar(select(OutboxMessage))
    assert (mail.channel, mail.recipient, mail.template) == ("email", coordinator.email, "eodina.flag_digest")
    assert mail.data["count"] == 1 and "수업 없음" in mail.data["lines"]
    assert db.session.scalar(select(LearnerFlag)).digested_at is not None


def test_flags_at_a_center_without_coordinator_go_to_the_managers(matched, make_user):
    manager = make_user("manager")
    _backdate_match(30)
    followup.flag_lost_learners(seoul_today())
    assert followup.queue_flag_digests(_next_monday_morning()) == 1
    assert db.session.scalar(select(OutboxMessage.recipient)) == manager.email


@pytest.mark.pg
def test_two_sweeps_at_once_raise_each_flag_once(pg_app):
    from tests.programs.eodina.test_concurrency_pg import _race, _setup

    _setup(learners=1, max_learners=5)
    services.run_matching()
    db.session.commit()
    _backdate_match(30)
    assert _race(pg_app, lambda: followup.flag_lost_learners(seoul_today())) == []
    assert db.session.scalar(select(func.count(LearnerFlag.id))) == 1
