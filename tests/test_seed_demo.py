from sqlalchemy import func, select

from ops.accounts.models import User
from ops.accounts.roles import ROLES
from ops.extensions import db
from tests.conftest import login


def test_seed_demo_makes_one_login_per_role_and_can_run_again(demo_seed, demo_app):
    first_output = demo_seed[1]
    second = demo_app.test_cli_runner().invoke(args=["seed", "demo"])
    assert second.exit_code == 0, second.output
    roles = set(db.session.scalars(select(User.role)))
    assert roles == set(ROLES)
    assert db.session.scalar(select(func.count(User.id))) == len(ROLES)
    for role in ROLES:
        assert f"{role}@demo.ops" in first_output


def test_demo_logins_work(demo_app):
    user = db.session.scalar(select(User).where(User.role == "staff"))
    login(demo_app.test_client(), user, password="demo-password-2025")


def test_seed_demo_is_refused_in_production(app):
    app.config["ENV_NAME"] = "production"
    result = app.test_cli_runner().invoke(args=["seed", "demo"])
    assert result.exit_code != 0 and "production" in result.output
