"""Beat: every scheduled task exists in the app the worker runs."""
from worker.schedule import BEAT_SCHEDULE


def test_every_scheduled_task_is_registered(app):
    registered = set(app.extensions["celery"].tasks)
    assert {entry["task"] for entry in BEAT_SCHEDULE.values()} <= registered


def test_the_sweep_runs_every_minute_and_the_reminder_sources_every_few_minutes():
    by_task = {entry["task"]: entry["schedule"] for entry in BEAT_SCHEDULE.values()}
    assert by_task["ops.notify.dispatch"] == 60.0
    assert by_task["ops.notify.reminder_sources"] <= 600
