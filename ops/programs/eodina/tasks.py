"""Celery tasks of 어디나지원단: thin, they load, call a service and commit."""
from __future__ import annotations

from celery import shared_task

from ...extensions import db


@shared_task(name="eodina.import_learners")
def import_learners(job_id: int, locale: str = "ko") -> dict:
    """Run a learner import; progress is committed as it goes for the status page."""
    from .importer import process_import
    from .services import import_job

    job = process_import(import_job(job_id), locale=locale)
    return {"status": job.status, "added": job.added, "existing": job.existing, "errors": len(job.errors)}


@shared_task(name="eodina.run_matching")
def run_matching(learner_ids: list[int] | None = None, by_user_id: int | None = None) -> dict:
    """Match waiting learners (a large batch runs here rather than in the web request)."""
    from ...accounts.models import User
    from .services import run_matching as run

    by_user = db.session.get(User, by_user_id) if by_user_id else None
    result = run(learner_ids, by_user=by_user)
    db.session.commit()
    return {"matched": result.matched, "unmatched": result.unmatched, "kept": result.kept}
