"""The `ops` command: the Flask CLI bound to the app factory, plus the project's groups."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from .extensions import db


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app)
def main():
    """ops: the foundation's operations platform."""


@click.group()
def seed():
    """Load reference data."""


@seed.command("plan")
@click.option("--year", type=int, default=None, help="the plan file's year (default: the latest plan file)")
@with_appcontext
def seed_plan(year: int | None):
    """Load the year's plan (programmes, targets, budget). Safe to run again."""
    from .plan.loader import latest_plan_file_year, load_plan, read_plan

    year = year or latest_plan_file_year()
    report = load_plan(read_plan(year))
    db.session.commit()
    click.echo(f"plan {year}: {report.added} added, {report.updated} updated, {report.unchanged} unchanged")


@click.group("plan")
def plan_group():
    """The plan of each year."""


@plan_group.command("new")
@click.argument("year", type=int)
@click.option("--from", "from_year", type=int, required=True, help="the year to copy programmes and targets from")
@with_appcontext
def plan_new(year: int, from_year: int):
    """Start YEAR's plan as a draft copied from another year (budget lines start empty)."""
    from .plan.years import NoPlan, PlanExists, copy_plan

    try:
        copied = copy_plan(year, from_year)
    except PlanExists:
        raise click.ClickException(f"{year} already has a plan") from None
    except NoPlan:
        raise click.ClickException(f"{from_year} has no plan to copy") from None
    db.session.commit()
    click.echo(f"plan {year} (draft, from {from_year}): {copied.programmes} programmes, {copied.targets} targets, "
               f"{copied.actuals} last-year figures from {from_year}'s results; budget lines empty")


DEMO_USERS = [
    ("admin@demo.ops", "admin", "관리자 (Admin)"),
    ("manager@demo.ops", "manager", "김경영 (Manager)"),
    ("staff@demo.ops", "staff", "이운영 (Staff)"),
    ("instructor@demo.ops", "instructor", "박강사 (Instructor)"),
    ("citizen@demo.ops", "citizen", "최시민 (Citizen)"),
]


@seed.command("demo")
@with_appcontext
def seed_demo():
    """Add demo data and one demo login per role (never in production)."""
    from .accounts.models import User
    from .accounts.services import create_user, set_password
    from .core.demo import run_seeders
    from .plan.loader import load_plan

    if current_app.config.get("ENV_NAME") == "production":
        raise click.ClickException("demo data is not for production")
    load_plan()
    password = current_app.config["OPS_DEMO_PASSWORD"]
    users = {}
    for email, role, name in DEMO_USERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = create_user(email, role, password, name=name)
        else:
            set_password(user, password)
        users[role] = user
    db.session.commit()
    lines = run_seeders({"users": users})
    db.session.commit()
    for line in lines:
        click.echo(line)
    click.echo("Demo logins (password: %s):" % password)
    for email, role, _name in DEMO_USERS:
        click.echo(f"  {role:<11} {email}")


@click.group()
def users():
    """Accounts and API tokens."""


@users.command("create")
@click.option("--email", required=True)
@click.option("--role", required=True, type=click.Choice(["citizen", "instructor", "staff", "manager", "admin"]))
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--name", default=None)
@with_appcontext
def users_create(email, role, password, name):
    """Create an account."""
    from .accounts.services import InvalidAccount, create_user

    try:
        user = create_user(email, role, password, name=name)
    except InvalidAccount as exc:
        messages = {"email": "that is not an e-mail address", "role": "unknown role",
                    "password": "the password needs at least 10 characters", "exists": "that e-mail is taken"}
        raise click.ClickException(messages.get(str(exc), str(exc))) from None
    db.session.commit()
    click.echo(f"created {user.email} ({user.role})")


@users.command("token")
@click.argument("email")
@click.option("--name", default="cli", help="What the token is for (e.g. gate A scanner).")
@with_appcontext
def users_token(email, name):
    """Print a new API token for that user (shown once)."""
    from .accounts.models import User
    from .accounts.services import issue_token, normalise_email

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"no user {email}")
    _token, raw = issue_token(user, name)
    db.session.commit()
    click.echo(raw)


@users.command("revoke-tokens")
@click.argument("email")
@with_appcontext
def users_revoke_tokens(email):
    """Revoke every token of that user."""
    from .accounts.models import ApiToken, User
    from .accounts.services import normalise_email, revoke_token

    user = db.session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise click.ClickException(f"no user {email}")
    tokens = db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    for token in tokens:
        revoke_token(token)
    db.session.commit()
    click.echo(f"revoked {len(tokens)} token(s)")


def register(app) -> None:
    app.cli.add_command(seed)
    app.cli.add_command(users)
    app.cli.add_command(plan_group)
