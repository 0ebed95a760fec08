"""A pooled connection the server dropped never reaches a request (SQLAlchemy's pool_pre_ping)."""
import pytest
from sqlalchemy import create_engine, text

from ops import create_app
from ops.extensions import db
from tests.conftest import PG_ADMIN_URL, base_config


def _terminate(pid: int) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        assert conn.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


@pytest.mark.pg
def test_a_connection_the_server_dropped_while_pooled_is_replaced_before_use(pg_database, tmp_path, monkeypatch):
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(tmp_path, SQLALCHEMY_DATABASE_URI=pg_database))
    with app.app_context():
        try:
            first = db.session.scalar(text("SELECT pg_backend_pid()"))
            db.session.remove()  # back to the pool, where the server drops it (a restart, an idle timeout)
            _terminate(first)
            second = db.session.scalar(text("SELECT pg_backend_pid()"))
            assert second != first
        finally:
            db.session.remove()
            db.engine.dispose()
