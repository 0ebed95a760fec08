"""Centers per district and the instructor selection pipeline."""
from datetime import date

import pytest
from sqlalchemy import select

from ops.accounts.models import User
from ops.extensions import db
from ops.programs.eodina import services
from ops.programs.eodina.models import Center, Match
from tests.conftest import login


def test_staff_add_a_center_and_it_counts_for_its_district(client, login_as):
    login_as("staff")
    response = client.post("/eodina/centers/new", data={"name": "종로 노인복지관", "district": "jongno",
                                                        "address": "종로 1", "capacity": 3, "active": "y"})
    assert response.status_code == 302
    assert dict(services.centers_per_district())["jongno"] == 1


def test_a_center_without_a_name_is_refused_and_nothing_saved(client, login_as):
    login_as("staff")
    response = client.post("/eodina/centers/new", data={"district": "jongno", "address": "종로 1", "capacity": 3})
    assert response.status_code == 422
    assert db.session.scalar(select(Center)) is None


def test_district_view_lists_every_district_against_the_target(client, login_as, center):
    center("jongno"), center("jongno")
    login_as("staff")
    page = client.get("/eodina/centers").get_data(as_text=True)
    rows = services.centers_per_district()
    assert len(rows) == 25 and dict(rows)["jongno"] == 2
    assert "강동구" in page


def test_closed_center_does_not_count(center):
    c = center("mapo")
    services.close_center(c)
    db.session.commit()
    assert dict(services.centers_per_district())["mapo"] == 0


def test_pipeline_records_the_date_of_each_step(app):
    ins = services.register_instructor(name="박선생", phone="010-2222-3333", district="mapo")
    services.move_instructor(ins, "selected", on=date(2025, 3, 2))
    services.move_instructor(ins, "trained", on=date(2025, 3, 10))
    services.move_instructor(ins, "active", on=date(2025, 3, 20))
    assert (ins.status, ins.selected_on, ins.trained_on, ins.activated_on) == (
        "active", date(2025, 3, 2), date(2025, 3, 10), date(2025, 3, 20))


def test_a_step_cannot_be_skipped(app):
    ins = services.register_instructor(name="박선생", phone="010-2222-3333", district="mapo")
    with pytest.raises(services.InvalidTransition):
        services.move_instructor(ins, "active")


def test_when_an_instructor_leaves_their_learners_are_matched_again(center, instructor, learner):
    c = center()
    first = instructor(centers=[c], name="떠날강사")
    le = learner()
    services.run_matching()
    db.session.commit()
    second = instructor(centers=[c], name="남는강사")
    moved = services.move_instructor(first, "left")
    db.session.commit()
    live = db.session.scalar(select(Match).where(Match.learner_id == le.id, Match.ended_at.is_(None)))
    assert moved == [le.id] and live.instructor_id == second.id
    assert live.reason_ko.startswith("강사 활동 중단으로 재배정")


def test_paused_instructor_gets_no_new_learners(center, instructor, learner):
    c = center()
    ins = instructor(centers=[c])
    services.move_instructor(ins, "paused")
    learner()
    assert services.run_matching().matched == 0


def test_staff_give_an_instructor_a_phone_login(client, login_as, instructor):
    ins = instructor()
    login_as("staff")
    client.post(f"/eodina/instructors/{ins.id}/account", data={"email": "t@example.org",
                                                                "password": "long-enough-pw"})
    user = db.session.scalar(select(User).where(User.email == "t@example.org"))
    assert user.role == "instructor" and services.instructor_for_user(user).id == ins.id
    fresh = client.application.test_client()
    login(fresh, user, "long-enough-pw")
    assert fresh.get("/eodina/my").status_code == 200


def test_staff_save_what_an_instructor_serves(client, login_as, center, instructor):
    c = center("mapo")
    ins = instructor()
    login_as("staff")
    response = client.post(f"/eodina/instructors/{ins.id}", data={
        "districts": ["mapo"], "centers": [str(c.id)], "availability": ["tue-pm", "thu-am"],
        "topics": ["kiosk"], "max_learners": 12})
    assert response.status_code == 302
    db.session.refresh(ins)
    assert (ins.districts, [x.id for x in ins.centers], ins.availability, ins.max_learners) == (
        ["mapo"], [c.id], ["tue-pm", "thu-am"], 12)
