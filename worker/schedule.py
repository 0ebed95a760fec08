"""What `celery -A worker beat` runs (run exactly one beat).

Reminder sources are idempotent (dedup keys), so running them often only queues what
became due; the sweep sends whatever a lost wake-up (broker outage) or the end of quiet
hours left waiting. Crontab times are Seoul time (the Celery timezone).
"""
from celery.schedules import crontab

BEAT_SCHEDULE = {
    "reminder-sources": {"task": "ops.notify.reminder_sources", "schedule": 300.0},
    "outbox-sweep": {"task": "ops.notify.dispatch", "schedule": 60.0},
    # A course's waiting-list offer that was not accepted in time moves on to the next in line.
    "education-expire-offers": {"task": "ops.education.expire_offers", "schedule": 60.0},
    # The same for an event's ticket: a seat offered and not accepted in time goes to the next in line.
    "events-expire-offers": {"task": "ops.events.expire_offers", "schedule": 60.0},
    # Hourly keeps today's snapshot fresh; just after midnight the finished day is closed.
    "kpi-rollup-hourly": {"task": "ops.kpi.rollup", "schedule": crontab(minute=5)},
    "kpi-rollup-close-day": {"task": "ops.kpi.rollup", "schedule": crontab(hour=0, minute=10),
                             "kwargs": {"days_back": 1}},
    # Every morning; only the first working day of a month builds (after the close-day roll-up).
    "kpi-monthly-report": {"task": "ops.kpi.monthly_report", "schedule": crontab(hour=7, minute=0)},
}
