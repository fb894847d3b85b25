import re

import pytest

from tests.conftest import PASSWORD, config_for_tests, empty_tables
from toolkit import create_app
from toolkit.auth.services import create_user
from toolkit.extensions import db


@pytest.fixture
def csrf_app(database_url, _migrated, tmp_path):
    app = create_app(config_for_tests(database_url, tmp_path, WTF_CSRF_ENABLED=True))
    with app.app_context():
        create_user("csrf@school.example", "C", "teacher", PASSWORD)
        db.session.commit()
    yield app
    with app.app_context():
        empty_tables()
        db.engine.dispose()


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]


def test_post_without_csrf_token_is_refused(csrf_app):
    client = csrf_app.test_client()
    data = {"email": "csrf@school.example", "password": PASSWORD}
    assert client.post("/login", data=data).status_code == 400
    token = _token(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={**data, "csrf_token": token}).status_code == 302
    # Signing out is a state change too: refused without the token, accepted with it.
    assert client.post("/logout").status_code == 400
    page = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302


def test_csrf_token_has_no_time_limit_within_the_session(csrf_app):
    # A teacher may spend hours on a form; the token lives as long as the session does.
    assert csrf_app.config["WTF_CSRF_TIME_LIMIT"] is None
