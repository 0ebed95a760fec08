"""Celery task of events: thin, calls the service and commits."""
from celery import shared_task

from ..extensions import db
from . import services


@shared_task(name="ops.events.expire_offers", ignore_result=True)
def expire_offers_task() -> int:
    """Offers of a freed seat not accepted in time go to the next in line (beat, every minute)."""
    lapsed = services.expire_offers()
    db.session.commit()
    return lapsed
