"""Item 8 of issue 12: a failing statement puts no phone number in any log line (message or traceback)."""
import io
import logging

import pytest
from sqlalchemy import text

from ops.extensions import db

pytestmark = pytest.mark.pg


def _log_text(logger: logging.Logger, emit) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    try:
        emit()
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_a_failing_statement_with_a_phone_number_is_logged_masked(pg_app):
    log = logging.getLogger("ops.test")
    try:
        db.session.execute(text("SELECT CAST(:phone AS integer)"), {"phone": "010-9876-5432"})
    except Exception as exc:  # noqa: BLE001 - the failure is the point
        db.session.rollback()
        written = _log_text(log, lambda: log.exception("statement failed: %s", exc))
    assert "statement failed" in written and "Traceback" in written
    assert "9876" not in written and "010-****-5432" in written


def test_a_unique_violation_repeating_the_phone_is_logged_masked(pg_app):
    db.session.execute(text("CREATE TEMP TABLE phones (phone text UNIQUE)"))
    db.session.execute(text("INSERT INTO phones VALUES ('01055501234')"))
    log = logging.getLogger("ops.test")
    try:
        db.session.execute(text("INSERT INTO phones VALUES (:phone)"), {"phone": "01055501234"})
    except Exception:  # noqa: BLE001
        written = _log_text(log, lambda: log.exception("insert failed"))
        db.session.rollback()
    assert "duplicate key" in written and "5550" not in written


def test_an_unhandled_statement_error_in_a_request_is_logged_masked(pg_app):
    @pg_app.get("/_fail_with_phone")
    def fail():
        db.session.execute(text("CREATE TEMP TABLE callers (phone text UNIQUE)"))
        for _ in range(2):
            db.session.execute(text("INSERT INTO callers VALUES (:phone)"), {"phone": "+82 10 7777 1234"})

    errors = logging.getLogger("ops.core.errors")
    written = _log_text(errors, lambda: pg_app.test_client().get("/_fail_with_phone"))
    assert "unhandled error" in written and "duplicate key" in written and "7777" not in written
