from celery import shared_task
from sqlalchemy import text

from ..extensions import db


@shared_task(name="ops.core.ping")
def ping(value: str = "pong") -> dict:
    """Proves a worker is alive and inside the app: it answers with a database round trip."""
    one = db.session.execute(text("SELECT 1")).scalar()
    return {"reply": value, "database": one == 1}
