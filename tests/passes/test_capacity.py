"""Seat pools never oversell and waiting lists promote in order (real PostgreSQL for the race)."""
import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ops.extensions import db
from ops.passes.capacity import WAITLISTED, promote_waitlist, release_seat, take_seat, waitlist_position


class ScratchBase(DeclarativeBase):
    """Tables of this test only: kept out of the app's metadata (and so out of migrations)."""


class DemoPool(ScratchBase):
    __tablename__ = "test_demo_pools"
    id: Mapped[int] = mapped_column(primary_key=True)
    capacity: Mapped[int | None]
    taken: Mapped[int] = mapped_column(default=0)


class DemoEntry(ScratchBase):
    __tablename__ = "test_demo_entries"
    id: Mapped[int] = mapped_column(primary_key=True)
    pool_id: Mapped[int] = mapped_column(ForeignKey("test_demo_pools.id"))
    status: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]


@pytest.fixture(autouse=True)
def demo_tables(request):
    app_fixture = "pg_app" if "pg_app" in request.fixturenames else "app"
    request.getfixturevalue(app_fixture)
    ScratchBase.metadata.create_all(db.engine)
    yield
    db.session.rollback()
    ScratchBase.metadata.drop_all(db.engine)


def test_seats_stop_at_capacity(app):
    pool = DemoPool(capacity=2, taken=0)
    db.session.add(pool)
    db.session.commit()
    assert [take_seat(DemoPool, pool.id) for _ in range(3)] == [True, True, False]


def test_unlimited_pool_always_has_a_seat(app):
    pool = DemoPool(capacity=None, taken=0)
    db.session.add(pool)
    db.session.commit()
    assert all(take_seat(DemoPool, pool.id) for _ in range(50))


def test_waitlist_is_promoted_in_order(app):
    pool = DemoPool(capacity=1, taken=1)
    db.session.add(pool)
    db.session.flush()
    t0 = datetime(2025, 1, 1)
    late = DemoEntry(pool_id=pool.id, status=WAITLISTED, created_at=t0 + timedelta(minutes=5))
    early = DemoEntry(pool_id=pool.id, status=WAITLISTED, created_at=t0)
    db.session.add_all([late, early])
    db.session.commit()
    assert waitlist_position(DemoEntry, DemoEntry.pool_id, late) == 2
    release_seat(DemoPool, pool.id)
    promoted = promote_waitlist(DemoPool, pool.id, DemoEntry, DemoEntry.pool_id)
    db.session.commit()
    assert promoted == [early] and early.status == "confirmed" and late.status == WAITLISTED


@pytest.mark.pg
def test_fifty_concurrent_takers_never_exceed_twenty_seats(pg_app):
    pool = DemoPool(capacity=20, taken=0)
    db.session.add(pool)
    db.session.commit()
    pool_id = pool.id
    barrier = threading.Barrier(50)
    wins = []

    def grab():
        with pg_app.app_context():
            barrier.wait()
            if take_seat(DemoPool, pool_id):
                wins.append(1)
            db.session.commit()
            db.session.remove()

    threads = [threading.Thread(target=grab) for _ in range(50)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    db.session.expire_all()
    assert len(wins) == 20 and db.session.get(DemoPool, pool_id).taken == 20
