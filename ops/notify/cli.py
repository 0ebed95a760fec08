"""`ops outbox …`: send what is due now, or run the reminder sources, without a worker."""
import click
from flask.cli import with_appcontext

from . import services


@click.group("outbox")
def outbox():
    """The outbox of texts and e-mails."""


@outbox.command("send")
@with_appcontext
def send():
    """Send every due message now (what a worker's sweep does)."""
    counts = services.dispatch_due()
    click.echo(", ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "nothing due")


@outbox.command("reminders")
@with_appcontext
def reminders():
    """Run every registered reminder source once (what beat does every 5 minutes)."""
    for name, n in services.run_reminder_sources().items():
        click.echo(f"{name}: {'failed (see the log)' if n < 0 else f'{n} queued'}")
