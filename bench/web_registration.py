"""Registration opening on the web: the citizen's whole path, against gunicorn + PostgreSQL.

Each simulated citizen (a distinct name and phone) loads the form (GET /e/<slug>), posts it
with its CSRF token and session cookie, follows the redirect to its ticket page (GET /t/<code>)
and, when confirmed, loads the QR image (GET /qr/<code>.png): 10,000 citizens for 2,000 seats
at concurrency 64. In the same run, on the same server, 10,000 attempts through the JSON API
(POST /api/v1/events/<slug>/registrations) give the API's cost to compare with.

    .venv/bin/python bench/web_registration.py                       # the issue's size
    .venv/bin/python bench/web_registration.py --citizens 2000 --seats 400   # a quick run
    .venv/bin/python bench/web_registration.py --compare /tmp/ops-before     # old code, then this,
                                                                             # alternating (--rounds)

Prints complete registrations per second, p50/p99/max per page, and the server's CPU (gunicorn
and the PostgreSQL backends, from /proc: the client's own cost is left out) per web
registration and per API registration. A complete web registration is all four requests:
per citizen's path, plus the QR for those (the waitlisted) whose path had none, the QR's cost
measured by the confirmed citizens reopening their QR once more afterwards.

Checks: exactly --seats confirmed and the rest waitlisted (answers and database, web and API),
every QR decoding (zxing) to its ticket's code, no 5xx; exits 1 with WRONG lines otherwise.
Targets (issue 19, printed, not enforced: the machine's speed varies): a complete web
registration costs at most 3x the server CPU of an API registration; each page's p99 < 4x its p50.

Measured 2026-11-29 on the shared 2-core machine (load average 10-18 from other engineers'
tests; gunicorn 2 x 4; the client on the same machine), server CPU = gunicorn + PostgreSQL:

| run | web registration (4 requests) | API registration | ratio | registrations/s | form p50/p99 | QR |
|---|---|---|---|---|---|---|
| 2,000/400, before (--compare, same run) | 47.6 ms | 7.3 ms | 6.6x | 18.4 | 966/2565 ms | 5.5 ms |
| 2,000/400, after (same run) | 24.0 ms | 6.3 ms | 3.8x | 37.9 | 373/1371 ms | 2.5 ms |
| 3,000/600, before (an earlier step, same run) | 48.6 ms | 6.8 ms | 7.1x | 13.2 | 1013/4227 ms | 5.2 ms |
| 10,000/2,000, after (the issue's size) | 25.0 ms | 6.2 ms | 4.1x | 24.9 | 436/2271 ms | 1.9 ms |

Server CPU per web registration halved, but the 3x target is not met yet (3.8-4.1x); p99 < 4x
p50 held at 2,000 citizens and not at 10,000 under load average 14 (4.1-5.2x).

Measured 2026-12-06, the second step (the form page kept whole, the ticket page from the event
cache, anonymous sessions no longer rewritten), --compare against 136c0d3 in one run, 2,000/400,
load average 5-11 (other engineers' test runs; "rest of machine" 9-28 ms per citizen):

| run | web registration | API registration | ratio | registrations/s | p50/p99 ms: form, post, ticket, QR |
|---|---|---|---|---|---|
| before | 30.4 ms | 8.1 ms | 3.75x | 34.8 | 352/1166, 472/1457, 460/1490, 296/888 |
| after | 19.0 ms | 6.8 ms | 2.79x | 54.8 | 236/742, 358/940, 378/878, 275/407 |

At the issue's size, 10,000/2,000 c=64, --compare in one run, load average 11-19 (other engineers'
test runs: "rest of machine" 64 ms per API request in the before round, 13 ms in the after round):

| run | web registration | API registration | ratio | registrations/s | p50/p99 ms: form, post, ticket, QR |
|---|---|---|---|---|---|
| before | 27.9 ms | 10.9 ms | 2.57x | 15.3 | 1054/2659, 1279/3181, 1260/3227, 1155/2715 |
| after | 18.4 ms | 7.8 ms | 2.37x | 34.4 | 370/1572, 511/1795, 477/1758, 348/1316 |

The ratio is met in both rounds of that run only because the API itself cost 10.9 ms in the
before round (the machine at its busiest); p99 < 4x p50 held in the before round and missed on
the form page in the after round (4.2x; post 3.5x, ticket 3.7x, QR 3.8x): with other engineers'
tests taking most of both cores, the tails follow them more than this code.

(An earlier run the same day, with only the lighter ticket query: 21.4 -> 21.0 ms, API 7.6 / 6.8
ms, 2.82x -> 3.09x: the same code as "before" here measured 2.82x then, 3.75x now: this machine's
noise, hence the same-run comparison.)

On main after issues 13, 14 and 19 merged (2026-12-06 21:11, the machine otherwise idle, load average
1.1 at the start), at the issue's size, 10,000/2,000 c=64: web 22.79 ms, API 9.19 ms per registration:
2.48x; 67.6 complete registrations/s; p50/p99 ms form 204/559, post 266/649, ticket 268/657, QR 200/511
(p99/p50 2.4-2.7); QR reopened 2.8 ms server CPU; all 8 checks passed.
"""
from __future__ import annotations

import argparse
import http.client
import io
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Checks, client_pool, cpu_per_request, cpu_snapshot, fire, gunicorn, machine_note,  # noqa: E402
                     prepared_app)
from registration import bodies as api_bodies  # noqa: E402 - the API burst's bodies, as bench/registration.py sends them

PAGES = ("form", "post", "ticket", "qr")
COUNTRIES = ["KR"] * 8 + ["US", "JP"]
CSRF = re.compile(rb'name="csrf_token" type="hidden" value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
QR_SRC = re.compile(rb'<img src="(/qr/[^"]+\.png)"')


def seed(app, seats: int) -> None:
    """Three events alike: one registered through the web, one through the API, one to warm up on."""
    from ops.core.timeutil import seoul_today
    from ops.events import services
    from ops.extensions import db

    with app.app_context():
        for slug, title in (("web", "선착순 행사 (웹)"), ("api", "선착순 행사 (API)"), ("warm", "준비 운동")):
            services.create_event(slug=slug, title_ko=title, title_en="First come, first served",
                                  venue_ko="서울디지털재단", address="서울특별시 마포구 월드컵북로 400",
                                  days=[seoul_today()],
                                  ticket_types=[dict(name="visitor", capacity=seats, waitlist=True)])
        db.session.commit()


def citizens(count: int, offset: int) -> list[dict]:
    """Distinct people; one in ten reads English (Accept-Language), as foreign visitors do."""
    return [{"name": f"시민{i:05d}", "phone": f"010-{7000 + i // 10000:04d}-{i % 10000:04d}",
             "email": f"c{i}@example.org", "country": COUNTRIES[i % len(COUNTRIES)], "ticket_type": "visitor",
             "lang": "en" if i % 10 == 9 else "ko"} for i in range(offset, offset + count)]


# --- The client: a citizen's four requests --------------------------------------------------------

class _Conn:
    """One keep-alive connection, reopened when the server closes it."""

    def __init__(self, port: int):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def request(self, method: str, path: str, body: bytes | None, headers: dict):
        began = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            data = response.read()
            status, got = response.status, response.getheaders()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            data, status, got = b"", 599, []
        return status, got, data, time.perf_counter() - began


def _cookies(jar: dict, headers: list) -> None:
    for name, value in headers:
        if name.lower() == "set-cookie":
            key, _, rest = value.partition("=")
            jar[key.strip()] = rest.split(";", 1)[0]


def _citizen(conn: _Conn, slug: str, person: dict, out: dict) -> None:
    """Form, post, ticket, QR; latencies and statuses by page; the ticket's code and QR image."""
    jar: dict = {}
    base = {"Accept-Language": person["lang"]}

    def call(page, method, path, body=None, extra=None):
        headers = dict(base, **(extra or {}))
        if jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in jar.items())
        status, got, data, spent = conn.request(method, path, body, headers)
        _cookies(jar, got)
        out["latencies"][page].append(spent)
        out["statuses"][page][status] = out["statuses"][page].get(status, 0) + 1
        return status, dict((k.lower(), v) for k, v in got), data

    status, _h, page = call("form", "GET", f"/e/{slug}")
    match = CSRF.search(page) if status == 200 else None
    if not match:
        out["broken"] += 1
        return
    token = (match.group(1) or match.group(2)).decode()
    body = urlencode({"csrf_token": token, "name": person["name"], "phone": person["phone"],
                      "email": person["email"], "country": person["country"],
                      "ticket_type": person["ticket_type"], "consent": "y"}).encode()
    status, headers, _d = call("post", "POST", f"/e/{slug}", body,
                               {"Content-Type": "application/x-www-form-urlencoded"})
    location = urlsplit(headers.get("location", "")).path
    if status != 302 or not location.startswith("/t/"):
        out["broken"] += 1
        return
    code = location[len("/t/"):]
    status, _h, page = call("ticket", "GET", location)
    if status != 200:
        out["broken"] += 1
        return
    qr = QR_SRC.search(page)
    if b"ticket-confirmed" in page and qr:
        status, _h, image = call("qr", "GET", qr.group(1).decode())
        out["tickets"].append((code, "confirmed", image if status == 200 else b""))
    elif b"ticket-waitlisted" in page and not qr:
        out["tickets"].append((code, "waitlisted", b""))
    else:
        out["tickets"].append((code, "other", b""))


def _client(port: int, slug: str, people: list[dict], threads: int, start_at: float) -> dict:
    """One client process: ``threads`` citizens in flight, each thread with its keep-alive connection."""
    lock = threading.Lock()
    cursor = iter(range(len(people)))
    merged = {"latencies": {p: [] for p in PAGES}, "statuses": {p: {} for p in PAGES}, "tickets": [],
              "broken": 0}

    def worker():
        conn = _Conn(port)
        mine = {"latencies": {p: [] for p in PAGES}, "statuses": {p: {} for p in PAGES}, "tickets": [],
                "broken": 0}
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            _citizen(conn, slug, people[index], mine)
        conn.conn.close()
        with lock:
            _merge(merged, mine)

    time.sleep(max(0.0, start_at - time.time()))
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    [t.start() for t in pool]
    [t.join() for t in pool]
    return merged


def _merge(into: dict, part: dict) -> None:
    for page in PAGES:
        into["latencies"][page].extend(part["latencies"][page])
        for status, n in part["statuses"][page].items():
            into["statuses"][page][status] = into["statuses"][page].get(status, 0) + n
    into["tickets"].extend(part["tickets"])
    into["broken"] += part["broken"]


def run_citizens(server, slug: str, people: list[dict], concurrency: int) -> dict:
    """Every citizen once, ``concurrency`` of them in flight, over up to four client processes."""
    processes = max(1, min(4, concurrency // 8))
    shares = [concurrency // processes + (1 if i < concurrency % processes else 0) for i in range(processes)]
    bounds = [round(len(people) * sum(shares[:i]) / concurrency) for i in range(processes + 1)]
    result = {"latencies": {p: [] for p in PAGES}, "statuses": {p: {} for p in PAGES}, "tickets": [], "broken": 0}
    before, began = cpu_snapshot(server), time.time()
    start_at = began + 0.5
    with client_pool(processes) as pool:
        parts = pool.starmap(_client, [(server.port, slug, people[bounds[i]:bounds[i + 1]], shares[i], start_at)
                                       for i in range(processes)])
    result["seconds"] = time.time() - start_at
    for part in parts:
        _merge(result, part)
    result["cpu"] = cpu_per_request(before, cpu_snapshot(server), len(people), time.time() - began)
    return result


def reopen_qr(server, paths: list[str], concurrency: int) -> dict:
    """The confirmed citizens open their QR once more (at the door): the QR's own CPU and latency."""
    result = {"latencies": [], "statuses": {}}
    lock = threading.Lock()
    cursor = iter(paths)
    before, began = cpu_snapshot(server), time.time()

    def worker():
        conn, mine, statuses = _Conn(server.port), [], {}
        while (path := next_path()) is not None:
            status, _g, _d, spent = conn.request("GET", path, None, {})
            mine.append(spent)
            statuses[status] = statuses.get(status, 0) + 1
        conn.conn.close()
        with lock:
            result["latencies"].extend(mine)
            for status, n in statuses.items():
                result["statuses"][status] = result["statuses"].get(status, 0) + n

    def next_path():
        with lock:
            return next(cursor, None)

    pool = [threading.Thread(target=worker) for _ in range(min(concurrency, 16))]
    [t.start() for t in pool]
    [t.join() for t in pool]
    result["cpu"] = cpu_per_request(before, cpu_snapshot(server), len(paths), time.time() - began)
    return result


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def decode(image: bytes) -> str | None:
    import zxingcpp
    from PIL import Image

    try:
        found = zxingcpp.read_barcodes(Image.open(io.BytesIO(image)))
    except Exception:  # noqa: BLE001 - not an image: counted as not decoding
        return None
    return found[0].text if found else None


def counts(app, slug: str) -> dict:
    from sqlalchemy import func, select

    from ops.events.models import Event, Registration, TicketType
    from ops.extensions import db

    with app.app_context():
        event_id = db.session.scalar(select(Event.id).where(Event.slug == slug))
        by_status = dict(db.session.execute(select(Registration.status, func.count())
                                            .where(Registration.event_id == event_id)
                                            .group_by(Registration.status)).all())
        taken = db.session.scalar(select(TicketType.taken).where(TicketType.event_id == event_id))
        db.session.remove()
    return {**by_status, "seats taken": taken}


# --- One round: a fresh database, gunicorn on the given code, the API then the web ----------------

def one_round(label: str, root: Path, args, checks: Checks) -> dict:
    seats, people = args.seats, citizens(args.citizens, 0)
    with prepared_app() as (url, instance, app):
        seed(app, seats)
        with gunicorn(url, instance, root) as server:
            # Warm each worker (imports, templates, caches) as a server that has run a while is.
            warm = citizens(40, 50_000)
            run_citizens(server, "warm", warm, 8)
            api = fire(server, "/api/v1/events/api/registrations", api_bodies(args.citizens), args.concurrency)
            web = run_citizens(server, "web", people, args.concurrency)
            confirmed_qr = [f"/qr/{code}.png" for code, state, _i in web["tickets"] if state == "confirmed"]
            again = reopen_qr(server, confirmed_qr, args.concurrency)
        web_db, api_db = counts(app, "web"), counts(app, "api")
    expected_web = {"confirmed": seats, "waitlisted": args.citizens - seats}

    # --- Figures
    cpu_api = api.cpu["server"] + api.cpu["postgres"]
    cpu_path = web["cpu"]["server"] + web["cpu"]["postgres"]
    cpu_qr = again["cpu"]["server"] + again["cpu"]["postgres"]
    share_without_qr = 1 - len(confirmed_qr) / max(1, args.citizens)
    cpu_web = cpu_path + share_without_qr * cpu_qr  # all four requests for every citizen
    print(f"\n[{label}] code: {root}")
    print(f"API:  {api.line('registrations')}")
    print(api.cpu_line())
    print(f"web:  c={args.concurrency} {args.citizens} citizens in {web['seconds']:.2f}s: "
          f"{args.citizens / web['seconds']:.1f} complete registrations/s "
          f"({sum(len(v) for v in web['latencies'].values()) / web['seconds']:.1f} requests/s)")
    for page in PAGES:
        lat = web["latencies"][page]
        print(f"      {page:<6} {len(lat):>6} requests  p50 {pct(lat, 50):7.1f} ms  p99 {pct(lat, 99):7.1f} ms  "
              f"max {pct(lat, 100):7.1f} ms  p99/p50 {pct(lat, 99) / max(pct(lat, 50), 1e-9):4.1f}  "
              f"statuses {dict(sorted(web['statuses'][page].items()))}")
    c = web["cpu"]
    print(f"      CPU per citizen's path: server {c['server']:.2f} ms, PostgreSQL {c['postgres']:.2f} ms, "
          f"client {c['client']:.2f} ms, rest of machine {c['other']:.2f} ms; both cores {c['busy'] * 100:.0f}% busy")
    lat = again["latencies"]
    print(f"QR reopened: {len(lat)} requests  p50 {pct(lat, 50):.1f} ms  p99 {pct(lat, 99):.1f} ms; "
          f"CPU per QR: server {again['cpu']['server']:.2f} ms, PostgreSQL {again['cpu']['postgres']:.2f} ms")
    ratio = cpu_web / max(cpu_api, 1e-9)
    print(f"server CPU (gunicorn + PostgreSQL): web registration (4 requests) {cpu_web:.2f} ms, "
          f"API registration {cpu_api:.2f} ms: {ratio:.2f}x (target <= 3x: "
          f"{'met' if ratio <= 3 else 'NOT met'})")
    tails = {page: pct(web["latencies"][page], 99) / max(pct(web["latencies"][page], 50), 1e-9) for page in PAGES}
    print("p99 < 4x p50 on every page: " + ("met" if all(v < 4 for v in tails.values()) else
                                            "NOT met (" + ", ".join(f"{p} {v:.1f}x" for p, v in tails.items()
                                                                    if v >= 4) + ")"))

    # --- Checks
    states: dict = {}
    for _code, state, _image in web["tickets"]:
        states[state] = states.get(state, 0) + 1
    checks.equal(f"[{label}] API statuses (every attempt 201, no 5xx)", api.statuses, {201: args.citizens})
    checks.equal(f"[{label}] API answers", api.results, {"confirmed": seats, "waitlisted": args.citizens - seats})
    checks.equal(f"[{label}] API database", api_db, {"confirmed": seats, "waitlisted": args.citizens - seats,
                                                     "seats taken": seats})
    n_qr = expected_web["confirmed"]
    checks.equal(f"[{label}] web statuses by page (no 5xx, every citizen through)",
                 web["statuses"], {"form": {200: args.citizens}, "post": {302: args.citizens},
                                   "ticket": {200: args.citizens}, "qr": {200: n_qr} if n_qr else {}})
    checks.equal(f"[{label}] web tickets as the citizens saw them", states,
                 {k: v for k, v in expected_web.items() if v})
    checks.equal(f"[{label}] web database", web_db, {**expected_web, "seats taken": seats})
    wrong = [code for code, state, image in web["tickets"] if state == "confirmed" and decode(image) != code]
    checks.true(f"[{label}] every QR decodes (zxing) to its ticket's code", not wrong,
                f"{len(wrong)} of {n_qr} do not, e.g. {wrong[:1]}")
    checks.equal(f"[{label}] QR reopened (no 5xx)", again["statuses"], {200: n_qr} if n_qr else {})
    return {"ratio": ratio, "web_ms": cpu_web, "api_ms": cpu_api, "qr_ms": cpu_qr, "per_s":
            args.citizens / web["seconds"], "tails": tails,
            **{f"p50_{p}": pct(web["latencies"][p], 50) for p in PAGES},
            **{f"p99_{p}": pct(web["latencies"][p], 99) for p in PAGES}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--citizens", type=int, default=10_000)
    parser.add_argument("--seats", type=int, default=2_000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--compare", metavar="CHECKOUT", type=Path,
                        help="also serve this older checkout (e.g. `git worktree add` or `git archive` of main), "
                             "alternating with this one")
    parser.add_argument("--rounds", type=int, default=1, help="rounds of each code (alternating with --compare)")
    args = parser.parse_args()
    if args.seats < 1 or args.citizens <= args.seats:
        parser.error("need at least one seat and more citizens than seats")
    print(f"web registration opening: {args.citizens} citizens for {args.seats} seats at concurrency "
          f"{args.concurrency}; uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    print(machine_note())
    print("client: up to 4 Python processes of threads, one keep-alive connection per thread, on the same machine")
    checks = Checks()
    here = Path(__file__).resolve().parents[1]
    order = ([("before", args.compare.resolve()), ("after", here)] if args.compare else [("this", here)]) * args.rounds
    results = [(label, one_round(label, root, args, checks)) for label, root in order]
    if len(results) > 1:
        print("\nsummary (server CPU in ms per registration; latencies in ms):")
        for label, r in results:
            print(f"  {label:<6} web {r['web_ms']:6.2f}  API {r['api_ms']:5.2f}  ratio {r['ratio']:4.2f}x  "
                  f"QR {r['qr_ms']:5.2f}  {r['per_s']:6.1f} registrations/s  "
                  + "  ".join(f"{p} p50 {r['p50_' + p]:.0f} p99 {r['p99_' + p]:.0f}" for p in PAGES))
    print(f"uptime at the end: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    return checks.verdict()


if __name__ == "__main__":
    sys.exit(main())
