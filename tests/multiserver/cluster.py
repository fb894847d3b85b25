"""Two (or more) machines on one: gunicorn web servers and print workers on shared services.

Each "machine" has its own instance folder (TOOLKIT_INSTANCE_DIR: its own local files and render
socket), its own port and its own `toolkit worker`; all share one PostgreSQL database, one Redis
and one secret key, with files in the database, as a deployment past one machine is set up. Used
by the multi-server test and by bench/load.py.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent.parent
BIN = Path(sys.executable).parent
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Machine:
    name: str
    folder: Path
    port: int
    env: dict
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self, kind: str) -> Path:
        return self.folder / f"{kind}.log"

    def start(self, kind: str) -> None:
        """Start the web server or the print worker in a process group of its own."""
        if kind == "web":
            command = [str(BIN / "gunicorn"), "--config", str(GUNICORN_CONFIG)]
            command += ["--bind", f"127.0.0.1:{self.port}"]
        else:
            command = [str(BIN / "toolkit"), "worker"]
        with self.log(kind).open("ab") as out:
            self.processes[kind] = subprocess.Popen(
                command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def kill(self, kind: str, sig: int = signal.SIGKILL) -> None:
        """Stop a process and everything it started (a worker's render pool too)."""
        process = self.processes.pop(kind, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)

    def pids(self, kind: str) -> set[int]:
        """The process ids of a process and its children (gunicorn workers, render processes)."""
        process = self.processes.get(kind)
        if process is None:
            return set()
        found = {process.pid}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == process.pid:
                        found.add(int(entry.name))
                except ProcessLookupError:
                    continue
        return found


class Cluster:
    """Start machines on shared PostgreSQL and Redis; stop everything on leaving."""

    def __init__(
        self,
        root: Path,
        database_url: str,
        redis_url: str,
        secret_key: str,
        machines: int = 2,
        settings: dict | None = None,
    ):
        self.machines = []
        for number in range(1, machines + 1):
            folder = root / f"machine-{number}"
            (folder / "metrics").mkdir(parents=True, exist_ok=True)
            env = {
                **os.environ,
                "TOOLKIT_ENV": "development",  # plain http on loopback: cookies not Secure-only
                "TOOLKIT_INSTANCE_DIR": str(folder),
                "TOOLKIT_SECRET_KEY": secret_key,
                "TOOLKIT_DATABASE_URL": database_url,
                "TOOLKIT_REDIS_URL": redis_url,
                "TOOLKIT_FILE_STORE": "database",
                "TOOLKIT_RENDER_IN_PROCESS_FALLBACK": "false",  # only the machine's worker renders
                "TOOLKIT_EXPORT_WARM": "false",
                "TOOLKIT_EXPORT_WORKERS": "1",
                "TOOLKIT_WEB_WORKERS": "2",
                "TOOLKIT_WEB_THREADS": "4",
                # Every process of the machine adds to its /metrics, as in production.
                "PROMETHEUS_MULTIPROC_DIR": str(folder / "metrics"),
            }
            env.update({f"TOOLKIT_{k}": str(v) for k, v in (settings or {}).items()})
            self.machines.append(Machine(f"machine-{number}", folder, free_port(), env))

    def __enter__(self) -> Cluster:
        try:
            for machine in self.machines:
                machine.start("worker")
                machine.start("web")
            for machine in self.machines:
                self.wait_ready(machine)
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        for machine in self.machines:
            for kind in list(machine.processes):
                machine.kill(kind, signal.SIGTERM)

    def wait_ready(self, machine: Machine, timeout: float = 90) -> None:
        """Wait until the machine's web server answers and its print service listens."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for kind, process in machine.processes.items():
                if process.poll() is not None:
                    raise RuntimeError(
                        f"{machine.name} {kind} exited:\n" + machine.log(kind).read_text()[-3000:]
                    )
            try:
                answered = requests.get(machine.url + "/healthz", timeout=2).status_code == 200
            except requests.RequestException:
                answered = False
            if answered and (machine.folder / "render.sock").exists():
                return
            time.sleep(0.3)
        raise RuntimeError(f"{machine.name} did not start in {timeout} s")


def csrf_token(page: str) -> str:
    match = CSRF.search(page)
    assert match, "no CSRF token on the page"
    return match[1]


def sign_in(session: requests.Session, base: str, email: str, password: str) -> requests.Response:
    """Sign in through the form as a browser would; return the answer to the POST."""
    page = session.get(base + "/login", timeout=30)
    return session.post(
        base + "/login",
        data={"email": email, "password": password, "csrf_token": csrf_token(page.text)},
        allow_redirects=False,
        timeout=60,
    )
