"""`ops kpi rollup`: snapshot every metric now (what the schedule does)."""
from datetime import date

import click
from flask.cli import with_appcontext

from ..core.timeutil import seoul_today
from ..extensions import db
from . import services


@click.group("kpi")
def kpi():
    """KPI roll-up."""


@kpi.command("rollup")
@click.option("--year", type=int, default=None, help="Plan year (default: the date's year).")
@click.option("--date", "day", default=None, help="As of this day, YYYY-MM-DD (default: today in Seoul).")
@with_appcontext
def rollup(year, day):
    """Compute every metric as of a day and store that day's snapshots."""
    as_of = date.fromisoformat(day) if day else seoul_today()
    figures = services.rollup(year or as_of.year, as_of)
    db.session.commit()
    click.echo(f"{len(figures)} metrics as of {as_of.isoformat()}")
