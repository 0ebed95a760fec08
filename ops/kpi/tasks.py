"""Celery task of the KPI roll-up: thin, calls the service and commits."""
from datetime import timedelta

from celery import shared_task

from ..core.timeutil import seoul_today
from ..extensions import db
from . import services


@shared_task(name="ops.kpi.rollup", ignore_result=True)
def rollup_task(year: int | None = None, days_back: int = 0) -> int:
    """Snapshot every metric as of today (or ``days_back`` days ago, to close a finished day)."""
    day = seoul_today() - timedelta(days=days_back)
    figures = services.rollup(year or day.year, day)
    db.session.commit()
    return len(figures)


@shared_task(name="ops.kpi.monthly_report", ignore_result=True)
def monthly_report_task() -> int | None:
    """Daily: on the first working day of a month, build and announce the month before's report."""
    from . import reports

    report = reports.scheduled(seoul_today())
    db.session.commit()
    return report.id if report else None
