"""Registration burst benchmark: 10,000 attempts for 2,000 seats at concurrency 64 through
POST /api/v1/events/<slug>/registrations on gunicorn + PostgreSQL.

    .venv/bin/python bench/registration.py       # or: make bench
Checks: exactly 2,000 confirmed, the rest waitlisted, no 5xx; exits 1 with WRONG lines otherwise.
Target: at least 300 registrations/s (printed, not enforced).
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Checks, fire, gunicorn, machine_note, prepared_app  # noqa: E402

ATTEMPTS = int(os.environ.get("OPS_BENCH_ATTEMPTS", "10000"))
SEATS = int(os.environ.get("OPS_BENCH_SEATS", "2000"))
CONCURRENCY = int(os.environ.get("OPS_BENCH_CONCURRENCY", "64"))
COUNTRIES = ["KR"] * 8 + ["US", "JP"]


def seed(app) -> None:
    from ops.core.timeutil import seoul_today
    from ops.events import services
    from ops.extensions import db

    with app.app_context():
        services.create_event(slug="burst", title_ko="선착순 행사", days=[seoul_today()],
                              ticket_types=[dict(name="visitor", capacity=SEATS, waitlist=True)])
        db.session.commit()


def bodies(count: int) -> list[dict]:
    """Distinct people (name and phone), as the public form would send them."""
    return [{"name": f"신청자{i:05d}", "phone": f"010-{6000 + i // 10000:04d}-{i % 10000:04d}",
             "ticket_type": "visitor", "consent": True, "country": COUNTRIES[i % len(COUNTRIES)],
             "email": f"p{i}@example.org"} for i in range(count)]


def counts(app) -> tuple[dict, int]:
    from sqlalchemy import func, select

    from ops.events.models import Registration, TicketType
    from ops.extensions import db

    with app.app_context():
        by_status = dict(db.session.execute(select(Registration.status, func.count())
                                            .group_by(Registration.status)).all())
        taken = db.session.scalar(select(TicketType.taken))
        db.session.remove()
    return by_status, taken


def main() -> int:
    attempts = bodies(ATTEMPTS)
    with prepared_app() as (url, instance, app):
        seed(app)
        print(f"registration burst: {ATTEMPTS} attempts for {SEATS} seats at concurrency {CONCURRENCY}")
        print(machine_note())
        with gunicorn(url, instance) as server:
            run = fire(server, "/api/v1/events/burst/registrations", attempts, CONCURRENCY)
        print(run.line("registrations"))
        print(run.cpu_line())
        by_status, taken = counts(app)
        print(f"answers: {dict(sorted(run.results.items()))}; database: {dict(sorted(by_status.items()))}, "
              f"seats taken {taken}")
        checks = Checks()
        checks.equal("statuses (every attempt 201, no 5xx)", run.statuses, {201: ATTEMPTS})
        checks.equal("answers", run.results, {"confirmed": SEATS, "waitlisted": ATTEMPTS - SEATS})
        checks.equal("database: registrations by status, seats taken", {**by_status, "seats taken": taken},
                     {"confirmed": SEATS, "waitlisted": ATTEMPTS - SEATS, "seats taken": SEATS})
        return checks.verdict()


if __name__ == "__main__":
    sys.exit(main())
