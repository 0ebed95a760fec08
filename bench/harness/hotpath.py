"""Profile one hot path in-process (Flask test client, real PostgreSQL): time per request and,
with --profile, where it goes (cProfile, by cumulative time).

    .venv/bin/python bench/harness/hotpath.py checkin [--profile] [--queries]
    .venv/bin/python bench/harness/hotpath.py registration [--profile] [--queries]

Not a benchmark (no HTTP server, no concurrency): a tool to see what one request costs the
server, and (--queries) how many statements it sends to PostgreSQL.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from harness import prepared_app  # noqa: E402

WARM, COUNT = 200, 2000


def _checkin_requests(app):
    from harness import seed_tickets

    codes, token = seed_tickets(app, WARM + COUNT)
    headers = {"Authorization": f"Bearer {token}"}
    return [("/api/v1/checkin", {"code": c, "gate": "Gate 1"}, headers, 200) for c in codes]


def _registration_requests(app):
    import registration

    registration.SEATS = (WARM + COUNT) // 2
    registration.seed(app)
    return [("/api/v1/events/burst/registrations", body, {}, 201)
            for body in registration.bodies(WARM + COUNT)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", choices=["checkin", "registration"])
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the measured requests")
    parser.add_argument("--cpu", action="store_true", help="profile CPU time (time.process_time), not wall time")
    parser.add_argument("--queries", action="store_true", help="count statements sent per request")
    parser.add_argument("--engine-options", default=None,
                        help='JSON for SQLALCHEMY_ENGINE_OPTIONS, e.g. \'{"pool_pre_ping": false}\'')
    args = parser.parse_args()
    config = None
    if args.engine_options:
        import json

        config = {"SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True, **json.loads(args.engine_options)}}
    with prepared_app(config) as (_url, _instance, app):
        requests = (_checkin_requests if args.path == "checkin" else _registration_requests)(app)
        client = app.test_client()
        for path, body, headers, status in requests[:WARM]:
            assert client.post(path, json=body, headers=headers).status_code == status
        statements = []
        if args.queries:
            # Counted at the driver: SQLAlchemy's statements and those run straight on psycopg.
            import psycopg
            from sqlalchemy import event

            from ops.extensions import db

            with app.app_context():
                engine = db.engine

            class Counting(psycopg.Cursor):
                def execute(self, query, params=None, **kwargs):
                    statements.append(str(query).split()[0])
                    return super().execute(query, params, **kwargs)

            @event.listens_for(engine, "checkout")
            def count(dbapi_connection, record, proxy):
                dbapi_connection.cursor_factory = Counting
        timer = (time.process_time,) if args.cpu else ()
        profiler = cProfile.Profile(*timer) if args.profile else None
        began, began_cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        for path, body, headers, status in requests[WARM:]:
            response = client.post(path, json=body, headers=headers)
            assert response.status_code == status, response.data
        if profiler:
            profiler.disable()
        spent, spent_cpu = time.perf_counter() - began, time.process_time() - began_cpu
        print(f"{args.path}: {spent / COUNT * 1000:.3f} ms per request in-process, "
              f"{spent_cpu / COUNT * 1000:.3f} ms of it CPU in this process"
              f"{' (under cProfile)' if profiler else ''}")
        if args.queries:
            from collections import Counter

            print(f"statements per request: {len(statements) / COUNT:.2f} "
                  f"{dict(Counter(statements).most_common())} over {COUNT} requests")
        if profiler:
            if os.environ.get("OPS_PROFILE_DUMP"):
                profiler.dump_stats(os.environ["OPS_PROFILE_DUMP"])
            pstats.Stats(profiler).sort_stats(os.environ.get("OPS_PROFILE_SORT", "cumulative")).print_stats(int(os.environ.get("OPS_PROFILE_LINES", "50")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
