"""Check-in benchmark: 20,000 confirmed tickets with distinct codes, scanned through
POST /api/v1/checkin on gunicorn + PostgreSQL at concurrency 1, 8 and 32.

    .venv/bin/python bench/checkin.py            # or: make bench
Target (issue 3): at least 1,000 scans/s at concurrency 32 with p99 under 50 ms (printed, not enforced).
Checks: every scan answered 200, one check-in per ticket scanned; exits 1 with WRONG lines otherwise.
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import THREADS, WORKERS, Checks, fire, gunicorn, machine_note, prepared_app  # noqa: E402

TICKETS = int(os.environ.get("OPS_BENCH_TICKETS", "20000"))
WARM = 400
# Each ticket is scanned once (every scan is a first admission): the runs share out the codes.
SHARES = {1: 0.1, 8: 0.4, 32: 0.5}


def seed(app) -> tuple[list[str], str]:
    """One event today with TICKETS confirmed registrations (bulk rows), and a staff token."""
    from sqlalchemy import insert, select

    from ops.accounts.services import create_user, issue_token
    from ops.core.timeutil import seoul_today, utcnow
    from ops.events import services
    from ops.events.models import Registration, TicketType
    from ops.extensions import db
    from ops.passes.codes import sign_code
    from ops.people.models import Person

    with app.app_context():
        event = services.create_event(slug="slw-bench", title_ko="벤치마크", days=[seoul_today()],
                                      ticket_types=[dict(name="visitor", capacity=None)])
        db.session.flush()
        ticket_type_id = event.ticket_types[0].id
        now = utcnow()
        people = [dict(name=f"참가자{i:05d}", phone=f"010-{5000 + i // 10000:04d}-{i % 10000:04d}", country="KR",
                       created_at=now, updated_at=now) for i in range(TICKETS)]
        db.session.execute(insert(Person), people)
        ids = db.session.scalars(select(Person.id).order_by(Person.id)).all()
        codes = [sign_code("T", event.scope).text for _ in range(TICKETS)]
        rows = [dict(event_id=event.id, ticket_type_id=ticket_type_id, person_id=pid,
                     person_key=services.person_key(p["name"], p["phone"]), code=code, status="confirmed",
                     name=p["name"], phone_tail=p["phone"][-4:], country="KR", locale="ko", source="api",
                     created_at=now, confirmed_at=now)
                for pid, p, code in zip(ids, people, codes)]
        db.session.execute(insert(Registration), rows)
        db.session.execute(TicketType.__table__.update().where(TicketType.id == ticket_type_id).values(taken=TICKETS))
        staff = create_user("bench-door@example.org", "staff", "bench-password-123")
        _token, raw = issue_token(staff, "bench scanner")
        db.session.commit()
    return codes, raw


def admissions(app) -> dict:
    """Check-ins in the database after the runs (should be one per ticket scanned): tickets admitted, rows."""
    from sqlalchemy import func, select

    from ops.extensions import db
    from ops.passes.models import CheckIn

    with app.app_context():
        count = db.session.scalar(select(func.count(func.distinct(CheckIn.subject_id)))
                                  .where(CheckIn.undone_at.is_(None)))
        total = db.session.scalar(select(func.count()).select_from(CheckIn))
        db.session.remove()
    return {"tickets": count, "rows": total}


def main() -> int:
    with prepared_app() as (url, instance, app):
        codes, token = seed(app)
        print(f"check-in benchmark: {TICKETS} confirmed tickets, distinct codes")
        print(machine_note())
        headers = {"Authorization": f"Bearer {token}"}
        with gunicorn(url, instance) as server:
            # Warm every worker thread up (its database connection, prepared statements) on tickets
            # that are then not counted: with more connections than threads, each thread gets work.
            warm = fire(server, "/api/v1/checkin", [{"code": c, "gate": "warm-up"} for c in codes[:WARM]],
                        2 * WORKERS * THREADS, headers=headers)
            print(warm.line("warm-up scans (not counted)"))
            checks = Checks()
            checks.equal("warm-up scans' statuses", warm.statuses, {200: WARM})
            offset = WARM
            for concurrency, share in SHARES.items():
                count = int((TICKETS - WARM) * share)
                batch = [{"code": c, "gate": f"Gate {i % 4 + 1}"} for i, c in enumerate(codes[offset:offset + count])]
                offset += count
                run = fire(server, "/api/v1/checkin", batch, concurrency, headers=headers)
                print(run.line("scans"))
                print(run.cpu_line())
                checks.equal(f"statuses at c={concurrency}", run.statuses, {200: count})
        admitted = admissions(app)
        print(f"database: {admitted['rows']} check-ins of {admitted['tickets']} tickets for {offset} scans")
        checks.equal("database: one check-in per ticket scanned", admitted, {"tickets": offset, "rows": offset})
        return checks.verdict()


if __name__ == "__main__":
    sys.exit(main())
