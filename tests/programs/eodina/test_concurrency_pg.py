"""Races decided by PostgreSQL: matching runs, double-tapped lesson logs, feedback taps."""
import threading

import pytest
from sqlalchemy import func, select

from ops.core.timeutil import seoul_today
from ops.extensions import db
from ops.programs.eodina import services
from ops.programs.eodina.models import LessonFeedback, LessonLog, Learner, Match

pytestmark = pytest.mark.pg


def _race(app, fn, n=2):
    barrier = threading.Barrier(n)
    errors = []

    def run():
        with app.app_context():
            try:
                barrier.wait()
                fn()
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - collected and asserted below
                db.session.rollback()
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def _setup(learners=4, max_learners=3):
    c = services.save_center(None, name="종로센터", district="jongno", address="a", capacity=2)
    ins = services.register_instructor(name="김강사", phone="010-3000-0001", district="jongno")
    for step in ("selected", "trained", "active"):
        services.move_instructor(ins, step)
    services.update_instructor(ins, districts=["jongno"], center_ids=[c.id], availability=["mon-am"],
                               topics=["kiosk"], max_learners=max_learners)
    for n in range(learners):
        services.register_learner(name=f"학생{n}", phone=f"010-4000-{1000 + n}", district="jongno",
                                  availability=["mon-am"], consent=True)
    db.session.commit()
    return ins


def test_two_matching_runs_at_once_match_each_learner_once_within_capacity(pg_app):
    _setup(learners=4, max_learners=3)
    errors = _race(pg_app, lambda: services.run_matching())
    assert errors == []
    per_learner = db.session.execute(select(Match.learner_id, func.count()).group_by(Match.learner_id)).all()
    assert all(n == 1 for _id, n in per_learner)
    assert db.session.scalar(select(func.count(Match.id))) == 3


def test_double_tapped_lesson_log_is_one_lesson_and_one_taught(pg_app):
    ins = _setup(learners=1)
    services.run_matching()
    db.session.commit()
    learner_id = db.session.scalar(select(Learner.id))
    ins_id = ins.id

    def log():
        me = db.session.get(type(ins), ins_id)
        services.log_lesson(me, learner_id, lesson_date=seoul_today(), minutes=50, attended=True)

    assert _race(pg_app, log) == []
    assert db.session.scalar(select(func.count(LessonLog.id))) == 1
    assert db.session.get(Learner, learner_id).lessons_attended == 1


def test_two_feedback_taps_at_once_store_one_rating(pg_app):
    ins = _setup(learners=1)
    services.run_matching()
    learner_id = db.session.scalar(select(Learner.id))
    lesson, _ = services.log_lesson(ins, learner_id, lesson_date=seoul_today(), minutes=50, attended=True)
    db.session.commit()
    lesson_id = lesson.id
    errors = _race(pg_app, lambda: services.give_feedback(db.session.get(LessonLog, lesson_id), 4))
    assert len(errors) == 1 and isinstance(errors[0], services.AlreadyGiven)
    assert db.session.scalar(select(func.count(LessonFeedback.id))) == 1
