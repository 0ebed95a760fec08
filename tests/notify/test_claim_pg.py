"""On the real PostgreSQL, dispatchers claiming at the same moment never share a message."""
import threading

import pytest

from ops.extensions import db
from ops.notify import services
from ops.notify.services import queue_message

pytestmark = pytest.mark.pg


def test_concurrent_claims_never_take_the_same_message(pg_app):
    for i in range(200):
        queue_message(template="notify.text", dedup_key=f"claim:{i}", recipient="010-1111-2222", data={"text": "x"})
    db.session.commit()
    barrier = threading.Barrier(4)
    claimed: dict[str, list[int]] = {}

    def claim(name):
        with pg_app.app_context():
            barrier.wait()
            ids = []
            while batch := services.claim_due(name, 7):
                ids.extend(m.id for m in batch)
            claimed[name] = ids
            db.session.remove()

    threads = [threading.Thread(target=claim, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    every = [i for ids in claimed.values() for i in ids]
    assert len(every) == len(set(every)) == 200
