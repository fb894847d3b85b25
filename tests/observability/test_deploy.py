"""deploy/: gunicorn's configuration loads and serves, the systemd units and settings are sound."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import suppress
from pathlib import Path

import pytest
from flask_migrate import upgrade
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import ROOT, config_for_tests
from tests.observability.conftest import closed_port
from tests.processes import process_group, wait_for
from toolkit import create_app

DEPLOY = ROOT / "deploy"
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SECRET = "deploy-test-secret-" + "s" * 40


def server_env(tmp_path: Path, port: int, **extra: str) -> dict:
    """Settings for a production server on a temporary SQLite instance in tmp_path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOOLKIT_", "PROMETHEUS_"))}
    env.update(
        TOOLKIT_ENV="production",
        TOOLKIT_SECRET_KEY=SECRET,
        TOOLKIT_DATABASE_URL=f"sqlite:///{tmp_path / 'toolkit.db'}",
        TOOLKIT_UPLOAD_DIR=str(tmp_path / "uploads"),
        TOOLKIT_EXPORT_CACHE_DIR=str(tmp_path / "exports"),
        TOOLKIT_EXPORT_QUEUE_FILE=str(tmp_path / "jobs.db"),
        TOOLKIT_BIND=f"127.0.0.1:{port}",
        TOOLKIT_WEB_WORKERS="2",
        TOOLKIT_WEB_THREADS="2",
    )
    env.update(extra)
    return env


def test_the_gunicorn_configuration_loads(tmp_path):
    env = server_env(tmp_path, closed_port())
    check = [GUNICORN, "--check-config", "-c", str(DEPLOY / "gunicorn.conf.py")]
    result = subprocess.run(check, env=env, cwd=tmp_path, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode()


def gunicorn(env: dict, log: Path):
    """Run gunicorn with deploy/gunicorn.conf.py in its own process group; stop it after."""
    return process_group([GUNICORN, "-c", str(DEPLOY / "gunicorn.conf.py")], env, log, log.parent)


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 (a local test server)
        return response.status, response.read().decode()


def wait_until_up(url: str, log: Path, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with suppress(OSError):
            if get(url)[0] == 200:
                return
        time.sleep(0.2)
    raise AssertionError(f"gunicorn did not answer {url}; its log:\n{log.read_text()}")


def migrated_database(tmp_path: Path) -> None:
    app = create_app(config_for_tests(f"sqlite:///{tmp_path / 'toolkit.db'}", tmp_path))
    with app.app_context():
        upgrade()


def render_observed_in_another_process(env: dict) -> None:
    """Time a render in a process of its own, as `toolkit worker` does, into the shared folder."""
    code = (
        "from toolkit.observability.metrics import time_render\n"
        "with time_render('background'): pass"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)


def samples_of(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_gunicorn_serves_the_app_and_adds_up_every_processs_metrics(tmp_path):
    migrated_database(tmp_path)
    port = closed_port()
    env = server_env(tmp_path, port, PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"))
    render_observed_in_another_process(env)
    base = f"http://127.0.0.1:{port}"
    log = tmp_path / "gunicorn.log"
    with gunicorn(env, log):
        wait_until_up(f"{base}/healthz", log)
        # Both workers recorded themselves as they started (for `toolkit check`), though one
        # request has reached at most one of them.
        wait_for(lambda: len(web_processes(tmp_path)) == 2, "both workers recorded", 30)
        for _ in range(9):
            assert get(f"{base}/healthz") == (200, '{"status":"ok"}\n')
        status, body = get(f"{base}/readyz")
        assert status == 200 and json.loads(body)["checks"]["database"] == "ok"
        samples = samples_of(get(f"{base}/metrics")[1])
    assert web_processes(tmp_path) == []  # a clean stop removes them
    served = ("endpoint", "health.healthz"), ("method", "GET"), ("status", "2xx")
    assert samples[("toolkit_http_request_duration_seconds_count", served)] == 10
    rendered = ("outcome", "ok"), ("priority", "background")
    assert samples[("toolkit_pdf_render_seconds_count", rendered)] == 1
    assert samples[("toolkit_database_up", ())] == 1
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # production: every line is JSON
    assert any(
        r["logger"] == "gunicorn.error" and "Booting worker" in r["message"] for r in records
    )
    assert sum(r["event"] == "request" for r in records) == 12  # no access log beside them


def web_processes(tmp_path: Path) -> list[tuple]:
    """The web processes the server in tmp_path has recorded in its database."""
    with sqlite3.connect(tmp_path / "toolkit.db") as conn:
        return conn.execute("SELECT host, pid FROM server_process WHERE kind = 'web'").fetchall()


def systemd_root(tmp_path: Path) -> Path:
    """A root holding the system's units, the toolkit's units and stand-ins for its commands."""
    root = tmp_path / "root"
    shutil.copytree("/usr/lib/systemd/system", root / "usr/lib/systemd/system", symlinks=True)
    shutil.copytree(DEPLOY / "systemd", root / "etc/systemd/system")
    for command in ("gunicorn", "toolkit"):
        path = root / "srv/toolkit/.venv/bin" / command
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    (root / "bin").mkdir()
    shutil.copy("/bin/kill", root / "bin/kill")
    return root


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze missing")
def test_the_systemd_units_verify_cleanly(tmp_path):
    root = systemd_root(tmp_path)
    units = ["toolkit-web.service", "toolkit-worker.service"]
    verify = ["systemd-analyze", "verify", f"--root={root}", *units]
    result = subprocess.run(
        verify, cwd=root / "etc/systemd/system", capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stderr


def test_the_units_and_the_settings_example_agree():
    web = (DEPLOY / "systemd/toolkit-web.service").read_text()
    worker = (DEPLOY / "systemd/toolkit-worker.service").read_text()
    example = (DEPLOY / "toolkit.env.example").read_text()
    for unit in (web, worker):
        assert "EnvironmentFile=/etc/toolkit/toolkit.env" in unit
        assert "RuntimeDirectory=toolkit toolkit/metrics" in unit
        assert "ReadWritePaths=/srv/toolkit/instance" in unit
    settings = dict(
        line.split("=", 1) for line in example.splitlines() if line and not line.startswith("#")
    )
    assert settings["TOOLKIT_RENDER_SOCKET"] == "/run/toolkit/render.sock"
    assert settings["PROMETHEUS_MULTIPROC_DIR"] == "/run/toolkit/metrics"
    assert settings["TOOLKIT_FILE_STORE"] == "database"
    for name in ("TOOLKIT_SECRET_KEY", "TOOLKIT_DATABASE_URL", "TOOLKIT_REDIS_URL"):
        assert name in settings
    assert "TOOLKIT_METRICS_TOKEN" in settings
