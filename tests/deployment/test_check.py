"""`toolkit check` and the processes' reports: what an operator is told, and when it fails."""

from __future__ import annotations

import threading
from types import SimpleNamespace

from sqlalchemy import delete

from tests.processes import wait_for
from toolkit import create_app
from toolkit.deployment import registry
from toolkit.deployment.check import ERROR, OK, WARNING, process_findings, settings_findings
from toolkit.deployment.models import ServerProcess
from toolkit.extensions import db


def _levels(findings) -> dict[str, list[str]]:
    found = {}
    for finding in findings:
        found.setdefault(finding.level, []).append(finding.message)
    return found


def test_settings_that_cannot_work_on_several_machines_are_named(app):
    assert _levels(settings_findings(app)).keys() == {OK}
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    found = _levels(settings_findings(app))
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert any("needs PostgreSQL" in m or "need PostgreSQL" in m for m in found[ERROR])
    if app.config["FILE_STORE"] == "local":
        assert any("TOOLKIT_FILE_STORE=database" in m for m in found[WARNING])


def test_a_process_reports_fingerprints_never_secrets(app):
    app.config["REDIS_URL"] = "redis://:hunter2@cache.example:6380/3"
    with app.app_context():
        registry.report(app, "web")
        registry.report(app, "web")  # again: the same row, seen again
        (row,) = registry.live_processes()
    assert row.kind == "web" and row.settings["redis"] == "redis://cache.example:6380/3"
    stored = str(row.settings)
    assert app.config["SECRET_KEY"] not in stored and "hunter2" not in stored
    assert row.settings["secret_key"] == registry.key_fingerprint(app.config["SECRET_KEY"])
    assert registry.key_fingerprint("another key") != row.settings["secret_key"]


def _process(host, kind, pid=1, **settings):
    base = {
        "secret_key": "k1",
        "database": "postgresql://db:5432/t",
        "redis": "redis://r:6379/0",
        "file_store": "database",
        "version": "0.1.0",
    }
    return SimpleNamespace(host=host, kind=kind, pid=pid, settings={**base, **settings})


def test_machines_that_differ_are_told_apart(app):
    same = [
        _process("app-1", "web"),
        _process("app-1", "worker"),
        _process("app-2", "web"),
        _process("app-2", "worker"),
    ]
    found = _levels(process_findings(app, same))
    assert (
        found.keys() == {OK} and "4 processes on 2 machine(s) (app-1, app-2) agree" in found[OK][0]
    )

    other_key = same[:3] + [_process("app-2", "worker", pid=42, secret_key="k2")]
    (error,) = _levels(process_findings(app, other_key))[ERROR]
    assert error == (
        "processes use different secret keys: web on app-1 (1), web on app-2 (1), "
        "worker on app-1 (1); worker on app-2 (42)"
    )

    local = [
        _process(h, k, file_store="local", redis="") for h in ("a", "b") for k in ("web", "worker")
    ]
    errors = _levels(process_findings(app, local))[ERROR]
    assert any("keep files in local folders" in m for m in errors)
    assert any("share no Redis" in m for m in errors)

    no_worker = [_process("app-1", "web"), _process("app-1", "worker"), _process("app-2", "web")]
    (warning,) = _levels(process_findings(app, no_worker))[WARNING]
    assert warning.startswith("app-2 runs web servers but no print worker")


def test_one_machine_with_one_store_is_fine(app):
    found = _levels(process_findings(app, [_process("solo", "web", file_store="local", redis="")]))
    assert ERROR not in found


def test_the_command_exits_1_on_an_error_and_0_otherwise(app, runner):
    with app.app_context():
        db.session.add(
            ServerProcess(id="x:web:1", host="x", kind="web", pid=1, settings={"secret_key": "a"})
        )
        db.session.add(
            ServerProcess(id="y:web:2", host="y", kind="web", pid=2, settings={"secret_key": "b"})
        )
        db.session.commit()
    result = runner.invoke(args=["check"])
    assert result.exit_code == 1, result.output
    assert "error: processes use different secret keys" in result.output
    assert "is migrated" in result.output  # the database answers, at the newest migration
    with app.app_context():
        db.session.execute(delete(ServerProcess))
        db.session.commit()
    result = runner.invoke(args=["check"])
    assert result.exit_code == 0, result.output
    assert "warning: no web server or print worker has reported" in result.output


def test_a_started_process_reports_every_minute_until_it_exits(app, monkeypatch):
    monkeypatch.setattr(registry, "REPORT_EVERY_SECONDS", 0.2)
    monkeypatch.setattr(registry, "_threads", [])
    monkeypatch.setattr(registry, "_stop", threading.Event())
    exits = []
    monkeypatch.setattr(registry.atexit, "register", lambda *args: exits.append(args))
    registry.start_reporting(app, "worker")  # from a thread of its own, no app context needed
    with app.app_context():
        first = wait_for(registry.live_processes, "the first report", 10)[0].seen_at
        wait_for(lambda: registry.live_processes()[0].seen_at > first, "a second report", 10)
        db.session.remove()
    assert exits == [(registry.forget, app, "worker")]
    registry.forget(app, "worker")  # as at a clean exit: the thread stops, the row goes
    assert not registry._threads[0].is_alive()
    with app.app_context():
        assert registry.live_processes() == []


def test_a_print_service_with_another_key_is_an_error_not_a_missing_service(
    app, tmp_path, monkeypatch
):
    from toolkit.deployment.check import _render_finding
    from toolkit.exports import render
    from toolkit.exports.render import RenderServer, get_pool

    socket = str(tmp_path / "render.sock")
    app.config.update(RENDER_SOCKET=socket, RENDER_IN_PROCESS_FALLBACK=True)
    assert "no print service listens" in _render_finding(app).message
    server = RenderServer(socket, "another machine's key " * 3, get_pool(app.config)).start()
    monkeypatch.setattr(render, "_hosted", None)  # as if it ran in another process
    try:
        finding = _render_finding(app)
    finally:
        server.close()
    assert finding.level == ERROR and "secret key differs" in finding.message


def test_a_command_run_without_the_machines_settings_says_so(app, tmp_path):
    from toolkit.deployment.check import _database_finding, own_settings_findings

    running = [_process("app-1", "web"), _process("app-1", "worker")]
    (finding,) = [f for f in own_settings_findings(app, running) if "database" in f.message]
    assert finding.level == ERROR and "toolkit -e /etc/toolkit/toolkit.env check" in finding.message
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        missing = tmp_path / "nothing-here.db"
        elsewhere = create_app({**app.config, "DATABASE_URL": f"sqlite:///{missing}"})
        with elsewhere.app_context():
            finding = _database_finding(elsewhere)
        assert finding.level == ERROR and "there is no database here" in finding.message
        assert not missing.exists()  # looking did not create one
