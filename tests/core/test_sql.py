"""Statements that skip the transaction: they commit on their own, and leave the pool as they found it."""
import psycopg
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import QueuePool

from ops.core.sql import DriverStatement
from tests.core.test_dbpool import _terminate


@pytest.fixture
def one_connection(pg_database):
    """An engine with a single pooled connection, so each call reuses the one before."""
    engine = create_engine(pg_database, poolclass=QueuePool, pool_size=1, max_overflow=0)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE IF NOT EXISTS driver_probe (n integer NOT NULL CHECK (n > 0))"))
        conn.execute(text("DELETE FROM driver_probe"))
    yield engine
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE driver_probe"))
    engine.dispose()


INSERT = DriverStatement(lambda: text("INSERT INTO driver_probe (n) VALUES (:n) RETURNING n, pg_backend_pid()"))


def _count(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT count(*) FROM driver_probe"))


@pytest.mark.pg
def test_a_driver_statement_commits_on_its_own_and_returns_its_row(one_connection):
    n, _pid = INSERT.first(one_connection, {"n": 7})
    assert n == 7
    assert _count(one_connection) == 1  # seen from the same pooled connection, in a new transaction


@pytest.mark.pg
def test_the_connection_goes_back_to_the_pool_in_transactions_again(one_connection):
    INSERT.first(one_connection, {"n": 1})
    with one_connection.connect() as conn:
        conn.execute(text("INSERT INTO driver_probe (n) VALUES (2)"))
        conn.rollback()  # undone: the connection is transactional again, not in autocommit
    assert _count(one_connection) == 1


@pytest.mark.pg
def test_a_failing_statement_changes_nothing_and_leaves_the_connection_usable(one_connection):
    with pytest.raises(psycopg.errors.CheckViolation):
        INSERT.first(one_connection, {"n": -1})
    assert _count(one_connection) == 0
    assert INSERT.first(one_connection, {"n": 3})[0] == 3


@pytest.mark.pg
def test_a_connection_the_server_dropped_is_discarded_not_handed_out_again(one_connection):
    _n, pid = INSERT.first(one_connection, {"n": 1})
    _terminate(pid)  # within the idle ping's window: only the statement can find out
    with pytest.raises(psycopg.OperationalError):
        INSERT.first(one_connection, {"n": 2})
    n, new_pid = INSERT.first(one_connection, {"n": 3})
    assert (n, new_pid != pid) == (3, True)
    assert _count(one_connection) == 2


@pytest.mark.pg
def test_on_a_connection_it_needs_autocommit_and_then_commits_on_its_own(one_connection):
    with one_connection.connect() as conn:
        with pytest.raises(RuntimeError):
            INSERT.first(conn, {"n": 1})  # in a transaction nobody would end
    with one_connection.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        assert INSERT.first(conn, {"n": 2})[0] == 2
    assert _count(one_connection) == 1
