"""Hand a task to the broker from a background thread, so that a slow or unreachable broker
never holds up (or fails) the request that asked for it.

Requests for the same task coalesce: while one is being published, and for PAUSE seconds
after, any number of new requests lead to at most one more publish. A burst of
registrations thus wakes the dispatcher a few times a second, not once per registration
(each run sends everything that is due). Each process (and each Celery app, as tests
build several) has its own publishing thread, started on first use after a fork.
"""
from __future__ import annotations

import logging
import os
import threading
import time

log = logging.getLogger("ops.notify")

PAUSE = 0.25  # seconds between two publishes of one task by one process
_lock = threading.Lock()
_publishers: dict[tuple[int, int, str], threading.Event] = {}


def _publish_loop(celery_app, task_name: str, wanted: threading.Event) -> None:
    while True:
        wanted.wait()
        wanted.clear()
        try:
            celery_app.send_task(task_name, retry=False, ignore_result=True)
        except Exception as exc:  # noqa: BLE001 - a broker outage; the periodic schedule catches up
            log.warning("could not enqueue %s (%s); the schedule will run it", task_name, type(exc).__name__)
        time.sleep(PAUSE)


def enqueue_soon(celery_app, task_name: str) -> None:
    """Ask for ``task_name`` to be enqueued soon; returns at once and never raises."""
    key = (os.getpid(), id(celery_app), task_name)
    with _lock:
        wanted = _publishers.get(key)
        if wanted is None:
            wanted = _publishers[key] = threading.Event()
            threading.Thread(target=_publish_loop, args=(celery_app, task_name, wanted), daemon=True,
                             name=f"enqueue {task_name}").start()
    wanted.set()
