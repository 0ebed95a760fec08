"""The schema is made only by migrations: they must agree with the models, up and down."""
import uuid

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from ops import create_app
from ops.extensions import db
from tests.conftest import PG_ADMIN_URL, base_config, service_missing


def _check(url, tmp_path):
    app = create_app(base_config(tmp_path, SQLALCHEMY_DATABASE_URI=url))
    runner = app.test_cli_runner()
    up = runner.invoke(args=["db", "upgrade"])
    assert up.exit_code == 0, up.output
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations disagree: {diff}"
        down = runner.invoke(args=["db", "downgrade", "base"])
        assert down.exit_code == 0, down.output
        db.engine.dispose()
        remaining = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert remaining == set()
        db.engine.dispose()


def test_migrations_match_models_on_sqlite(tmp_path, monkeypatch):
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    _check(f"sqlite:///{tmp_path / 'migrate.db'}", tmp_path)


@pytest.mark.pg
def test_migrations_match_models_on_postgresql(tmp_path, monkeypatch):
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    name = f"ops_migrate_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001
        service_missing("PostgreSQL", str(exc).splitlines()[0])
    try:
        _check(PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name, tmp_path)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
