"""SQL helpers shared by the hot paths."""
from __future__ import annotations

from typing import Any, Callable

from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy.engine import Connection, Engine

AUTOCOMMIT = "ops_autocommit"


def dialect_insert(dialect: str):
    """The ``insert`` of this database's dialect, which has ``on_conflict_do_nothing``."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise RuntimeError(f"unsupported database {dialect}")
    return insert


class Session(FlaskSession):
    """``db.session``: Flask-SQLAlchemy's session, which a request can ask to run without a
    transaction (see ``without_transaction``)."""

    def get_bind(self, *args, **kwargs):
        bind = super().get_bind(*args, **kwargs)
        if self.info.get(AUTOCOMMIT) and isinstance(bind, Engine):
            return _autocommit(bind)
        return bind


def _autocommit(engine: Engine) -> Engine:
    # The same engine and pool, handing its connections out in autocommit; one per engine,
    # kept with the app (tests make many apps and engines).
    from flask import current_app

    engines = current_app.extensions.setdefault("ops_autocommit_engines", {})
    found = engines.get(engine)
    if found is None:
        found = engines.setdefault(engine, engine.execution_options(isolation_level="AUTOCOMMIT"))
    return found


def without_transaction(session) -> bool:
    """Let every statement of this session commit on its own (no BEGIN, no COMMIT); True if so.

    For a request that reads, then makes one write whose unique index decides any race
    (a door scan): it spares the trips to the database a transaction costs. It only takes
    effect before the session begins: a session already in a transaction keeps it (False),
    and its caller must commit as usual.
    """
    if session.in_transaction():
        return False
    session.info[AUTOCOMMIT] = True
    return True


def runs_without_transaction(session) -> bool:
    """Whether ``without_transaction`` took effect on this session."""
    return bool(session.info.get(AUTOCOMMIT))


class DriverStatement:
    """One statement compiled once for PostgreSQL and run on the driver's connection, in
    autocommit: for a hot path whose whole database work is that one statement.

    SQLAlchemy's connection, execution context and result object cost a door scan more
    CPU than the statement itself; this skips them. The connection comes from the engine's
    pool all the same (its limits and idle ping apply), or is one the request's session
    already holds in autocommit; a connection found dead is invalidated, as SQLAlchemy would. Parameters are passed to psycopg as they are: give
    it values it adapts itself (str, int, datetime, None).
    """

    def __init__(self, build: Callable[[], Any]):
        self._build = build
        self._compiled: tuple[str, dict] | None = None

    def sql(self, dialect) -> tuple[str, dict]:
        """The SQL text and the values of the statement's own literals."""
        if self._compiled is None:
            compiled = self._build().compile(dialect=dialect)
            self._compiled = (str(compiled), dict(compiled.params))
        return self._compiled

    def first(self, bind: Engine | Connection, params: dict) -> tuple | None:
        """The first row the statement returns, as a tuple, or None.

        ``bind`` is an engine (a pooled connection is taken for the statement) or a connection
        already in autocommit (one a session without a transaction holds: no second one).
        """
        if isinstance(bind, Connection):
            return self._on(bind, params)
        engine = bind
        sql, literals = self.sql(engine.dialect)
        pooled = engine.raw_connection()
        driver = pooled.driver_connection
        try:
            driver.autocommit = True
            row = driver.execute(sql, {**literals, **params}).fetchone()
            driver.autocommit = False
            return row
        except BaseException as error:
            dead = (isinstance(error, engine.dialect.loaded_dbapi.Error)
                    and engine.dialect.is_disconnect(error, driver, None))
            if dead or not _back_in_transactions(driver):
                pooled.invalidate(error)
            raise
        finally:
            pooled.close()

    def _on(self, connection: Connection, params: dict) -> tuple | None:
        sql, literals = self.sql(connection.dialect)
        driver = connection.connection.driver_connection
        if not driver.autocommit:  # the statement would open a transaction nobody ends
            raise RuntimeError("DriverStatement needs a connection in autocommit")
        try:
            return driver.execute(sql, {**literals, **params}).fetchone()
        except connection.dialect.loaded_dbapi.Error as error:
            if connection.dialect.is_disconnect(error, driver, None):
                connection.invalidate(error)
            raise


def _back_in_transactions(driver) -> bool:
    """Hand the connection back to the pool as it came (not in autocommit); False if it cannot be."""
    try:
        driver.autocommit = False
        return True
    except Exception:  # noqa: BLE001 - a broken connection: the caller drops it
        return False
