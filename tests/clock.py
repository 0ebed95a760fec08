"""The test session's clock: run the whole suite at a chosen moment (``pytest --moment=saturday``).

Rules take their time from ``ops.core.timeutil``, and tests take theirs from the same
clock, so a test that passes only on a weekday or before midnight is a bug. To prove
there is none, the suite can be run at fixed moments with the process clock moved by
time-machine: every test starts at the moment (each one afresh) and time ticks on from
there, so a test that takes 40 seconds at 23:59:30 on 31 December crosses into the new
year as it would in production. Monotonic clocks are not moved, so waits and timeouts
behave. PostgreSQL's and Redis's own clocks are not moved either: the application never
asks them for the time.

Worker processes that a test starts run at the test's moment too: start them through
``python -m tests.clock MODULE ARGS…`` with :func:`child_env`, which passes the parent's
current (moved) time on.

Why time-machine rather than libfaketime: it is a PyPI package (installed by the test
extra, no root, no LD_PRELOAD into psycopg and OpenSSL), it moves exactly the clocks
Python reads, and nested travel lets a test move time further (the ``time_machine``
fixture) on top of the session's moment.
"""
from __future__ import annotations

import os
import runpy
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

SEOUL = ZoneInfo("Asia/Seoul")
ENV = "OPS_TEST_NOW"

# Seoul wall-clock moments at which `make test-calendar` runs the suite (see the README).
MOMENTS = {
    "saturday": "2027-03-06T10:30:00",         # a bus season's Saturday: the bus does not run
    "sunday": "2027-03-07T15:00:00",
    "new-year-eve": "2026-12-31T23:59:30",     # the year, the month and the day roll over mid-test
    "new-year": "2027-01-01T00:00:30",         # a public holiday, outside the bus seasons
    "before-quiet-hours": "2027-03-03T20:59:00",  # texts may still go out; a minute later they wait
    "after-quiet-hours": "2027-03-03T21:01:00",
    "holiday": "2026-10-09T11:00:00",          # 한글날, a Friday in the autumn season: a bus blackout
}


def resolve(value: str | None) -> datetime | None:
    """A moment's name, or an ISO datetime (Seoul time unless it carries an offset), as aware UTC."""
    if not value:
        return None
    moment = datetime.fromisoformat(MOMENTS.get(value, value))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SEOUL)
    return moment.astimezone(timezone.utc)


def child_env(env: dict | None = None) -> dict:
    """``env`` (default: this process's) carrying this process's moved clock, if it is moved, to a child.

    The child is given the moved time together with the real time it was read at, so that
    its clock agrees with this one although the child takes a few seconds to start."""
    import time_machine

    env = dict(os.environ if env is None else env)
    env.pop(ENV, None)
    if time_machine.escape_hatch.is_travelling():
        env[ENV] = f"{datetime.now(timezone.utc).isoformat()} {time_machine.escape_hatch.time.time()!r}"
    return env


def main() -> None:
    """``python -m tests.clock MODULE ARGS…``: run MODULE as ``python -m`` would, at the time in $OPS_TEST_NOW."""
    if os.environ.get(ENV):
        import time

        import time_machine

        moved, real = os.environ[ENV].split()
        behind = time.time() - float(real)  # how long this process took to get here
        time_machine.travel(datetime.fromisoformat(moved) + timedelta(seconds=behind), tick=True).start()
        time.time()  # time-machine starts ticking at the first reading, not at start(): read it now
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
