"""The shared check-in engine and seat pools, on the real PostgreSQL for the races."""
import threading

import pytest
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, mapped_column

from ops.extensions import db
from ops.passes.checkin import AlreadyCheckedIn, perform_checkin, undo_checkin
from ops.passes.models import CheckIn


def test_second_scan_is_already_checked_in_with_the_first_time_and_gate(app):
    first = perform_checkin(kind="ticket", subject_id=1, scope_id=1, occasion="2025-09-30", gate="A")
    db.session.commit()
    with pytest.raises(AlreadyCheckedIn) as exc:
        perform_checkin(kind="ticket", subject_id=1, scope_id=1, occasion="2025-09-30", gate="B")
    assert exc.value.first.id == first.id and exc.value.first.gate == "A"


def test_another_day_admits_again(app):
    perform_checkin(kind="ticket", subject_id=1, scope_id=1, occasion="2025-09-30")
    perform_checkin(kind="ticket", subject_id=1, scope_id=1, occasion="2025-10-01")
    db.session.commit()
    assert db.session.scalar(select(db.func.count(CheckIn.id))) == 2


def test_undo_keeps_the_record_and_allows_a_new_check_in(app):
    first = perform_checkin(kind="ticket", subject_id=1, scope_id=1, occasion="d1")
    undo_checkin(first, reason="scanned the wrong ticket")
    perform_checkin(kind="ticket", subject_id=1, scope_id=1, occasion="d1")
    db.session.commit()
    rows = db.session.scalars(select(CheckIn).order_by(CheckIn.id)).all()
    assert len(rows) == 2 and rows[0].undone_at is not None and rows[0].undo_reason == "scanned the wrong ticket"


@pytest.mark.pg
def test_two_gates_at_the_same_moment_get_exactly_one_ok(pg_app):
    barrier = threading.Barrier(8)
    outcomes = []

    def scan(gate):
        with pg_app.app_context():
            barrier.wait()
            try:
                perform_checkin(kind="ticket", subject_id=42, scope_id=1, occasion="d1", gate=gate)
                db.session.commit()
                outcomes.append("ok")
            except AlreadyCheckedIn:
                db.session.rollback()
                outcomes.append("already")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=scan, args=(f"G{i}",)) for i in range(8)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert sorted(outcomes) == ["already"] * 7 + ["ok"]
