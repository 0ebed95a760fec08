"""The Celery app bound to create_app: every task runs inside the Flask app context."""
from ops import create_app

from .schedule import BEAT_SCHEDULE

flask_app = create_app()
celery = flask_app.extensions["celery"]
celery.conf.beat_schedule = BEAT_SCHEDULE
