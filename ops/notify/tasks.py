"""Celery tasks of the outbox: thin, each calls a service."""
from celery import shared_task

from . import services


@shared_task(name="ops.notify.dispatch", ignore_result=True)
def dispatch() -> dict:
    """Send every due message (woken after commits, and swept every minute by beat)."""
    return services.dispatch_due()


@shared_task(name="ops.notify.reminder_sources", ignore_result=True)
def reminder_sources() -> dict:
    """Queue the reminders every area's sources say are due; sending follows on the wake-up."""
    return services.run_reminder_sources()
