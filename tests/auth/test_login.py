from sqlalchemy import select

from tests.conftest import PASSWORD, login
from toolkit.audit.models import AuditEvent
from toolkit.auth.models import User
from toolkit.auth.passwords import hash_password
from toolkit.config import Defaults
from toolkit.extensions import db


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in" in response.data


def test_login_success_and_failure_are_audited(client, make_user):
    user = make_user("teacher")
    assert login(client, user.email, "wrong password").status_code == 401
    response = login(client, user.email.upper())
    assert response.status_code == 302
    with client.application.app_context():
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["account.create", "login.failure", "login.success"]


def test_home_requires_login_and_greets_user(client, login_as):
    assert client.get("/").status_code == 302
    user = login_as("teacher")
    page = client.get("/").get_data(as_text=True)
    assert f"Hello, {user.name}" in page


def test_next_parameter_only_redirects_within_site(client, make_user):
    user = make_user()
    data = {"email": user.email, "password": PASSWORD}
    response = client.post("/login?next=https://evil.example/", data=data)
    assert response.headers["Location"] == "/"
    client.post("/logout")
    response = client.post("/login?next=/healthz", data=data)
    assert response.headers["Location"] == "/healthz"


def test_inactive_user_cannot_log_in(app, client, make_user):
    user = make_user()
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert login(client, user.email).status_code == 401


def test_cookie_replayed_after_logout_is_refused(app, make_user):
    user = make_user()
    first = app.test_client()
    assert login(first, user.email).status_code == 302
    stolen = first.get_cookie("session").value
    assert first.post("/logout").status_code == 302

    thief = app.test_client()
    thief.set_cookie("session", stolen)
    response = thief.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_deactivation_ends_existing_session(app, client, make_user):
    from toolkit.auth.services import deactivate

    user = make_user()
    login(client, user.email)
    assert client.get("/").status_code == 200
    with app.app_context():
        deactivate(db.session.get(User, user.id))
        db.session.commit()
    assert client.get("/").status_code == 302


def test_production_password_hash_parameters_are_strong(app):
    # RFC 9106's second recommendation or stronger: argon2id, 64 MiB, 3 passes.
    assert Defaults.PASSWORD_HASH_MEMORY_COST >= 65536
    assert Defaults.PASSWORD_HASH_TIME_COST >= 3
    app.config.update(
        PASSWORD_HASH_TIME_COST=Defaults.PASSWORD_HASH_TIME_COST,
        PASSWORD_HASH_MEMORY_COST=Defaults.PASSWORD_HASH_MEMORY_COST,
        PASSWORD_HASH_PARALLELISM=Defaults.PASSWORD_HASH_PARALLELISM,
    )
    with app.app_context():
        stored = hash_password("a long enough password")
    assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


def test_old_hash_is_upgraded_at_login(app, client, make_user):
    user = make_user()
    app.config["PASSWORD_HASH_TIME_COST"] = 1
    app.config["PASSWORD_HASH_MEMORY_COST"] = 512
    with app.app_context():
        weak = hash_password(PASSWORD)
        db.session.get(User, user.id).password_hash = weak
        db.session.commit()
    app.config["PASSWORD_HASH_MEMORY_COST"] = 2048
    assert login(client, user.email).status_code == 302
    with app.app_context():
        upgraded = db.session.get(User, user.id).password_hash
    assert upgraded != weak
    assert "$m=2048,t=1,p=1$" in upgraded


def test_login_throttled_per_account(client, make_user):
    user = make_user()
    for _ in range(5):
        assert login(client, user.email, "nope").status_code == 401
    response = login(client, user.email)  # even the right password waits
    assert response.status_code == 429
    assert b"Too many attempts" in response.data


def test_login_throttled_per_address(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_ADDRESS"] = "3 per 5 minutes"
    for n in range(3):
        assert login(client, f"someone{n}@school.example", "nope").status_code == 401
    assert login(client, "another@school.example", "nope").status_code == 429


def test_successful_logins_are_not_throttled(client, make_user):
    user = make_user()
    for _ in range(8):
        assert login(client, user.email).status_code == 302
        client.post("/logout")


def test_session_cookie_flags(app, make_user):
    user = make_user()
    client = app.test_client()
    response = login(client, user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
