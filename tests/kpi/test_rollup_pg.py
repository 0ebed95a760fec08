"""On the real PostgreSQL, two roll-ups of the same day at once leave one snapshot per metric."""
import threading
from datetime import date

import pytest
from sqlalchemy import func, select

from ops.extensions import db
from ops.kpi import services
from ops.kpi.models import Snapshot
from ops.kpi.registry import metric
from ops.plan.loader import load_plan, read_plan

pytestmark = pytest.mark.pg


def test_concurrent_rollups_of_one_day_upsert_instead_of_failing(pg_app):
    load_plan()
    db.session.commit()
    metric("bus.users")(lambda year, as_of: 7)
    barrier = threading.Barrier(3)
    errors = []

    def run():
        with pg_app.app_context():
            try:
                barrier.wait()
                services.rollup(2025, date(2025, 6, 30))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    per_metric = db.session.execute(select(Snapshot.metric, func.count()).group_by(Snapshot.metric)).all()
    # every target of the plan and the unique-citizens count (no district figure registered here)
    assert len(per_metric) == len(read_plan(2025)["targets"]) + 1 and {n for _, n in per_metric} == {1}
