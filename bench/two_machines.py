"""Benchmark: two machines under load, as a trust would run them.

    .venv/bin/python bench/two_machines.py [--users 40] [--seconds 60]
        [--database postgresql://postgres@127.0.0.1:5432/toolkit_bench]
        [--redis redis://127.0.0.1:6379/14]

Sets up a fresh installation in the given PostgreSQL database (created if missing, emptied
first: never point it at a database you keep) with the real lesson library, one school and one
teacher account per user, then starts two "machines" on this one (tests/multiserver/cluster.py:
each with its own instance folder, gunicorn from deploy/gunicorn.conf.py and `toolkit worker`),
sharing that database, Redis and files in the database. The school's documents are warmed first.

U users then work for S seconds, each request going to either machine at random (as behind a
load balancer that keeps no affinity: a session made on one machine works on the other). A user
searches the library, opens lessons and their print page, downloads a plan or a handout, and
looks at their lessons and the packs page, with 0.5-2 s between clicks. Reported: requests, rate,
latency by kind (median, p95, p99, as the client saw it), statuses, errors (any 5xx or failed
connection), requests per machine.

The load generator runs on the same two cores as both machines, the database and Redis: the
figures are a pessimistic reading of what the servers alone would do.
"""

from __future__ import annotations

import argparse
import http.client
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from server_load import PASSWORD, Browser, library_documents, percentile  # noqa: E402

from tests.multiserver.cluster import BIN, Cluster  # noqa: E402

SECRET = "bench-two-machines-" + "k" * 40
SEARCHES = ["", "photo", "help", "band=11-14", "topic=privacy", "consent", "report", "band=7-11"]


def fresh_database(url: str) -> str:
    """Create the database if it is missing and empty it; return its SQLAlchemy URL."""
    plain = url.replace("postgresql+psycopg://", "postgresql://")
    server, _, name = plain.rpartition("/")
    with psycopg.connect(server + "/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")
    return plain


class Balanced:
    """A signed-in user whose requests go to either machine at random (one cookie jar)."""

    def __init__(self, ports: list[int], rng: random.Random):
        self.browsers = {port: Browser(port) for port in ports}
        self.rng = rng

    def request(self, path: str) -> tuple[int, int, bytes]:
        port = self.rng.choice(list(self.browsers))
        browser = self.browsers[port]
        status, data, _ = browser.request("GET", path)
        for other in self.browsers.values():  # cookies set by one machine go to both
            other.cookies.update(browser.cookies)
        return port, status, data


def setup(env: dict, users: int) -> list[str]:
    toolkit = str(BIN / "toolkit")
    subprocess.run([toolkit, "setup"], env=env, check=True, capture_output=True)
    emails = [f"teacher{n}@bench.example" for n in range(users)]
    for email in emails:
        subprocess.run(
            [toolkit, "users", "create", "--email", email, "--name", email, "--role", "teacher",
             "--password-stdin"],
            env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True,
        )  # fmt: skip
    return emails


def warm(env: dict) -> None:
    """Lay out the school's documents through a machine's print service, as its nightly job."""
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "toolkit"), "exports", "warm"], env=env, text=True,
                          capture_output=True)  # fmt: skip
    if done.returncode:
        raise SystemExit(f"warming failed:\n{done.stdout}\n{done.stderr}")
    print(f"Warmed the school's documents in {time.perf_counter() - started:.0f} s")


def _document(slug: str, rng: random.Random) -> str:
    """A plan or a handout; sessions for adults have no handout, so their plan."""
    return "plan" if slug.endswith(("-parents", "-staff")) else rng.choice(["plan", "handout"])


def work(user: Balanced, slugs: list[str], deadline: float, note) -> None:
    rng = user.rng
    while time.monotonic() < deadline:
        slug = rng.choice(slugs)
        query = rng.choice(SEARCHES)
        kind, path = rng.choice(
            [
                ("search", "/library/?" + (query if "=" in query else urlencode({"q": query}))),
                ("lesson", f"/library/{slug}"),
                ("print page", f"/lessons/{slug}/export"),
                ("pdf", f"/lessons/{slug}/export.pdf?document={_document(slug, rng)}"),
                ("my lessons", "/my/lessons"),
                ("packs page", "/packs"),
            ]
        )
        began = time.perf_counter()
        try:
            port, status, _ = user.request(path)
            note(kind, port, status, time.perf_counter() - began, None)
        except (OSError, http.client.HTTPException) as error:
            note(kind, 0, 0, time.perf_counter() - began, repr(error))
        time.sleep(rng.uniform(0.5, 2.0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--database", default="postgresql://postgres@127.0.0.1:5432/toolkit_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/14")
    args = parser.parse_args()

    database = fresh_database(args.database)
    redis.Redis.from_url(args.redis).flushdb()
    with tempfile.TemporaryDirectory(prefix="bench-two-machines-") as folder:
        settings = {"LOGIN_LIMIT_PER_ADDRESS": '"1000 per 5 minutes"'}
        cluster = Cluster(Path(folder), database, args.redis, SECRET, settings=settings)
        emails = setup(cluster.machines[0].env, args.users)
        with cluster:
            warm(cluster.machines[0].env)
            run(cluster, emails, args.seconds)


def run(cluster: Cluster, emails: list[str], seconds: float) -> None:
    ports = [m.port for m in cluster.machines]
    rng = random.Random(7)
    users = []
    for n, email in enumerate(emails):
        user = Balanced(ports, random.Random(n))
        user.browsers[ports[n % len(ports)]].sign_in(email)
        for browser in user.browsers.values():
            browser.cookies.update(user.browsers[ports[n % len(ports)]].cookies)
        users.append(user)
    slugs = library_documents(users[0].browsers[ports[0]])
    rng.shuffle(slugs)

    times, statuses, per_port, errors = defaultdict(list), defaultdict(int), defaultdict(int), []
    lock = threading.Lock()

    def note(kind, port, status, elapsed, error) -> None:
        with lock:
            times[kind].append(elapsed)
            statuses[status] += 1
            per_port[port] += 1
            if error:
                errors.append(error)

    deadline = time.monotonic() + seconds
    threads = [threading.Thread(target=work, args=(u, slugs, deadline, note)) for u in users]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(300)
    elapsed = time.perf_counter() - began
    total = sum(len(v) for v in times.values())
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    summary = (
        f"{len(users)} users for {seconds:.0f} s on {len(ports)} machines: {total} requests, "
        f"{total / elapsed:.1f} a second; statuses {dict(sorted(statuses.items()))}; errors "
        f"{server_errors + len(errors)} ({server_errors} 5xx, {len(errors)} failed)"
    )
    print(summary)
    print("| request | count | median ms | p95 ms | p99 ms |")
    print("| --- | ---: | ---: | ---: | ---: |")
    everything = [t for values in times.values() for t in values]
    for kind, values in sorted(times.items()) + [("all", everything)]:
        median, p95, p99 = (
            statistics.median(values) * 1000,
            percentile(values, 0.95) * 1000,
            percentile(values, 0.99) * 1000,
        )
        print(f"| {kind} | {len(values)} | {median:.0f} | {p95:.0f} | {p99:.0f} |")
    machines = {m.port: m.name for m in cluster.machines}
    shares = ", ".join(f"{machines.get(p, 'none')} {n}" for p, n in sorted(per_port.items()))
    print(f"requests per machine: {shares}")
    for error in errors[:5]:
        print("error:", error)


if __name__ == "__main__":
    main()
