"""Offline scanners coming back: four gates upload 5,000 queued scans at once to POST /api/v1/checkin/batch.

    .venv/bin/python bench/offline_batch.py

30,000 confirmed tickets on gunicorn + PostgreSQL (see bench/harness). The four gates were offline
for the last hour; each scanned its share of 4,950 tickets, and 50 tickets (1 %) were scanned at
two gates. Each gate sends its queue in slices of 500 (as the scanner page does), all four at once,
and resends 1 % of its scans (an answer lost on the way). Printed: the scans applied per second, and
the size of a scanner's first download of the list and of incremental ones. Checked: every ticket
is admitted exactly once, at its earliest scan's time and gate; every ticket scanned at two gates is
reported as one conflict with the later scan's time and gate; a resent scan is answered as it was
the first time and changes nothing. Exit 1 on any wrong result.
"""
from __future__ import annotations

import gzip
import http.client
import json
import os
import random
import sys
import threading
import time
import uuid
from datetime import datetime, timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import Checks, gunicorn, machine_note, prepared_app, seed_tickets  # noqa: E402

TICKETS = int(os.environ.get("OPS_BENCH_TICKETS", "30000"))
SCANS = 5000
GATES = 4
CROSS_GATE = SCANS // 100  # tickets scanned at two gates
RESENT = SCANS // 100  # scans sent twice
SLICE = 500


def plan_scans(codes: list[str], now: datetime, rng: random.Random) -> dict[int, list[dict]]:
    """Each gate's queue: distinct tickets shared out, then 1 % scanned again at the next gate."""
    distinct = codes[:SCANS - CROSS_GATE]
    queues: dict[int, list[dict]] = {g: [] for g in range(GATES)}

    def scan(code: str, gate: int) -> dict:
        at = now - timedelta(seconds=rng.uniform(60, 3600))  # the last hour, before the upload
        return {"id": uuid.uuid4().hex, "code": code, "gate": f"Gate {gate + 1}", "at": at.isoformat() + "Z"}

    for i, code in enumerate(distinct):
        queues[i % GATES].append(scan(code, i % GATES))
    for i, code in enumerate(rng.sample(distinct, CROSS_GATE)):
        first_gate = distinct.index(code) % GATES
        queues[(first_gate + 1) % GATES].append(scan(code, (first_gate + 1) % GATES))
    for queue in queues.values():
        queue.sort(key=lambda s: s["at"])  # a scanner's queue is in scan order
    return queues


def upload_all(port: int, token: str, queues: dict[int, list[dict]], rng: random.Random):
    """Every gate at once, each on its own keep-alive connection; returns (seconds, answers by scan id, resent)."""
    answers: dict[str, dict] = {}
    repeats: list[dict] = []
    failures: list[str] = []
    lock = threading.Lock()
    per_gate_resent = -(-RESENT // GATES)
    barrier = threading.Barrier(GATES)

    def gate(g: int):
        queue = queues[g]
        slices = [queue[i:i + SLICE] for i in range(0, len(queue), SLICE)]
        slices.append(rng.sample(queue, per_gate_resent))  # answers lost: these go again
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        barrier.wait()
        for n, scans in enumerate(slices):
            conn.request("POST", "/api/v1/checkin/batch", body=json.dumps({"scans": scans}),
                         headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                with lock:
                    failures.append(f"gate {g + 1}: {response.status} {body[:200]!r}")
                continue
            with lock:
                for answer in json.loads(body)["results"]:
                    if n == len(slices) - 1:
                        repeats.append(answer)
                    else:
                        answers[answer["id"]] = answer
        conn.close()

    threads = [threading.Thread(target=gate, args=(g,)) for g in range(GATES)]
    started = time.perf_counter()
    [t.start() for t in threads]
    [t.join() for t in threads]
    return time.perf_counter() - started, answers, repeats, failures


def download(port: int, token: str, cursor: str | None = None) -> tuple[dict, int, int]:
    """The scanner's list as it travels: (list, bytes as JSON, bytes gzipped)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    path = "/api/v1/checkin/offline?context=events:slw-bench" + (f"&cursor={cursor}" if cursor else "")
    conn.request("GET", path, headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    assert response.status == 200 and response.getheader("Content-Encoding") == "gzip", response.status
    raw = gzip.decompress(body)
    return json.loads(raw), len(raw), len(body)


def quiet_incremental(app, since: datetime, now: datetime) -> tuple[int, int, int]:
    """A later download's size when little changed: rows since ``since``, as JSON and gzipped."""
    from ops.passes.offline import OFFLINE_LISTS

    with app.app_context():
        from ops.core.timeutil import to_seoul

        listed = OFFLINE_LISTS["events"]("slw-bench", since=since, day=to_seoul(now).date().isoformat(), now=now)
    raw = json.dumps(listed, ensure_ascii=False, separators=(",", ":")).encode()
    return len(listed["tickets"]), len(raw), len(gzip.compress(raw, compresslevel=6))


def verify(app, queues: dict[int, list[dict]], checks: Checks) -> None:
    """What the database holds against what the gates scanned (counted here, not by the code under test)."""
    from sqlalchemy import func, select

    from ops.events.models import Registration
    from ops.extensions import db
    from ops.passes.models import CheckIn, CheckInConflict, OfflineScan

    earliest: dict[str, dict] = {}
    later: dict[str, dict] = {}
    for queue in queues.values():
        for scan in queue:
            first = earliest.get(scan["code"])
            if first is None or scan["at"] < first["at"]:
                if first is not None:
                    later[scan["code"]] = first
                earliest[scan["code"]] = scan
            else:
                later[scan["code"]] = scan
    with app.app_context():
        live = db.session.execute(
            select(Registration.code, CheckIn.at, CheckIn.gate).join(Registration, Registration.id == CheckIn.subject_id)
            .where(CheckIn.undone_at.is_(None))).all()
        checks.equal("one live check-in per ticket scanned, at its earliest scan's time and gate",
                     {row.code: (row.at.isoformat() + "Z", row.gate) for row in live},
                     {code: (scan["at"], scan["gate"]) for code, scan in earliest.items()})
        conflicts = db.session.execute(
            select(Registration.code, CheckInConflict.at, CheckInConflict.gate)
            .join(Registration, Registration.id == CheckInConflict.subject_id)).all()
        checks.equal("one conflict per ticket scanned at two gates, with the later scan's time and gate",
                     sorted((row.code, row.at.isoformat() + "Z", row.gate) for row in conflicts),
                     sorted((code, scan["at"], scan["gate"]) for code, scan in later.items()))
        checks.equal("every scan stored once", db.session.scalar(select(func.count()).select_from(OfflineScan)),
                     sum(len(q) for q in queues.values()))
        db.session.remove()


def main() -> int:
    from ops.core.timeutil import seoul_today, utcnow

    rng = random.Random(16)
    checks = Checks()
    with prepared_app() as (url, instance, app):
        today = seoul_today()
        # The tickets were confirmed before the gates went offline; the last hour may cross midnight.
        codes, token = seed_tickets(app, TICKETS, days=[today - timedelta(days=1), today],
                                    confirmed_before=timedelta(hours=3))
        print(f"offline batch benchmark: {TICKETS:,} tickets; {GATES} gates upload {SCANS:,} scans at once "
              f"({CROSS_GATE} tickets scanned at two gates, {RESENT} scans sent twice), slices of {SLICE}")
        print(machine_note().split("; client:")[0] + "; client: four Python threads (the gates), one keep-alive "
              "connection each, on the same machine")
        with gunicorn(url, instance) as server:
            first, first_raw, first_gz = download(server.port, token)
            print(f"first download: {len(first['tickets']):,} tickets, {first_raw / 1024:,.0f} KiB as JSON, "
                  f"{first_gz / 1024:,.0f} KiB gzipped ({first_gz / len(first['tickets']):.1f} bytes a ticket)")
            checks.equal("tickets in the first download", len(first["tickets"]), TICKETS)
            queues = plan_scans(codes, utcnow(), rng)
            seconds, answers, repeats, failures = upload_all(server.port, token, queues, rng)
            checks.equal("uploads answered 200", failures, [])
            sent = sum(len(q) for q in queues.values())
            print(f"upload: {sent:,} scans (+{len(repeats)} resent) in {seconds:.2f} s: "
                  f"{sent / seconds:,.0f} scans applied per second")
            results = {}
            for answer in answers.values():
                results[answer["result"]] = results.get(answer["result"], 0) + 1
            print(f"answers: {results} (an admission displaced later by an earlier scan at another gate "
                  "answers 'admitted' and is reported as the conflict)")
            checks.true("one answer per scan, each admitted or a conflict",
                        sum(results.values()) == sent and not set(results) - {"admitted", "conflict"}, str(results))
            # A resent scan is answered as before; only an admission since displaced by an earlier scan
            # at another gate now answers "conflict".
            changed = [r for r in repeats if not r["repeat"] or r.get("checkin_id") != answers[r["id"]].get("checkin_id")
                       or (r["result"] != answers[r["id"]]["result"]
                           and (answers[r["id"]]["result"], r["result"]) != ("admitted", "conflict"))]
            checks.equal("resent scans answered as the first time", changed, [])
            after, after_raw, after_gz = download(server.port, token, first["cursor"])
            print(f"incremental download after the upload: {len(after['tickets']):,} changed tickets, "
                  f"{after_raw / 1024:,.0f} KiB as JSON, {after_gz / 1024:,.0f} KiB gzipped")
            checks.equal("changed tickets in the incremental download", len(after["tickets"]), SCANS - CROSS_GATE)
        later = utcnow() + timedelta(minutes=10)
        rows, quiet_raw, quiet_gz = quiet_incremental(app, since=later - timedelta(minutes=3), now=later)
        print(f"incremental download with nothing new: {rows} tickets, {quiet_raw} bytes as JSON, {quiet_gz} bytes "
              "gzipped (its size grows by about the per-ticket figure above for each change)")
        checks.equal("tickets in a download with nothing new", rows, 0)
        verify(app, queues, checks)
    return checks.verdict()


if __name__ == "__main__":
    sys.exit(main())
