"""`celery -A worker worker` / `celery -A worker beat`."""
from .celery_app import celery, flask_app

app = celery
__all__ = ["app", "celery", "flask_app"]
