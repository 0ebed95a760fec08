"""The Celery app, bound to the Flask app so that every task runs in an app context."""
from __future__ import annotations

import logging
import threading
import time

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
    # A publish from a request gives up at once when Redis is unreachable (see enqueue): no retry
    # (kombu's default retried for 6 s on a refused connection), 1 s to connect, 5 s to answer.
    transport = {"global_keyprefix": prefix, "visibility_timeout": 3600, "max_retries": 0,
                 "socket_connect_timeout": 1, "socket_timeout": 5}
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


# --- Publishing a task from a request ---------------------------------------------------------

RETRY_AFTER = 10.0  # seconds a process leaves the broker alone after a publish failed
_lock = threading.Lock()
_next_publish: dict[tuple[int, str], float] = {}  # (Celery app, task) → monotonic time of the next publish


def enqueue(celery_app: Celery, task_name: str, *, every: float = 0.0) -> bool:
    """Publish ``task_name`` now, in the caller's thread; never raises. True if it was published.

    ``every``: a process publishes the task at most once in that many seconds, with a countdown
    of as many seconds, so the run starts after every call it skipped and covers them (a burst of
    registrations wakes the dispatcher a few times a second, not once per registration).
    A broker outage costs one request per process the connect timeout (1 s; refused: at once),
    then the broker is left alone for RETRY_AFTER seconds; what waits is swept by beat.
    """
    key, now = (id(celery_app), task_name), time.monotonic()
    with _lock:
        if now < _next_publish.get(key, 0.0):
            return False
        _next_publish[key] = now + every
    try:
        celery_app.send_task(task_name, retry=False, ignore_result=True, countdown=every or None)
        return True
    except Exception as exc:  # noqa: BLE001 - a broker outage; the periodic schedule catches up
        with _lock:
            _next_publish[key] = time.monotonic() + RETRY_AFTER
        log.warning("could not enqueue %s (%s); the schedule will run it", task_name, type(exc).__name__)
        return False
