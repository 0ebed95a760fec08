"""On the real PostgreSQL: two staff approving two requests for one slot at the same moment book it once,
and one survey card submitted twice at once is one answer."""
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from ops.extensions import db
from ops.programs.bus import services
from ops.programs.bus.models import BusSurveyAnswer, BusVisit, HostInstitution

pytestmark = pytest.mark.pg


def race(app, jobs) -> list[str]:
    """Run each job in its own thread and session, all released together; return each outcome."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def worker(i, job):
        with app.app_context():
            barrier.wait()
            try:
                job()
                db.session.commit()
                outcomes[i] = "ok"
            except services.BusError as exc:
                db.session.rollback()
                outcomes[i] = exc.code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_two_approvals_at_once_for_one_slot_book_the_bus_once(pg_app, pg_world):
    day = date(2025, 4, 15)
    ids = [pg_world.request(day).id]
    for n in range(2, 5):
        ids.append(pg_world.request(day, institution=pg_world.another_institution(n)).id)
    db.session.commit()
    outcomes = race(pg_app, [lambda i=i: services.approve_visit(i) for i in ids])
    assert sorted(outcomes) == ["ok", "slot_taken", "slot_taken", "slot_taken"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(BusVisit.id)).where(BusVisit.status == "approved")) == 1


def test_one_card_submitted_twice_at_once_is_one_answer(pg_app, pg_world):
    day = date(2025, 4, 15)
    visit = pg_world.run(day)
    card = services.issue_survey_cards(visit, 1)[0]
    code = services.card_code(card)
    db.session.commit()
    outcomes = race(pg_app, [lambda s=s: services.answer_survey(code, score=s, today=day) for s in (5, 4, 3)])
    assert sorted(outcomes) == ["already_answered", "already_answered", "ok"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(BusSurveyAnswer.id))) == 1


def test_an_accepted_proposal_and_an_approval_at_once_book_the_slot_once(pg_app, pg_world):
    wanted, target = date(2025, 4, 15), date(2025, 4, 17)
    moved = pg_world.request(wanted)
    services.propose_other_date(moved.id, day=target, slot_id=pg_world.am.id, today=date(2025, 4, 1))
    direct = pg_world.request(target, institution=pg_world.another_institution())
    db.session.commit()
    round_ = moved.proposal_round

    def accept():
        services.answer_proposal(db.session.get(BusVisit, moved.id), round_, accept=True)

    outcomes = race(pg_app, [accept, lambda: services.approve_visit(direct.id)])
    assert sorted(outcomes) == ["ok", "slot_taken"]
    db.session.expire_all()
    booked = db.session.scalars(select(BusVisit).where(BusVisit.status == "approved")).all()
    assert [(v.day, v.slot_id) for v in booked] == [(target, pg_world.am.id)]


def test_one_institution_asking_for_one_slot_from_four_screens_at_once_asks_once(pg_app, pg_world):
    """uq_bus_visits_live_request: one live request per institution, day and slot, decided by the database."""
    day = date(2025, 4, 15)
    institution_id, slot_id, programme_id = pg_world.institution.id, pg_world.am.id, pg_world.robot.id
    db.session.commit()

    def ask():
        services.request_visit(db.session.get(HostInstitution, institution_id), slot_id=slot_id, day=day,
                               programme_id=programme_id, expected_participants=20, today=date(2025, 4, 1))

    outcomes = race(pg_app, [ask] * 4)
    assert sorted(outcomes) == ["already_requested"] * 3 + ["ok"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(BusVisit.id))) == 1


def test_a_cancelled_or_declined_request_does_not_stop_asking_again(pg_app, pg_world):
    day = date(2025, 4, 15)
    first = pg_world.request(day)
    services.cancel_visit(first.id, "다른 날로")
    second = pg_world.request(day)
    services.decline_visit(second.id, "버스 점검")
    third = pg_world.request(day, slot=pg_world.pm)  # another slot the same day is another request
    fourth = pg_world.request(day)
    db.session.commit()
    with pytest.raises(services.AlreadyRequested):
        pg_world.request(day, slot=pg_world.pm)
    db.session.rollback()
    assert {third.status, fourth.status} == {"requested"}
