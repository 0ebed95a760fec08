"""On the real PostgreSQL: two staff approving two requests for one slot at the same moment book it once,
and one survey card submitted twice at once is one answer."""
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from ops.extensions import db
from ops.programs.bus import services
from ops.programs.bus.models import BusSurveyAnswer, BusVisit

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
    ids = []
    for _ in range(4):
        ids.append(pg_world.request(day).id)
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
    direct = pg_world.request(target)
    db.session.commit()
    round_ = moved.proposal_round

    def accept():
        services.answer_proposal(db.session.get(BusVisit, moved.id), round_, accept=True)

    outcomes = race(pg_app, [accept, lambda: services.approve_visit(direct.id)])
    assert sorted(outcomes) == ["ok", "slot_taken"]
    db.session.expire_all()
    booked = db.session.scalars(select(BusVisit).where(BusVisit.status == "approved")).all()
    assert [(v.day, v.slot_id) for v in booked] == [(target, pg_world.am.id)]
