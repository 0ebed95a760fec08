"""On the real PostgreSQL, with the clock moved: citizens are never offered a past day or today's slots."""
from datetime import date, timedelta

import pytest

from ops.core.timeutil import seoul_today

pytestmark = pytest.mark.pg


@pytest.fixture
def app(pg_app):
    return pg_app


def test_free_slots_start_tomorrow(world, client, bus_today):
    month = f"{bus_today:%Y-%m}"
    days = client.get(f"/api/v1/bus/free?bus={world.bus.id}&month={month}").json["days"]
    assert all(date.fromisoformat(d["date"]) > bus_today for d in days)
    last_month = (bus_today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    assert client.get(f"/api/v1/bus/free?bus={world.bus.id}&month={last_month}").json["days"] == []
    page = client.get(f"/bus/free?bus={world.bus.id}&month={last_month}").get_data(as_text=True)
    assert 'class="free"' not in page


def test_tomorrows_free_slots_are_offered(world, client, bus_today):
    tomorrow = world.day_after(bus_today)
    days = client.get(f"/api/v1/bus/free?bus={world.bus.id}&month={tomorrow:%Y-%m}").json["days"]
    assert days[0]["date"] == tomorrow.isoformat() and days[0]["free"] == ["am", "pm"]
    assert seoul_today() == bus_today
