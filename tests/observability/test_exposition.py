"""/metrics: who may read it, and what it shows (the instruments and the database's counts)."""

from __future__ import annotations

import datetime as dt

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy.exc import OperationalError

from tests.conftest import config_for_tests
from tests.observability.conftest import METRICS_TOKEN
from toolkit import create_app
from toolkit.exports import jobs
from toolkit.exports.models import ExportCounter, ExportJob, JobStatus
from toolkit.extensions import db
from toolkit.observability import exposition

ELSEWHERE = {"REMOTE_ADDR": "203.0.113.7"}


def scrape(client, **kwargs) -> dict[tuple[str, tuple], float]:
    """GET /metrics and read it: {(sample name, sorted labels): value}."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200, response.status_code
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    text = response.get_data(as_text=True)
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_show_the_requests_made_before(client):
    client.get("/healthz")
    client.get("/login")
    samples = scrape(client)
    key = (
        "toolkit_http_request_duration_seconds_count",
        (("endpoint", "health.healthz"), ("method", "GET"), ("status", "2xx")),
    )
    assert samples[key] >= 1
    assert any(name == "toolkit_http_request_duration_seconds_bucket" for name, _ in samples)
    assert "Set-Cookie" not in client.get("/metrics").headers


def test_metrics_are_refused_to_other_machines_without_the_token(app, client):
    assert client.get("/metrics", environ_base=ELSEWHERE).status_code == 403
    app.config["METRICS_TOKEN"] = METRICS_TOKEN
    refused = [
        {},
        {"Authorization": "Bearer not-the-token"},
        {"Authorization": f"Basic {METRICS_TOKEN}"},
        {"Authorization": f"Bearer {METRICS_TOKEN}x"},
    ]
    for headers in refused:
        response = client.get("/metrics", headers=headers, environ_base=ELSEWHERE)
        assert response.status_code == 403, headers
    allowed = {"Authorization": f"Bearer {METRICS_TOKEN}"}
    assert scrape(client, headers=allowed, environ_base=ELSEWHERE)
    assert scrape(client, headers={"Authorization": f"bearer {METRICS_TOKEN}"})


def test_only_a_direct_request_from_this_machine_goes_without_a_token(client):
    for address in ("127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"):
        assert scrape(client, environ_base={"REMOTE_ADDR": address}), address
    for address in ("10.0.0.5", "::ffff:10.0.0.5", "fe80::1", "", "unix-socket"):
        response = client.get("/metrics", environ_base={"REMOTE_ADDR": address})
        assert response.status_code == 403, address
    # A request relayed by a proxy on this machine is someone else's.
    for header in ("X-Forwarded-For", "X-Real-IP", "Forwarded"):
        response = client.get("/metrics", headers={header: "127.0.0.1"})
        assert response.status_code == 403, header


def test_a_short_metrics_token_stops_the_app_from_starting(tmp_path):
    with pytest.raises(RuntimeError, match="TOOLKIT_METRICS_TOKEN is shorter than 32"):
        create_app(config_for_tests("sqlite://", tmp_path, METRICS_TOKEN="guessable"))


def add_jobs(app, user_id: int, statuses: list[str]) -> None:
    with app.app_context():
        for number, status in enumerate(statuses):
            db.session.add(ExportJob(id=f"job{number:029d}", user_id=user_id, status=status))
        today = dt.date.today()
        db.session.add(ExportCounter(day=today, hits=7, misses=2, warmed=30))
        db.session.add(ExportCounter(day=today - dt.timedelta(days=400), hits=5, misses=1))
        db.session.commit()


def test_queue_depth_and_cache_counts_are_read_from_the_database(app, client, make_user):
    user = make_user("teacher")
    statuses = [JobStatus.QUEUED] * 3 + [JobStatus.RUNNING] + [JobStatus.DONE, JobStatus.FAILED]
    add_jobs(app, user.id, statuses)
    samples = scrape(client)
    assert samples[("toolkit_database_up", ())] == 1
    assert samples[("toolkit_export_pack_jobs", (("status", "queued"),))] == 3
    assert samples[("toolkit_export_pack_jobs", (("status", "running"),))] == 1
    assert samples[("toolkit_export_body_cache_hits_total", ())] == 12
    assert samples[("toolkit_export_body_cache_misses_total", ())] == 3
    assert samples[("toolkit_export_bodies_warmed_total", ())] == 30
    assert samples[("toolkit_export_queue_tasks", ())] == 0


def test_queued_tasks_are_counted_from_the_print_queue(app, client):
    app.config["EXPORT_WARM"] = True
    with app.app_context():
        jobs.get_huey(app).flush()
        jobs.request_warm(slugs=["getting-help-11-14"])
    assert scrape(client)[("toolkit_export_queue_tasks", ())] == 1


def test_empty_tables_give_zeros_and_a_failing_database_gives_up_0(client, monkeypatch):
    samples = scrape(client)
    assert samples[("toolkit_export_pack_jobs", (("status", "queued"),))] == 0
    assert samples[("toolkit_export_body_cache_hits_total", ())] == 0

    def unreachable():
        raise OperationalError("SELECT", {}, Exception("could not connect to db-host"))

    monkeypatch.setattr(exposition, "pack_jobs_by_status", unreachable)
    samples = scrape(client)
    assert samples[("toolkit_database_up", ())] == 0
    assert not any(name.startswith("toolkit_export_") for name, _ in samples)
    assert any(name.startswith("toolkit_http_request") for name, _ in samples)
