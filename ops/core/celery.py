"""The Celery app, bound to the Flask app so that every task runs in an app context."""
from __future__ import annotations

import logging

from celery import Celery, Task

log = logging.getLogger("ops.worker")
_said_in_process = False


def celery_init_app(app) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with app.app_context():
                return self.run(*args, **kwargs)

    broker = app.config.get("OPS_BROKER_URL")
    celery_app = Celery(app.name, task_cls=FlaskTask)
    prefix = app.config.get("OPS_REDIS_PREFIX", "ops:")
    transport = {"global_keyprefix": prefix, "visibility_timeout": 3600}
    settings = dict(
        broker_url=broker or "memory://",
        result_backend=app.config.get("OPS_RESULT_BACKEND") or None,
        broker_transport_options=transport,
        result_backend_transport_options={"global_keyprefix": prefix},
        task_ignore_result=False,
        timezone=app.config.get("OPS_TIMEZONE", "Asia/Seoul"),
        enable_utc=True,
        # A task is acknowledged after it ran, so a killed worker's task runs again.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        task_always_eager=not broker,
        task_eager_propagates=True,
    )
    if not broker:
        settings["result_backend"] = None
    settings.update(app.config.get("CELERY", {}))
    celery_app.config_from_object(settings)
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    if not broker and not app.config.get("TESTING"):
        # Said by a process that serves, on its first request: not by every `ops` command.
        app.before_request(_say_tasks_run_in_process)
    return celery_app


def _say_tasks_run_in_process() -> None:
    global _said_in_process
    if not _said_in_process:
        _said_in_process = True  # once per process, however many apps it builds
        log.warning("OPS_BROKER_URL is not set: tasks run in-process (no Celery worker needed)")
