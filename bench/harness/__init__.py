"""What the benchmarks share: a PostgreSQL database of their own, gunicorn serving the app on it,
a load generator (wrk with post_each.lua, else a pool of Python keep-alive clients) that sends
each request body exactly once, and the CPU each request cost, split by part.

Each benchmark creates its database, migrates it, seeds it, runs gunicorn on 127.0.0.1 (a free
port), fires its requests, prints its figures, then stops gunicorn and drops the database.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("OPS_BENCH_PG_URL", os.environ.get(
    "OPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
WORKERS = int(os.environ.get("OPS_BENCH_WORKERS", str(os.cpu_count() or 2)))  # one per core
THREADS = int(os.environ.get("OPS_BENCH_THREADS", "4"))
WORKER_CLASS = os.environ.get("OPS_BENCH_WORKER_CLASS", "gthread")
SECRET = "bench-secret-" + uuid.uuid4().hex
SIGNING_KEY = "bench-signing-" + uuid.uuid4().hex


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


def client_pool(processes: int):
    """A pool of forked client processes. They get SIGTERM's default action back: they inherit the
    run's handler (``fresh_database``), under which the pool's terminate() left a worker hung on a
    queue lock and the run waiting for it forever (seen in a web_registration.py run, 2026-12-06)."""
    import multiprocessing
    import signal

    return multiprocessing.get_context("fork").Pool(processes, initializer=signal.signal,
                                                    initargs=(signal.SIGTERM, signal.SIG_DFL))


@contextlib.contextmanager
def fresh_database():
    """A new PostgreSQL database, dropped afterwards whatever happens (an exception, Ctrl-C, SIGTERM)."""
    from sqlalchemy import create_engine, text

    if threading.current_thread() is threading.main_thread():
        # A stopped run (kill, a CI timeout) unwinds like Ctrl-C, so the database is dropped.
        import signal

        signal.signal(signal.SIGTERM, _exit_on_sigterm)
    name = f"ops_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# As deployed, the app hands work (sending the outbox) to Celery through Redis: requests only
# write outbox rows and wake the dispatcher. The benchmarks do the same with keys of their own
# (removed afterwards) and no worker, so the figures are the web tier's. Without Redis, or with
# OPS_BENCH_BROKER_URL=none, tasks run in-process: every registration then also sends its SMS.
BROKER_URL = os.environ.get("OPS_BENCH_BROKER_URL", "redis://127.0.0.1:6379/0")
REDIS_PREFIX = f"ops-bench-{uuid.uuid4().hex[:10]}:"


def _broker_reachable() -> bool:
    if BROKER_URL.lower() in ("", "none", "off"):
        return False
    try:
        import redis

        redis.Redis.from_url(BROKER_URL, socket_connect_timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001 - no Redis: tasks run in-process
        return False


BROKER = BROKER_URL if _broker_reachable() else None


def remove_broker_keys() -> None:
    if BROKER:
        import redis

        client = redis.Redis.from_url(BROKER)
        for key in client.scan_iter(match=REDIS_PREFIX + "*"):
            client.delete(key)


def app_env(database_url: str, instance: str) -> dict:
    env = dict(os.environ)
    env.update(OPS_DATABASE_URL=database_url, OPS_SECRET_KEY=SECRET, OPS_SIGNING_KEY=SIGNING_KEY,
               OPS_INSTANCE_PATH=instance, OPS_ENV="development")
    for name in ("OPS_BROKER_URL", "OPS_RESULT_BACKEND"):
        env.pop(name, None)
    if BROKER:
        env.update(OPS_BROKER_URL=BROKER, OPS_REDIS_PREFIX=REDIS_PREFIX)
    return env


def make_app(database_url: str, instance: str, config: dict | None = None):
    """The app as gunicorn will run it, migrated (the schema comes only from migrations).

    ``config`` adds settings for an in-process benchmark (a larger pool, CSRF off for its test client).
    """
    os.environ.update({k: v for k, v in app_env(database_url, instance).items() if k.startswith("OPS_")})
    from flask_migrate import upgrade

    from ops import create_app

    app = create_app(config)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """gunicorn serving the app on one database: where to send requests, and whose CPU to count."""
    port: int
    pid: int
    database: str


@contextlib.contextmanager
def gunicorn(database_url: str, instance: str, root: Path = ROOT):
    """``root``: the checkout whose code is served (a benchmark may compare an older one)."""
    port = free_port()
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "-w", str(WORKERS), "-k", WORKER_CLASS, "--threads",
           str(THREADS), "-b", f"127.0.0.1:{port}", "--keep-alive", "30", "--log-level", "warning", "wsgi:app"]
    process = subprocess.Popen(cmd, cwd=root, env=app_env(database_url, instance))
    try:
        deadline = time.time() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or process.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)
        yield Server(port, process.pid, database_url.rsplit("/", 1)[-1])
    finally:
        process.terminate()
        process.wait(timeout=30)


# --- Where the CPU goes -------------------------------------------------------------------------
# Read from /proc (Linux): gunicorn's master and workers, the PostgreSQL backends serving the
# benchmark's database, the client (wrk or the Python processes: reaped children of this one),
# and whatever else the machine did meanwhile.

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes():
    """(pid, ppid, cpu seconds, command line) of every readable process."""
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()
        yield int(entry.name), int(fields[1]), (int(fields[11]) + int(fields[12])) / _TICK, cmdline


def _machine_busy() -> float:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return (sum(values) - values[3] - values[4]) / _TICK  # all but idle and iowait


def cpu_snapshot(server: Server) -> dict:
    """CPU seconds so far: per process for the server and PostgreSQL parts, in total for the rest."""
    parts = {"server": {}, "postgres": {}}
    database = server.database.encode()
    for pid, ppid, cpu, cmdline in _processes():
        if pid == server.pid or ppid == server.pid:
            parts["server"][pid] = cpu
        elif cmdline.startswith(b"postgres: ") and b" " + database + b" " in cmdline:
            parts["postgres"][pid] = cpu
    mine = os.times()
    parts["client"] = mine.children_user + mine.children_system
    parts["machine"] = _machine_busy()
    return parts


def cpu_per_request(before: dict, after: dict, requests: int, seconds: float) -> dict:
    """Milliseconds of CPU per request by part; "other" is the rest of the machine (other users).

    Processes are compared one by one (a PostgreSQL backend may start or end during a run).
    """
    delta = {part: sum(cpu - before[part].get(pid, 0.0) for pid, cpu in after[part].items())
             for part in ("server", "postgres")}
    delta.update({part: after[part] - before[part] for part in ("client", "machine")})
    delta["other"] = max(0.0, delta["machine"] - delta["server"] - delta["postgres"] - delta["client"])
    figures = {k: delta[k] * 1000 / max(1, requests) for k in ("server", "postgres", "client", "other")}
    figures["busy"] = delta["machine"] / max(seconds, 1e-9) / (os.cpu_count() or 1)
    return figures


@dataclass
class Run:
    concurrency: int
    seconds: float = 0.0
    latencies: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    bodies: list = field(default_factory=list)
    results: dict = field(default_factory=dict)  # the answers' "status" field, counted
    client: str = "python"
    figures: dict = field(default_factory=dict)  # from wrk: requests, p50_ms, p99_ms, mean_ms
    cpu: dict = field(default_factory=dict)  # ms of CPU per request: server, postgres, client, other

    @property
    def count(self) -> int:
        return self.figures.get("requests", len(self.latencies))

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if self.figures:
            return self.figures["max_ms" if p == 100 else f"p{p:g}_ms"]
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    def mean(self) -> float:
        return self.figures["mean_ms"] if self.figures else statistics.fmean(self.latencies) * 1000

    def line(self, what: str) -> str:
        return (f"c={self.concurrency:<3} {self.count:>6} {what} in {self.seconds:6.2f}s  "
                f"{self.per_second:8.1f}/s  p50 {self.percentile(50):6.1f} ms  p90 {self.percentile(90):6.1f} ms  "
                f"p99 {self.percentile(99):6.1f} ms  max {self.percentile(100):6.1f} ms  mean {self.mean():6.1f} ms  "
                f"statuses {dict(sorted(self.statuses.items()))}  ({self.client})")

    def cpu_line(self) -> str:
        c = self.cpu
        return (f"      CPU per request: server {c['server']:.2f} ms, PostgreSQL {c['postgres']:.2f} ms, "
                f"client {c['client']:.2f} ms, rest of machine {c['other']:.2f} ms; "
                f"both cores {c['busy'] * 100:.0f}% busy")


def _client(port: int, path: str, bodies: list[dict], threads: int, headers: dict, keep_bodies: bool,
            start_at: float) -> tuple[list, dict, list]:
    """One client process: `threads` threads with a keep-alive connection each, POSTing bodies in turn."""
    lock = threading.Lock()
    cursor = iter(range(len(bodies)))
    latencies, statuses, kept = [], {}, []

    def worker():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, my_statuses, my_bodies = [], {}, []
        while True:
            with lock:
                index = next(cursor, None)
            if index is None:
                break
            payload = json.dumps(bodies[index])
            began = time.perf_counter()
            try:
                conn.request("POST", path, body=payload, headers=headers)
                response = conn.getresponse()
                data = response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                data, status = b"", 599
            mine.append(time.perf_counter() - began)
            my_statuses[status] = my_statuses.get(status, 0) + 1
            if keep_bodies:
                my_bodies.append(data)
        conn.close()
        with lock:
            latencies.extend(mine)
            for status, n in my_statuses.items():
                statuses[status] = statuses.get(status, 0) + n
            kept.extend(my_bodies)

    time.sleep(max(0.0, start_at - time.time()))
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    [t.start() for t in pool]
    [t.join() for t in pool]
    return latencies, statuses, kept


WRK = shutil.which("wrk")
CLIENT = os.environ.get("OPS_BENCH_CLIENT", "wrk" if WRK else "python")
LUA_SCRIPT = Path(__file__).with_name("post_each.lua")


def fire(server: Server, path: str, bodies: list[dict], concurrency: int, headers: dict | None = None) -> Run:
    """POST each body exactly once with `concurrency` connections in flight: wrk if installed, else Python.

    The run also records where the CPU went (see cpu_per_request).
    """
    before, began = cpu_snapshot(server), time.time()
    if CLIENT == "wrk":
        run = fire_wrk(server.port, path, bodies, concurrency, headers)
    else:
        run = fire_python(server.port, path, bodies, concurrency, headers)
    # The snapshots bracket the whole call (client start-up included), and so does "busy".
    run.cpu = cpu_per_request(before, cpu_snapshot(server), run.count, time.time() - began)
    return run


def fire_wrk(port: int, path: str, bodies: list[dict], concurrency: int, headers: dict | None = None) -> Run:
    """wrk (C, epoll) with one connection per thread, each thread POSTing its own slice of the bodies.

    wrk runs for a duration, not a count: each thread stops after its slice and leaves a
    marker, and wrk is interrupted (SIGINT: it still prints its summary) once all are in.
    """
    import signal

    work = Path(tempfile.mkdtemp(prefix="ops-wrk-"))
    try:
        bodies_file, markers = work / "bodies.jsonl", work / "done"
        markers.mkdir()
        bodies_file.write_text("".join(json.dumps(body, ensure_ascii=False) + "\n" for body in bodies))
        cmd = [WRK or "wrk", "-t", str(concurrency), "-c", str(concurrency), "-d", "3600s", "--timeout", "30s",
               "-s", str(LUA_SCRIPT), "-H", "Content-Type: application/json"]
        for name, value in (headers or {}).items():
            cmd += ["-H", f"{name}: {value}"]
        cmd += [f"http://127.0.0.1:{port}", "--", path, str(bodies_file), str(concurrency), str(markers)]
        # A run that stalls (e.g. a server that drops keep-alive connections: wrk then waits out
        # its timeouts) is cut off; its missing answers make the benchmark's checks fail.
        deadline = time.time() + 60 + len(bodies) / 20
        process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            while (process.poll() is None and len(list(markers.iterdir())) < concurrency
                   and time.time() < deadline):
                time.sleep(0.02)
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    line = next((line for line in out.splitlines() if line.startswith("BENCH ")), None)
    if line is None:
        raise RuntimeError(f"wrk gave no figures:\n{out}\n{err}")
    figures = json.loads(line[len("BENCH "):])
    statuses = {int(k): n for k, n in figures.pop("statuses").items()}
    if figures.get("socket_errors"):
        statuses[599] = figures["socket_errors"]
    return Run(concurrency, seconds=figures["seconds"], statuses=statuses, results=figures.pop("results"),
               client="wrk", figures=figures)


def fire_python(port: int, path: str, bodies: list[dict], concurrency: int, headers: dict | None = None) -> Run:
    """POST each body once with `concurrency` clients in flight at any time.

    The clients are spread over up to four processes (threads inside each), so the
    client's own GIL does not add to the latencies it measures.
    """
    processes = max(1, min(4, concurrency // 4))
    shares = [concurrency // processes + (1 if i < concurrency % processes else 0) for i in range(processes)]
    bounds = [round(len(bodies) * sum(shares[:i]) / concurrency) for i in range(processes + 1)]
    chunks = [bodies[bounds[i]:bounds[i + 1]] for i in range(processes)]  # in proportion to threads
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    run = Run(concurrency)
    start_at = time.time() + 0.5
    with client_pool(processes) as pool:
        results = pool.starmap(_client, [(port, path, chunk, share, all_headers, True, start_at)
                                         for chunk, share in zip(chunks, shares)])
    run.seconds = time.time() - start_at
    for latencies, statuses, kept in results:
        run.latencies.extend(latencies)
        for status, n in statuses.items():
            run.statuses[status] = run.statuses.get(status, 0) + n
        run.bodies.extend(kept)
    for body in run.bodies:
        try:
            result = json.loads(body).get("status", "error")
        except ValueError:
            result = "error"
        run.results[result] = run.results.get(result, 0) + 1
    run.bodies.clear()
    return run


CLIENT_NOTE = {"wrk": "wrk (one keep-alive connection per thread)",
               "python": "up to 4 Python processes of threads with keep-alive connections"}


def machine_note() -> str:
    load = os.getloadavg()
    return (f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
            f"(shared with other engineers); gunicorn {WORKER_CLASS} {WORKERS} workers"
            f"{f' x {THREADS} threads' if WORKER_CLASS == 'gthread' else ''}; "
            f"client: {CLIENT_NOTE[CLIENT]}, on the same machine; "
            + ("tasks: Celery via Redis, as deployed (no worker runs: the web tier is measured)" if BROKER else
               "tasks: in-process (no Redis): requests also send their messages"))


def temp_instance() -> str:
    return tempfile.mkdtemp(prefix="ops-bench-")


@contextlib.contextmanager
def prepared_app(config: dict | None = None):
    """``(database_url, instance_path, app)``: a migrated database of its own, removed afterwards."""
    instance = temp_instance()
    try:
        with fresh_database() as url:
            app = make_app(url, instance, config)
            try:
                yield url, instance, app
            finally:
                # The app's pooled connections would keep the database from being dropped cleanly.
                with app.app_context():
                    from ops.extensions import db

                    db.session.remove()
                    db.engine.dispose()
    finally:
        shutil.rmtree(instance, ignore_errors=True)
        remove_broker_keys()


def seed_tickets(app, count: int, *, days=None, confirmed_before=None) -> tuple[list[str], str]:
    """An event (today, or ``days``) with ``count`` confirmed registrations (bulk rows), and a staff token.

    ``confirmed_before``: how long ago the tickets were confirmed (a timedelta; default now).
    """
    from sqlalchemy import insert, select

    from ops.accounts.services import create_user, issue_token
    from ops.core.timeutil import seoul_today, utcnow
    from ops.events import services
    from ops.events.models import Registration, TicketType
    from ops.extensions import db
    from ops.passes.codes import sign_code
    from ops.people.models import Person

    with app.app_context():
        event = services.create_event(slug="slw-bench", title_ko="벤치마크", days=days or [seoul_today()],
                                      ticket_types=[dict(name="visitor", capacity=None)])
        db.session.flush()
        ticket_type_id = event.ticket_types[0].id
        now = utcnow() - (confirmed_before or timedelta(0))
        people = [dict(name=f"참가자{i:05d}", phone=f"010-{5000 + i // 10000:04d}-{i % 10000:04d}", country="KR",
                       created_at=now, updated_at=now) for i in range(count)]
        db.session.execute(insert(Person), people)
        ids = db.session.scalars(select(Person.id).order_by(Person.id)).all()
        codes = [sign_code("T", event.scope).text for _ in range(count)]
        rows = [dict(event_id=event.id, ticket_type_id=ticket_type_id, person_id=pid,
                     person_key=services.person_key(p["name"], p["phone"]), code=code, status="confirmed",
                     name=p["name"], phone_tail=p["phone"][-4:], country="KR", locale="ko", source="api",
                     created_at=now, confirmed_at=now)
                for pid, p, code in zip(ids, people, codes)]
        db.session.execute(insert(Registration), rows)
        db.session.execute(TicketType.__table__.update().where(TicketType.id == ticket_type_id).values(taken=count))
        staff = create_user("bench-door@example.org", "staff", "bench-password-123")
        _token, raw = issue_token(staff, "bench scanner")
        db.session.commit()
    return codes, raw


class Checks:
    """A benchmark's answer against what it seeded: each difference is printed as a WRONG line.

    Benchmarks print their speed and enforce only these checks (the machine's speed varies):
    ``sys.exit(checks.verdict())`` exits 1 when any check failed.
    """

    def __init__(self) -> None:
        self.failed: list[str] = []
        self.passed = 0

    def equal(self, what: str, got, expected) -> bool:
        if got == expected or not (isinstance(got, dict) and isinstance(expected, dict)):
            return self.true(what, got == expected, f"got {got!r}, expected {expected!r}")
        keys = sorted({*got, *expected} - {k for k in got if k in expected and got[k] == expected[k]}, key=repr)
        shown = ", ".join(f"{k!r}: got {got.get(k, '(none)')!r}, expected {expected.get(k, '(none)')!r}"
                          for k in keys[:5])
        return self.true(what, False, f"{len(keys)} of {len(expected)} differ: {shown}{' …' if len(keys) > 5 else ''}")

    def true(self, what: str, ok: bool, detail: str = "") -> bool:
        if ok:
            self.passed += 1
        else:
            self.failed.append(what)
            print(f"WRONG: {what}{': ' + detail if detail else ''}", flush=True)
        return ok

    def verdict(self) -> int:
        """Print the outcome; the process's exit status (0 right, 1 wrong)."""
        if self.failed:
            print(f"WRONG: {len(self.failed)} of {len(self.failed) + self.passed} checks failed: "
                  + "; ".join(self.failed))
            return 1
        print(f"right: all {self.passed} checks passed")
        return 0
