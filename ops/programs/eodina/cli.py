"""`ops match run`: match waiting learners from the command line."""
from __future__ import annotations

import click
from flask.cli import with_appcontext

from ...extensions import db


@click.group("match")
def match():
    """어디나지원단 matching."""


@match.command("run")
@click.option("--background", is_flag=True, help="Queue it as a Celery task instead of running here.")
@with_appcontext
def match_run(background: bool):
    """Match every waiting learner whom capacity allows; live matches stay as they are."""
    from .services import run_matching
    from .tasks import run_matching as task

    if background:
        click.echo(f"queued task {task.delay().id}")
        return
    result = run_matching()
    db.session.commit()
    click.echo(f"matched {result.matched}, still waiting {result.unmatched}, kept {result.kept}")
