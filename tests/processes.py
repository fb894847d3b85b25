"""Helpers for tests that run real processes: a process group stopped afterwards, and waiting."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


@contextmanager
def process_group(
    command: list[str], env: dict, log: Path, cwd: Path | None = None, stop=signal.SIGTERM
) -> Iterator[subprocess.Popen]:
    """Run a command in a process group of its own, output appended to log; stop the whole
    group afterwards with `stop` (SIGKILL if it has not ended 30 s later)."""
    with log.open("ab") as out:
        process = subprocess.Popen(
            command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        yield process
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, stop)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(30)


def wait_for(
    check: Callable, what: str, seconds: float = 120, interval: float = 0.05,
    detail: Callable[[], str] = lambda: "",
):  # fmt: skip
    """Poll check() until it returns something true and return that; fail after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"{what} did not happen within {seconds} s. {detail()}")
