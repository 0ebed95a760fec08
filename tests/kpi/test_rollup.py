"""Metric values, the daily roll-up into snapshots, and unique citizens counted once."""
from datetime import date

import pytest
from sqlalchemy import select

from ops.extensions import db
from ops.kpi import services
from ops.kpi.models import Snapshot
from ops.kpi.registry import metric, served_people
from ops.people.models import Person
from ops.people.services import find_or_create_person
from ops.plan.loader import read_plan


def _snapshots():
    return {(s.metric, s.day): s.value for s in db.session.scalars(select(Snapshot))}


def _people(*names):
    return [find_or_create_person(name, f"010-3000-{i:04d}").id for i, name in enumerate(names)]


def test_a_registered_metric_is_computed_as_of_the_day(app, plan):
    seen = []

    @metric("bus.users")
    def bus_users(year, as_of):
        seen.append((year, as_of))
        return 1234

    figures = services.rollup(2025, date(2025, 6, 30))
    assert figures["bus.users"] == 1234 and seen == [(2025, date(2025, 6, 30))]


def test_a_metric_no_area_registered_yet_is_not_connected_not_an_error(app, plan):
    services.rollup(2025, date(2025, 6, 30))
    data = services.figures(2025, programme="bus")
    statuses = {m["key"]: m["status"] for m in data["programmes"][0]["metrics"]}
    assert statuses["bus.users"] == "not_connected"


def test_a_failing_metric_is_reported_and_the_others_still_computed(app, plan):
    metric("bus.users")(lambda year, as_of: 1 / 0)
    metric("bus.satisfaction")(lambda year, as_of: 4.5)
    services.rollup(2025, date(2025, 6, 30))
    data = services.figures(2025, programme="bus")
    values = {m["key"]: (m["status"], m["value"]) for m in data["programmes"][0]["metrics"]}
    assert values["bus.users"] == ("error", None)
    assert values["bus.satisfaction"] == ("no_target", 4.5)


def test_the_rollup_stores_one_snapshot_per_metric_and_day_replacing_earlier_runs(app, plan):
    count = {"n": 10}
    metric("bus.users")(lambda year, as_of: count["n"])
    services.rollup(2025, date(2025, 6, 30))
    db.session.commit()
    count["n"] = 12
    services.rollup(2025, date(2025, 6, 30))
    services.rollup(2025, date(2025, 7, 1))
    db.session.commit()
    snaps = _snapshots()
    assert snaps[("bus.users", date(2025, 6, 30))] == 12
    assert snaps[("bus.users", date(2025, 7, 1))] == 12
    assert len([k for k in snaps if k[0] == "bus.users"]) == 2


def test_every_plan_target_gets_a_snapshot_even_when_unknown(app, plan):
    services.rollup(2025, date(2025, 6, 30))
    db.session.commit()
    snaps = _snapshots()
    assert ("scewc.companies", date(2025, 6, 30)) in snaps
    assert snaps[("scewc.companies", date(2025, 6, 30))] is None


def test_unique_citizens_are_counted_once_across_programmes_and_per_programme(app, plan):
    kim, lee, park = _people("김영희", "이철수", "박민수")
    db.session.commit()
    served_people("bus")(lambda year: select(Person.id).where(Person.id.in_([kim, lee])))
    served_people("eodina")(lambda year: select(Person.id).where(Person.id.in_([lee, park])))
    total, per_programme = services.unique_people(2025)
    assert (total, per_programme) == (3, {"bus": 2, "eodina": 2})
    figures = services.rollup(2025, date(2025, 6, 30))
    assert figures["people.unique"] == 3 and figures["people.unique.bus"] == 2


def test_manual_metrics_take_the_latest_entry_on_or_before_the_day(app, plan, make_user):
    manager = make_user("manager")
    services.add_entry(year=2025, metric="scewc.companies", value=5, as_of=date(2025, 5, 1), note="1차", user=manager)
    services.add_entry(year=2025, metric="scewc.companies", value=9, as_of=date(2025, 8, 1), note=None, user=manager)
    db.session.commit()
    assert services.rollup(2025, date(2025, 6, 30))["scewc.companies"] == 5
    assert services.rollup(2025, date(2025, 9, 30))["scewc.companies"] == 9
    assert services.rollup(2025, date(2025, 4, 1))["scewc.companies"] is None


def test_a_correction_is_a_new_entry_and_the_history_keeps_both_with_who(app, plan, make_user):
    manager = make_user("manager")
    services.add_entry(year=2025, metric="scewc.companies", value=5, as_of=date(2025, 5, 1), note=None, user=manager)
    services.add_entry(year=2025, metric="scewc.companies", value=6, as_of=date(2025, 5, 1), note="정정", user=manager)
    db.session.commit()
    history = services.entry_history(2025)
    assert [(e.value, e.note, e.entered_by_id) for e in history] == [(6, "정정", manager.id), (5, None, manager.id)]
    assert services.rollup(2025, date(2025, 5, 1))["scewc.companies"] == 6


@pytest.mark.parametrize("field, kwargs", [
    ("metric", {"metric": "bus.users"}),  # computed, not entered by hand
    ("value", {"value": -1}),
    ("as_of", {"as_of": date(2024, 12, 31)}),
])
def test_a_bad_entry_is_refused_with_the_field_and_nothing_kept(app, plan, field, kwargs):
    values = {"year": 2025, "metric": "scewc.companies", "value": 3, "as_of": date(2025, 5, 1), "note": None,
              "user": None, **kwargs}
    with pytest.raises(services.InvalidEntry) as caught:
        services.add_entry(**values)
    assert field in caught.value.errors
    assert services.entry_history(2025) == []


def test_request_rollup_without_a_broker_under_tests_leaves_it_to_the_schedule(app):
    assert services.request_rollup() is False


def test_request_rollup_with_the_broker_down_returns_at_once(tmp_path, monkeypatch):
    import time

    from ops import create_app
    from tests.conftest import base_config

    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    down = create_app(base_config(tmp_path, OPS_BROKER_URL="redis://127.0.0.1:1/0"))
    with down.app_context():
        started = time.monotonic()
        assert services.request_rollup() is True
        assert time.monotonic() - started < 1


def test_a_busy_door_asks_for_one_rollup_not_one_per_scan(tmp_path, monkeypatch):
    from ops import create_app
    from tests.conftest import base_config

    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    busy = create_app(base_config(tmp_path, OPS_BROKER_URL="redis://127.0.0.1:1/0", OPS_KPI_ROLLUP_EVERY=300))
    with busy.app_context():
        asked = [services.request_rollup() for _ in range(50)]
    assert asked.count(True) == 1 and asked[0] is True


def test_the_rollup_command_stores_the_days_snapshots(app, plan):
    expected = len(read_plan(2025)["targets"]) + 1  # and the unique citizens
    result = app.test_cli_runner().invoke(args=["kpi", "rollup", "--date", "2025-06-30"])
    assert result.exit_code == 0 and f"{expected} metrics as of 2025-06-30" in result.output
    assert len([k for k in _snapshots() if k[1] == date(2025, 6, 30)]) == expected
