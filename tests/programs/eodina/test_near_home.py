"""Near-home matching through the services and pages, on PostgreSQL: tiers kept, reasons shown, approval."""
import pytest
from sqlalchemy import select

from ops.extensions import db
from ops.programs.eodina import services
from ops.programs.eodina.models import Learner, Match
from tests.conftest import login

pytestmark = pytest.mark.pg


def _instructor(district, slots=("mon-am",), max_learners=5):
    c = services.save_center(None, name=f"{district} 센터", district=district, address="a", capacity=3)
    ins = services.register_instructor(name="김강사", phone=f"010-3{abs(hash(district)) % 1000:03d}-0001",
                                       district=district)
    for step in ("selected", "trained", "active"):
        services.move_instructor(ins, step)
    services.update_instructor(ins, districts=[district], center_ids=[c.id], availability=list(slots),
                               topics=["kiosk"], max_learners=max_learners)
    return ins, c


def _staff_client(app):
    from ops.accounts.services import create_user

    user = create_user("coordinator@example.org", "staff", "correct-horse-battery")
    db.session.commit()
    client = app.test_client()
    login(client, user)
    return client


def _learner(district, phone, slots=("mon-am",)):
    le, _ = services.register_learner(name="박학생", phone=phone, district=district, availability=list(slots),
                                      consent=True)
    return le


def test_each_match_keeps_its_tier_and_waiting_learners_their_reason(pg_app):
    _instructor("nowon", max_learners=1)
    home = _learner("nowon", "010-4000-0001")
    neighbour = _learner("dobong", "010-4000-0002")
    db.session.commit()
    run = services.run_matching()
    db.session.commit()
    assert (run.matched, run.unmatched) == (1, 1)
    match = db.session.scalar(select(Match))
    assert (match.learner_id, match.tier) == (home.id, "district")
    waiting = db.session.get(Learner, neighbour.id)
    assert waiting.wait_reason == "instructors_full"
    assert "도봉구" in waiting.wait_reason_ko and "월요일 10:00" in waiting.wait_reason_ko


def test_reason_is_cleared_once_the_learner_is_matched(pg_app):
    le = _learner("dobong", "010-4000-0003")
    db.session.commit()
    services.run_matching()
    db.session.commit()
    assert db.session.get(Learner, le.id).wait_reason == "no_instructor"
    _instructor("gangbuk")
    db.session.commit()
    services.run_matching()
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Learner, le.id).wait_reason is None
    assert db.session.scalar(select(Match.tier)) == "adjacent"


def test_further_out_only_after_a_coordinator_approves_on_the_learner_page(pg_app):
    _instructor("mapo")
    le = _learner("dobong", "010-4000-0004")
    db.session.commit()
    services.run_matching()
    db.session.commit()
    client = _staff_client(pg_app)
    page = client.get(f"/eodina/learners/{le.id}").get_data(as_text=True)
    assert "활동 중인 강사가 없음" in page or "no active instructor" in page
    assert client.post(f"/eodina/learners/{le.id}/further").status_code == 302
    services.run_matching()
    db.session.commit()
    match = db.session.scalar(select(Match).where(Match.learner_id == le.id))
    assert match.tier == "further" and "담당자 승인" in match.reason_ko
    matching = client.get("/eodina/matching").get_data(as_text=True)
    assert "Further out (approved)" in matching or "승인" in matching


def test_staff_see_waiting_learners_counted_by_reason(pg_app):
    _learner("jongno", "010-4000-0005", slots=())
    db.session.commit()
    services.run_matching()
    db.session.commit()
    client = _staff_client(pg_app)
    assert services.waiting_by_reason() == [("no_times", 1)]
    listing = client.get("/eodina/learners?waiting=1").get_data(as_text=True)
    assert "가능한 요일·시간이 등록되지 않음" in listing or "no days or times given" in listing
