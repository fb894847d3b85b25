"""Benchmark: the whole server as deployed (gunicorn + `toolkit worker`), under load.

    .venv/bin/python bench/server_load.py [--web-workers 4] [--threads 8] [--users 20]
                                          [--seconds 60] [--renders-per-second 2]

Sets up a fresh instance in a temporary folder (SQLite, the real lesson library, one school in
GB on A4, one teacher account per simulated user), starts `toolkit worker` (the machine's render
pool and the queue) and gunicorn with N web workers of T threads, as the README deploys it, then
measures:

1. warming: `toolkit exports warm` for the school (every library document, standard variant);
2. click-to-PDF on a new day after warming: every library document of the school downloaded
   over HTTP, three rounds, wall time from request to the last byte (the bodies hold no date, so
   any day after warming is this case; the tests prove a new day is served from the kept body);
3. browsing under render load: U signed-in users browse (library searches and lesson pages, with
   0.2-1.0 s between clicks) for S seconds while R downloads a second ask for plans that were never
   rendered (other countries, papers and variants): library search latency, and every response's
   status (a download still rendering after EXPORT_WAIT_SECONDS answers 202 with a progress page,
   which is not an error; a 5xx or a failed connection is);
4. memory: the proportional set size (PSS, shared pages divided among their sharers) of every
   process of the server: gunicorn's master and workers, the worker, the render processes.

The load generator runs on the same machine and takes CPU from the server: the figures are a
pessimistic reading of what the server alone would do.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "bench password " + "x" * 10
SEARCHES = ["", "photo", "help", "band=11-14", "topic=privacy", "consent", "report", "band=7-11"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


class Browser:
    """A signed-in user: a cookie jar over one keep-alive connection."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, bytes, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        return response.status, data, dict(response.headers)

    def sign_in(self, email: str) -> None:
        status, page, _ = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
        form = {"email": email, "password": PASSWORD}
        if token:
            form["csrf_token"] = token.group(1).decode()
        status, _, headers = self.request("POST", "/login", urlencode(form))
        assert status == 302, f"sign-in of {email} failed: {status}"


def pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    match = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(match.group(1)) if match else 0


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except OSError:
            children = []
        todo.extend(int(c) for c in children)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--web-workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8, help="threads per web worker")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--renders-per-second", type=float, default=2)
    parser.add_argument("--port", type=int, default=5099)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-server-"))
    env = {
        **os.environ,
        "TOOLKIT_ENV": "development",  # plain HTTP cookies; no debugger, no reloader
        "TOOLKIT_SECRET_KEY": "bench-server-" + "s" * 40,
        "TOOLKIT_DATABASE_URL": f"sqlite:///{work / 'toolkit.db'}",
        "TOOLKIT_UPLOAD_DIR": str(work / "uploads"),
        "TOOLKIT_EXPORT_CACHE_DIR": str(work / "exports"),
        "TOOLKIT_EXPORT_QUEUE_FILE": str(work / "jobs.db"),
        "TOOLKIT_RENDER_SOCKET": str(work / "render.sock"),
        "TOOLKIT_RENDER_IN_PROCESS_FALLBACK": "false",  # web workers must use the shared pool
        "TOOLKIT_EXPORT_WARM": "false",  # warmed below, on purpose and timed
        "TOOLKIT_LOGIN_LIMIT_PER_ADDRESS": '"1000 per 5 minutes"',
        "TOOLKIT_LOGIN_LIMIT_PER_PAIR": '"1000 per 5 minutes"',
    }
    toolkit = [str(BIN / "toolkit")]
    subprocess.run([*toolkit, "setup"], env=env, check=True, capture_output=True)
    emails = [f"teacher{n}@bench.example" for n in range(args.users + 1)]
    for email in emails:
        subprocess.run(
            [*toolkit, "users", "create", "--email", email, "--name", email, "--role", "teacher",
             "--password-stdin"],
            env=env, input=PASSWORD + "\n", text=True, check=True, capture_output=True,
        )  # fmt: skip
    worker = subprocess.Popen([*toolkit, "worker"], env=env, stdout=subprocess.DEVNULL)
    web = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(args.web_workers), "--threads", str(args.threads),
         "-b", f"127.0.0.1:{args.port}",
         "--access-logfile", str(work / "access.log"),
         "--access-logformat", "%(m)s %(U)s %(s)s %(M)s", "toolkit:create_app()"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        for _ in range(300):
            if (work / "render.sock").exists():
                probe = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
                try:
                    probe.request("GET", "/")
                    break
                except OSError:
                    pass
            time.sleep(0.2)
        run(args, env, toolkit, emails, worker, web, work / "access.log")
    finally:
        for process in (web, worker):
            process.send_signal(signal.SIGTERM)
        for process in (web, worker):
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(work, ignore_errors=True)


def library_documents(browser: Browser) -> list[str]:
    """Every library lesson's slug, from the library pages."""
    slugs, page = [], 1
    while True:
        status, html, _ = browser.request("GET", f"/library/?page={page}")
        found = re.findall(rb'href="/library/([a-z0-9-]+)"', html)
        new = [s.decode() for s in found if s.decode() not in slugs]
        if status != 200 or not new:
            return slugs
        slugs += new
        page += 1


def server_times(log: Path, start: int, path: str) -> list[float]:
    """Seconds the server itself took (gunicorn's access log) for GET requests of `path`
    (the query string aside), from line `start` on."""
    times = []
    for line in log.read_text().splitlines()[start:]:
        parts = line.split()
        if len(parts) == 4 and parts[0] == "GET" and parts[1] == path:
            times.append(int(parts[3]) / 1000)
    return times


def run(args, env, toolkit, emails, worker, web, access_log: Path) -> None:
    started = time.perf_counter()
    warm = subprocess.run(
        [*toolkit, "exports", "warm"], env=env, capture_output=True, text=True, check=True
    )
    warm_seconds = time.perf_counter() - started
    print(f"Warming: {warm.stdout.strip().splitlines()[-1]} in {warm_seconds:.0f} s")

    first = Browser(args.port)
    first.sign_in(emails[0])
    slugs = library_documents(first)
    downloads = []
    for _ in range(3):
        for slug in slugs:
            for document in ("plan", "handout", "letter"):
                began = time.perf_counter()
                status, data, _ = first.request(
                    "GET", f"/lessons/{slug}/export.pdf?document={document}"
                )
                if status == 400:  # a session for adults has no handout or letter
                    continue
                downloads.append(time.perf_counter() - began)
                assert status == 200 and data.startswith(b"%PDF"), (slug, document, status)
    print(
        f"(1) click-to-PDF after warming, {len(downloads)} downloads of {len(slugs)} lessons' "
        f"plans, handouts and letters: median {statistics.median(downloads) * 1000:.0f} ms, "
        f"p95 {percentile(downloads, 0.95) * 1000:.0f} ms (target under 100 ms)"
    )

    browsers = [Browser(args.port) for _ in emails[1:]]
    for browser, email in zip(browsers, emails[1:], strict=True):
        browser.sign_in(email)
    searches: list[float] = []
    pages: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + args.seconds

    def note(status: int) -> None:
        with lock:
            statuses[status] = statuses.get(status, 0) + 1

    def browse(browser: Browser, seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline:
            query = rng.choice(SEARCHES)
            path = "/library/?" + (query if "=" in query else urlencode({"q": query}))
            try:
                began = time.perf_counter()
                status, _, _ = browser.request("GET", path)
                elapsed = time.perf_counter() - began
                note(status)
                with lock:
                    searches.append(elapsed)
                began = time.perf_counter()
                status, _, _ = browser.request("GET", f"/library/{rng.choice(slugs)}")
                note(status)
                with lock:
                    pages.append(time.perf_counter() - began)
            except (OSError, http.client.HTTPException) as error:
                with lock:
                    errors.append(repr(error))
            time.sleep(rng.uniform(0.2, 1.0))

    # Plans never rendered: every lesson in other countries, papers and variants.
    cold = itertools.cycle(
        (slug, country, paper, variant)
        for country in ("FR", "DE", "ES", "IT", "PL", "NL", "IE", "SE", "AT", "BE")
        for paper in ("letter", "a4")
        for variant in ("large-print", "dyslexia", "standard")
        for slug in slugs
    )
    render_times: list[float] = []

    def render_one(slug, country, paper, variant) -> None:
        browser = Browser(args.port)
        browser.cookies = dict(browsers[0].cookies)
        query = urlencode(
            {"document": "plan", "country": country, "paper": paper, "variant": variant}
        )
        try:
            began = time.perf_counter()
            status, _, _ = browser.request("GET", f"/lessons/{slug}/export.pdf?{query}")
            note(status)
            with lock:
                render_times.append(time.perf_counter() - began)
        except (OSError, http.client.HTTPException) as error:
            with lock:
                errors.append(repr(error))

    log_start = len(access_log.read_text().splitlines())
    threads = [
        threading.Thread(target=browse, args=(b, n), daemon=True) for n, b in enumerate(browsers)
    ]
    for thread in threads:
        thread.start()
    renders = []
    memory_peak = 0
    interval = 1 / args.renders_per_second
    next_at = time.monotonic()
    while time.monotonic() < deadline:
        thread = threading.Thread(target=render_one, args=next(cold), daemon=True)
        thread.start()
        renders.append(thread)
        next_at += interval
        memory_peak = max(memory_peak, server_pss(worker, web))
        time.sleep(max(0.0, next_at - time.monotonic()))
    for thread in threads + renders:
        thread.join(180)
    server_errors = sum(n for status, n in statuses.items() if status >= 500)
    print(
        f"(4) {len(browsers)} users browsing {args.seconds:.0f} s with "
        f"{args.renders_per_second:g} uncached plans a second ({len(renders)} asked): library "
        f"search median {statistics.median(searches) * 1000:.0f} ms, "
        f"p95 {percentile(searches, 0.95) * 1000:.0f} ms over {len(searches)} searches "
        f"(target under 100 ms); lesson page p95 {percentile(pages, 0.95) * 1000:.0f} ms; "
        f"statuses {dict(sorted(statuses.items()))}; errors {server_errors + len(errors)}"
    )
    served = server_times(access_log, log_start, "/library/")
    print(
        f"    the same searches as the server timed them (gunicorn's access log): median "
        f"{statistics.median(served) * 1000:.0f} ms, p95 {percentile(served, 0.95) * 1000:.0f} ms "
        f"over {len(served)}"
    )
    if render_times:
        print(
            f"    uncached plan downloads: median {statistics.median(render_times):.1f} s, "
            f"p95 {percentile(render_times, 0.95):.1f} s to the PDF or the progress page"
        )
    for error in errors[:5]:
        print("    error:", error)
    print(
        f"(5) memory of the whole server ({args.web_workers} web workers, the worker and its "
        f"render pool), PSS: {server_pss(worker, web) / 1024:.0f} MiB after the run, "
        f"{memory_peak / 1024:.0f} MiB at the highest sample (target under 1,024 MiB)"
    )


def server_pss(worker: subprocess.Popen, web: subprocess.Popen) -> int:
    """KiB of proportional set size of every process of the server."""
    pids = descendants(worker.pid) + descendants(web.pid)
    return sum(pss_kib(pid) for pid in pids)


if __name__ == "__main__":
    main()
