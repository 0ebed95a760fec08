"""On the real PostgreSQL, two transactions queueing one dedup key at the same moment store one message."""
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from ops.extensions import db
from ops.notify.models import OutboxMessage
from ops.notify.services import queue_message

pytestmark = pytest.mark.pg


def test_concurrent_queueing_of_one_key_stores_one_message_and_each_gets_it(pg_app):
    barrier = threading.Barrier(4)

    def queue_and_commit(_):
        with pg_app.app_context():
            barrier.wait()
            message = queue_message(template="notify.text", dedup_key="ticket:same", recipient="010-1111-2222",
                                    data={"text": "x"})
            db.session.commit()
            message_id = message.id
            db.session.remove()
            return message_id

    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(queue_and_commit, range(4)))
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    assert len(got) == 4 and len(set(got)) == 1
