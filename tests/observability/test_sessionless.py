"""Machine routes set no session cookie, even when a signed-in browser opens them."""

from __future__ import annotations


def test_machine_routes_leave_a_signed_in_session_cookie_alone(client, login_as):
    login_as("teacher")
    assert "Set-Cookie" in client.get("/").headers  # a page refreshes the session's cookie
    for url in ("/healthz", "/readyz", "/metrics"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Set-Cookie" not in response.headers, url
    assert client.get("/").status_code == 200  # still signed in


def test_anonymous_probes_get_no_cookie(client):
    for url in ("/healthz", "/readyz", "/metrics", "/no-such-page"):
        assert "Set-Cookie" not in client.get(url).headers, url
