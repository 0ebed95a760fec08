"""Fixtures: an app on SQLite for speed, and the real PostgreSQL and Redis where a test needs them.

PostgreSQL and Redis tests create their own database and key prefix and remove them
afterwards. Locally a missing service skips those tests; under CI (CI=true) it fails them.
"""
from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import tempfile
import uuid
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import ProgrammingError

from ops import create_app
from ops.extensions import db
from tests import clock

PG_ADMIN_URL = os.environ.get("OPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("OPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def pytest_addoption(parser):
    parser.addoption("--moment", metavar="NAME|ISO",
                     help="run every test at this moment: a name from tests/clock.py MOMENTS or an ISO datetime "
                          "(Seoul time unless it has an offset); time ticks on from there")


def pytest_configure(config):
    config.ops_moment = clock.resolve(config.getoption("--moment"))
    if config.ops_moment is not None:  # collection and session fixtures see the moment too
        import time_machine

        config.ops_session_travel = time_machine.travel(config.ops_moment, tick=True)
        config.ops_session_travel.start()


def pytest_unconfigure(config):
    travel = getattr(config, "ops_session_travel", None)
    if travel is not None:
        travel.stop()


def pytest_report_header(config):
    if config.ops_moment is not None:
        return f"moment: {config.ops_moment.astimezone(clock.SEOUL).isoformat()} (Seoul), every test starts there"


@pytest.fixture(autouse=True)
def _at_the_moment(request):
    """With --moment, each test starts at the moment afresh (so a long suite does not drift past it)."""
    moment = request.config.ops_moment
    if moment is None:
        yield
        return
    import time_machine

    with time_machine.travel(moment, tick=True):
        yield


def service_missing(name: str, why: str):
    if os.environ.get("CI"):
        pytest.fail(f"{name} is required under CI and is not answering: {why}")
    pytest.skip(f"{name} not available: {why}")


def base_config(tmp_path, **extra) -> dict:
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.db'}",
        "WTF_CSRF_ENABLED": False,
        "SECRET_KEY": "test-secret",
        "OPS_SIGNING_KEY": "test-signing-key",
        "OPS_BROKER_URL": None,
        "SERVER_NAME": None,
    }
    config.update(extra)
    return config


class IsolatedClient(FlaskClient):
    """Each request gets its own app context (and so its own ``g`` and session), as in production.

    The tests hold an app context open to use the database; without this, requests
    would share its ``g`` and Flask-Login's cached user would leak between them.
    """

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)
            if _cv_app.get(None) is not None:
                db.session.expire_all()


_SQLITE_SCHEMA: list[Path] = []  # the empty schema, made once per test process


def _empty_sqlite_file(path: Path) -> None:
    """Put an SQLite file holding every table, empty, at ``path``.

    Made once per process and copied for each test: SQLite commits (and syncs) each of the schema's
    ~130 CREATE statements on its own, so ``create_all`` cost 0.7–1.5 s per test here, a copy ~1 ms.
    """
    if not _SQLITE_SCHEMA:
        folder = Path(tempfile.mkdtemp(prefix="ops-test-schema-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        schema_app = create_app(base_config(folder))
        with schema_app.app_context():
            db.create_all()
            db.engine.dispose()
        _SQLITE_SCHEMA.append(folder / "test.db")
    shutil.copyfile(_SQLITE_SCHEMA[0], path)


def _make_app(config):
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).exists():
        _empty_sqlite_file(Path(uri.removeprefix("sqlite:///")))
    app = create_app(config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.create_all()  # a no-op on the copied schema; creates the tables on any other database
    return app


@contextlib.contextmanager
def sqlite_app(tmp_path, monkeypatch, **config):
    """An app on a SQLite file of the test's own, inside its app context."""
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = _make_app(base_config(tmp_path, **config))
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def app(tmp_path, monkeypatch):
    with sqlite_app(tmp_path, monkeypatch) as app:
        yield app


@pytest.fixture(scope="session")
def demo_seed(request, tmp_path_factory):
    """(SQLite file, output): the data `ops seed demo` makes, seeded once per test session.

    Seeding takes 10–25 s; seven tests and the accessibility crawl each used to seed their own. Each now
    starts from a copy (``demo_app``). With --moment the seed runs at the moment, as each test does.
    """
    folder = tmp_path_factory.mktemp("demo-seed")
    previous = os.environ.get("OPS_INSTANCE_PATH")
    os.environ["OPS_INSTANCE_PATH"] = str(folder / "instance")
    try:
        with contextlib.ExitStack() as stack:
            if request.config.ops_moment is not None:
                import time_machine

                stack.enter_context(time_machine.travel(request.config.ops_moment, tick=True))
            app = _make_app(base_config(folder))
            with app.app_context():
                result = app.test_cli_runner().invoke(args=["seed", "demo"])
                assert result.exit_code == 0, result.output
                db.session.remove()
                db.engine.dispose()
    finally:
        if previous is None:
            os.environ.pop("OPS_INSTANCE_PATH", None)
        else:
            os.environ["OPS_INSTANCE_PATH"] = previous
    return folder / "test.db", result.output


def copy_demo(demo_seed, folder: Path) -> None:
    """The seeded demo database as ``folder``'s test.db (what base_config(folder) points at)."""
    shutil.copyfile(demo_seed[0], folder / "test.db")


@pytest.fixture
def demo_app(demo_seed, tmp_path, monkeypatch):
    """An app on a fresh copy of the demo data (see ``demo_seed``)."""
    copy_demo(demo_seed, tmp_path)
    with sqlite_app(tmp_path, monkeypatch) as app:
        yield app


@pytest.fixture
def csrf_app(tmp_path, monkeypatch):
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = _make_app(base_config(tmp_path, WTF_CSRF_ENABLED=True))
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def client(app):
    return app.test_client()


class ManualClock:
    """A clock that moves only when the test says so."""

    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def trust_clock(monkeypatch):
    """The short-trust caches' clock (ops/core/trust.py), moved by the test instead of by waiting."""
    from ops.core.trust import ShortTrust

    clock = ManualClock()
    monkeypatch.setattr(ShortTrust, "clock", staticmethod(clock))
    return clock


# --- PostgreSQL ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def pg_database():
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    name = f"ops_test_{uuid.uuid4().hex[:10]}"
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - any connection failure means the service is missing
        service_missing("PostgreSQL", str(exc).splitlines()[0])
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def empty_tables() -> None:
    """Every table of the app's PostgreSQL database there and empty, ids from 1, for the next test.

    One TRUNCATE of every table instead of dropping and creating them: 0.14 s against 0.35 s to drop and
    create plus 0.15 s to drop again afterwards (60 tables, measured on this machine), for each of the
    suite's several hundred PostgreSQL tests. The first test of a session (or after a test that dropped
    tables) creates them.
    """
    names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
    try:
        with db.engine.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    except ProgrammingError:  # a table is missing: this database is new, or a test dropped some
        db.drop_all()
        db.create_all()


@pytest.fixture
def pg_app(pg_database, tmp_path, monkeypatch):
    """An app on the session's PostgreSQL database, with empty tables for each test."""
    monkeypatch.setenv("OPS_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(tmp_path, SQLALCHEMY_DATABASE_URI=pg_database))
    app.test_client_class = IsolatedClient
    with app.app_context():
        empty_tables()
        yield app
        db.session.remove()
        db.engine.dispose()


# --- Redis --------------------------------------------------------------------------------

@pytest.fixture
def redis_prefix():
    """A Redis key prefix of this test's own; every key under it is deleted afterwards."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as exc:  # noqa: BLE001
        service_missing("Redis", str(exc))
    prefix = f"ops-test-{uuid.uuid4().hex[:10]}:"
    yield prefix
    for key in client.scan_iter(match=prefix + "*", count=1000):
        client.delete(key)
    client.close()


# --- People and accounts ------------------------------------------------------------------

@pytest.fixture
def make_user(app):
    from ops.accounts.services import create_user

    counter = {"n": 0}

    def make(role: str = "citizen", password: str = "correct-horse-battery", **kwargs):
        counter["n"] += 1
        user = create_user(f"{role}{counter['n']}@example.org", role, password, **kwargs)
        db.session.commit()
        return user

    return make


@contextlib.contextmanager
def statements_sent(engine):
    """The statements psycopg sends through cursors on the engine's pooled connections while open
    (not BEGIN and COMMIT, nor pool_pre_ping's ping)."""
    import psycopg
    from sqlalchemy import event

    sent: list[str] = []

    class Counting(psycopg.Cursor):
        def execute(self, query, params=None, **kwargs):
            sent.append(query if isinstance(query, str) else query.as_string(self))
            return super().execute(query, params, **kwargs)

    def taken(dbapi_connection, record, proxy):
        dbapi_connection.cursor_factory = Counting

    def returned(dbapi_connection, record):
        dbapi_connection.cursor_factory = psycopg.Cursor

    event.listen(engine, "checkout", taken)
    event.listen(engine, "checkin", returned)
    try:
        yield sent
    finally:
        event.remove(engine, "checkout", taken)
        event.remove(engine, "checkin", returned)


def login(client, user, password: str = "correct-horse-battery"):
    response = client.post("/login", data={"email": user.email, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response


@pytest.fixture
def login_as(client, make_user):
    def do(role: str):
        user = make_user(role)
        login(client, user)
        return user

    return do
