"""What the benchmarks share: a PostgreSQL database of their own, gunicorn serving the app on it,
and a bounded pool of keep-alive HTTP clients that records every latency.

Each benchmark creates its database, migrates it, seeds it, runs gunicorn on 127.0.0.1 (a free
port), fires its requests, prints its figures, then stops gunicorn and drops the database.
"""
from __future__ import annotations

import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = os.environ.get("OPS_BENCH_PG_URL", os.environ.get(
    "OPS_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"))
WORKERS = int(os.environ.get("OPS_BENCH_WORKERS", "4"))
THREADS = int(os.environ.get("OPS_BENCH_THREADS", "4"))
WORKER_CLASS = os.environ.get("OPS_BENCH_WORKER_CLASS", "gthread")
SECRET = "bench-secret-" + uuid.uuid4().hex
SIGNING_KEY = "bench-signing-" + uuid.uuid4().hex


@contextlib.contextmanager
def fresh_database():
    """A new PostgreSQL database, dropped afterwards whatever happens."""
    from sqlalchemy import create_engine, text

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


def app_env(database_url: str, instance: str) -> dict:
    env = dict(os.environ)
    env.update(OPS_DATABASE_URL=database_url, OPS_SECRET_KEY=SECRET, OPS_SIGNING_KEY=SIGNING_KEY,
               OPS_INSTANCE_PATH=instance, OPS_ENV="development")
    env.pop("OPS_BROKER_URL", None)
    return env


def make_app(database_url: str, instance: str):
    """The app as gunicorn will run it, migrated (the schema comes only from migrations)."""
    os.environ.update({k: v for k, v in app_env(database_url, instance).items() if k.startswith("OPS_")})
    from flask_migrate import upgrade

    from ops import create_app

    app = create_app()
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, instance: str):
    port = free_port()
    cmd = [str(Path(sys.executable).parent / "gunicorn"), "-w", str(WORKERS), "-k", WORKER_CLASS, "--threads",
           str(THREADS), "-b", f"127.0.0.1:{port}", "--keep-alive", "30", "--log-level", "warning", "wsgi:app"]
    process = subprocess.Popen(cmd, cwd=ROOT, env=app_env(database_url, instance))
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
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Run:
    concurrency: int
    seconds: float = 0.0
    latencies: list = field(default_factory=list)
    statuses: dict = field(default_factory=dict)
    bodies: list = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000

    def line(self, what: str) -> str:
        return (f"c={self.concurrency:<3} {len(self.latencies):>6} {what} in {self.seconds:6.2f}s  "
                f"{self.per_second:8.1f}/s  p50 {self.percentile(50):6.1f} ms  p99 {self.percentile(99):6.1f} ms  "
                f"mean {statistics.fmean(self.latencies) * 1000:6.1f} ms  statuses {dict(sorted(self.statuses.items()))}")


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


def fire(port: int, path: str, bodies: list[dict], concurrency: int, headers: dict | None = None,
         keep_bodies: bool = False) -> Run:
    """POST each body once with `concurrency` clients in flight at any time.

    The clients are spread over up to four processes (threads inside each), so the
    client's own GIL does not add to the latencies it measures.
    """
    import multiprocessing

    processes = max(1, min(4, concurrency // 4))
    shares = [concurrency // processes + (1 if i < concurrency % processes else 0) for i in range(processes)]
    bounds = [round(len(bodies) * sum(shares[:i]) / concurrency) for i in range(processes + 1)]
    chunks = [bodies[bounds[i]:bounds[i + 1]] for i in range(processes)]  # in proportion to threads
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    run = Run(concurrency)
    start_at = time.time() + 0.5
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.starmap(_client, [(port, path, chunk, share, all_headers, keep_bodies, start_at)
                                         for chunk, share in zip(chunks, shares)])
    run.seconds = time.time() - start_at
    for latencies, statuses, kept in results:
        run.latencies.extend(latencies)
        for status, n in statuses.items():
            run.statuses[status] = run.statuses.get(status, 0) + n
        run.bodies.extend(kept)
    return run


def machine_note() -> str:
    load = os.getloadavg()
    return (f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
            f"(shared with other engineers); gunicorn {WORKER_CLASS} {WORKERS} workers"
            f"{f' x {THREADS} threads' if WORKER_CLASS == 'gthread' else ''}; "
            f"client: up to 4 Python processes of threads with keep-alive connections, on the same machine")


def temp_instance() -> str:
    return tempfile.mkdtemp(prefix="ops-bench-")


@contextlib.contextmanager
def prepared_app():
    """``(database_url, instance_path, app)``: a migrated database of its own, removed afterwards."""
    import shutil

    instance = temp_instance()
    try:
        with fresh_database() as url:
            yield url, instance, make_app(url, instance)
    finally:
        shutil.rmtree(instance, ignore_errors=True)
