"""The instruments: request latency by endpoint, and render times where a PDF is laid out."""

from __future__ import annotations

import pytest

from toolkit.exports.render import RenderClient, RenderError, RenderJob, RenderPool, RenderServer
from toolkit.observability.metrics import instruments, observe_request

SMALL = '<html lang="en"><head><title>t</title></head><body><p>Hello</p></body></html>'


def sample(name: str, **labels) -> float:
    """The current value of a sample in this process's registry (0 when never recorded)."""
    return instruments().registry.get_sample_value(name, labels) or 0.0


def requests_seen(endpoint: str, method: str = "GET", status: str = "2xx") -> float:
    return sample(
        "toolkit_http_request_duration_seconds_count",
        endpoint=endpoint,
        method=method,
        status=status,
    )


def test_requests_are_counted_by_endpoint_name_never_by_path(client):
    before = {
        "health": requests_seen("health.healthz"),
        "unmatched": requests_seen("unmatched", status="4xx"),
        "login": requests_seen("auth.login"),
    }
    client.get("/healthz")
    client.get("/healthz?x=1")
    client.get("/no-such-page/12345")
    client.get("/login")
    assert requests_seen("health.healthz") == before["health"] + 2
    assert requests_seen("unmatched", status="4xx") == before["unmatched"] + 1
    assert requests_seen("auth.login") == before["login"] + 1
    label_values = {
        value
        for family in instruments().registry.collect()
        for metric in family.samples
        for value in metric.labels.values()
    }
    assert not any(value.startswith("/") for value in label_values)


def test_odd_methods_and_status_classes_are_bounded_labels():
    before = requests_seen("x.y", method="other", status="5xx")
    observe_request("x.y", "BREW", 503, 0.01)
    assert requests_seen("x.y", method="other", status="5xx") == before + 1


@pytest.fixture
def pool():
    pool = RenderPool(size=1, time_limit=60, memory_mb=1536)
    yield pool
    pool.close()


def renders(kind: str, priority: str, outcome: str) -> float:
    return sample(f"{kind}_count", priority=priority, outcome=outcome)


def test_a_render_in_the_pool_is_timed_by_priority_and_outcome(pool):
    name = "toolkit_pdf_render_seconds"
    ok_before = renders(name, "background", "ok")
    failed_before = renders(name, "interactive", "error")
    assert pool.render(RenderJob(SMALL, "a4", "standard"), "background").pages == 1
    with pytest.raises(RenderError):
        pool.render(RenderJob(SMALL, "a4", "no-such-variant"))
    assert renders(name, "background", "ok") == ok_before + 1
    assert renders(name, "interactive", "error") == failed_before + 1
    assert sample(f"{name}_sum", priority="background", outcome="ok") > 0


def test_a_render_through_the_print_service_is_timed_once_on_each_side(pool, app, tmp_path):
    socket = str(tmp_path / "render.sock")
    server = RenderServer(socket, app.config["SECRET_KEY"], pool).start()
    laid_out = renders("toolkit_pdf_render_seconds", "interactive", "ok")
    asked = renders("toolkit_render_service_call_seconds", "interactive", "ok")
    try:
        client = RenderClient(socket, app.config["SECRET_KEY"], 60)
        assert client.render(RenderJob(SMALL, "a4", "standard")).pages == 1
    finally:
        server.close()
    # The service's pool (here in this process) timed the layout, the client its whole wait.
    assert renders("toolkit_pdf_render_seconds", "interactive", "ok") == laid_out + 1
    assert renders("toolkit_render_service_call_seconds", "interactive", "ok") == asked + 1
