"""The demo looks like last year (149 runs, 2,926 users, 4.25) without copying it, and runs once."""
from datetime import date

from sqlalchemy import func, select

from ops.extensions import db
from ops.programs.bus import reports
from ops.programs.bus.models import HostInstitution
from ops.programs.bus.seed import seed_demo


def test_demo_season_is_plausible_and_seeding_again_adds_nothing(demo_app):
    total = reports.summary(2025, date(2025, 12, 31))["total"]
    assert 120 <= total.runs <= 160 and 2500 <= total.users <= 3300
    assert 0.55 <= total.users_60plus / total.users <= 0.75 and 4.0 <= total.satisfaction <= 4.5
    assert seed_demo({}) == []
    assert db.session.scalar(select(func.count(HostInstitution.id))) == 24
