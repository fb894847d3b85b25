from toolkit.security import CONTENT_SECURITY_POLICY


def test_healthz_is_public(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_security_headers_on_every_response(client):
    for url in ("/login", "/healthz", "/no-such-page"):
        headers = client.get(url).headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "'unsafe-inline'" not in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_signed_in_pages_are_not_cached(client, login_as):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    login_as("teacher")
    assert client.get("/").headers["Cache-Control"] == "no-store"


def test_error_pages_use_the_site_layout(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Not found" in page
    assert "Skip to main content" in page


def test_no_inline_script_or_style_in_pages(client, login_as):
    login_as("admin")
    for url in ("/", "/login"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>" not in page
        assert "style=" not in page


def test_landing_page_lists_what_the_role_can_do(client, login_as):
    login_as("teacher")
    page = client.get("/").get_data(as_text=True)
    assert "What would you like to do?" in page
    assert "Administration" not in page
