"""Registration burst benchmark: 10,000 attempts for 2,000 seats at concurrency 64 through
POST /api/v1/events/<slug>/registrations on gunicorn + PostgreSQL.

    .venv/bin/python bench/registration.py       # or: make bench
Checks: exactly 2,000 confirmed, the rest waitlisted, no 5xx. Target: at least 300 registrations/s.
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import fire, gunicorn, machine_note, prepared_app  # noqa: E402

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
        server_errors = sum(n for status, n in run.statuses.items() if status >= 500)
        ok = (by_status.get("confirmed") == SEATS == taken == run.results.get("confirmed")
              and by_status.get("waitlisted") == ATTEMPTS - SEATS == run.results.get("waitlisted")
              and server_errors == 0 and run.statuses == {201: ATTEMPTS})
        print("exactly the seats confirmed, the rest waitlisted, no 5xx" if ok else "CHECK FAILED")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
