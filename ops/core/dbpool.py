"""Pooled database connections: checked with a ping only after they have sat idle.

SQLAlchemy's ``pool_pre_ping`` costs a round trip on every checkout, one more per
request (a third of a door scan's trips to the database). A connection in steady
use is known to be alive, so only one that has sat in the pool longer than
``OPS_DB_PING_AFTER`` seconds is pinged before use; a dead one is replaced there and
then, before the request sees it. This follows SQLAlchemy's "pessimistic disconnect
handling" recipe with a checkout listener.

What the ping cannot catch (the server restarting while a connection is in use, or in
the seconds before its next ping) fails that one statement; SQLAlchemy then discards
every connection made before the failure, so the next request starts afresh.
"""
from __future__ import annotations

import time

from sqlalchemy import event, exc

IDLE_SINCE = "ops_idle_since"


def ping_when_idle(engine, after_seconds: float) -> None:
    """Ping a connection on checkout when it has been idle more than ``after_seconds``."""
    dialect = engine.dialect

    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record) -> None:
        record.info[IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _taken(dbapi_connection, record, proxy) -> None:
        since = record.info.get(IDLE_SINCE)
        if since is None or time.monotonic() - since <= after_seconds:
            return  # new, or in steady use
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            if dialect.is_disconnect(error, dbapi_connection, None):
                raise exc.DisconnectionError() from error  # the pool tries again with a new connection
            raise


def init_app(app, db) -> None:
    """Install the idle ping on every engine of the app (SQLite has no connection to lose)."""
    with app.app_context():
        for engine in db.engines.values():
            if engine.dialect.name != "sqlite":
                ping_when_idle(engine, app.config["OPS_DB_PING_AFTER"])
