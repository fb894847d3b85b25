"""Accounts: create with a one-time link, roles, (de)activation, sessions, school scoping."""

import re

from sqlalchemy import select

from tests.conftest import PASSWORD, login
from toolkit.audit.models import AuditEvent
from toolkit.auth.models import Organisation, User
from toolkit.extensions import db

NEW_PASSWORD = "a long new password for tests"


def _actions(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(e.action, e.target) for e in db.session.scalars(select(AuditEvent))]


def _link_path(page: str) -> str:
    link = re.search(r'value="(http://localhost/set-password/[^"]+)"', page).group(1)
    return link.removeprefix("http://localhost")


def _user(app, email) -> User:
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == email)).one()
        db.session.expunge(user)
        return user


def _create(client, email="new.teacher@school.example", role="teacher"):
    return client.post(
        "/admin/users/new", data={"name": "New Teacher", "email": email, "role": role}
    )


def test_admin_creates_an_account_and_the_link_sets_a_password_once(app, client, login_as):
    admin = login_as("admin")
    response = _create(client)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "works <strong>once</strong>" in page
    path = _link_path(page)
    assert response.headers["Cache-Control"] == "no-store"
    created = _user(app, "new.teacher@school.example")
    assert created.password_hash == "" and created.organisation_id == admin.organisation_id
    assert ("account.create", "new.teacher@school.example") in _actions(app)

    other = app.test_client()
    assert login(other, "new.teacher@school.example", NEW_PASSWORD).status_code == 401
    assert other.get(path).status_code == 200
    done = other.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"].endswith("/login")
    assert ("account.set_password", "new.teacher@school.example") in _actions(app)
    # Single use: the password (and session version) it was bound to has changed.
    again = other.post(
        path, data={"password": "another password 123", "confirm": "another password 123"}
    )
    assert again.status_code == 400
    assert "expired or has already been used" in again.get_data(as_text=True)
    assert login(other, "new.teacher@school.example", NEW_PASSWORD).status_code == 302


def test_set_password_refuses_tampered_short_and_mismatched(app, client, login_as):
    login_as("admin")
    path = _link_path(_create(client).get_data(as_text=True))
    anonymous = app.test_client()
    assert anonymous.get(path[:-3] + "abc").status_code == 400
    short = anonymous.post(path, data={"password": "short", "confirm": "short"})
    assert short.status_code == 200 and "at least 10" in short.get_data(as_text=True)
    differ = anonymous.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "x"})
    assert "The two passwords differ." in differ.get_data(as_text=True)
    assert _user(app, "new.teacher@school.example").password_hash == ""


def test_create_refuses_duplicates_and_bad_emails(client, login_as):
    admin = login_as("admin")
    page = _create(client, email=admin.email).get_data(as_text=True)
    assert "already exists" in page
    page = _create(client, email="not-an-email").get_data(as_text=True)
    assert "Invalid email address" in page or "not a valid email" in page


def test_list_and_search_accounts_of_own_school_only(app, client, login_as, make_user):
    login_as("admin")
    make_user("teacher", email="alice@school.example")
    make_user("editor", email="bob@school.example")
    with app.app_context():
        other = Organisation(name="Other school", country="GB", paper_size="a4")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    stranger = make_user("teacher", email="stranger@other.example", organisation_id=other_id)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "alice@school.example" in page and "bob@school.example" in page
    assert "stranger@other.example" not in page
    page = client.get("/admin/users?q=ALI").get_data(as_text=True)
    assert "alice@school.example" in page and "bob@school.example" not in page
    page = client.get("/admin/users?role=editor").get_data(as_text=True)
    assert "bob@school.example" in page and "alice@school.example" not in page
    # Another school's account is not there at all, for reading or for changing.
    assert client.get(f"/admin/users/{stranger.id}").status_code == 404
    assert (
        client.post(f"/admin/users/{stranger.id}/status", data={"action": "deactivate"}).status_code
        == 404
    )
    assert client.post(f"/admin/users/{stranger.id}/link").status_code == 404
    assert _user(app, "stranger@other.example").active


def test_role_change_applies_on_the_next_request(app, client, login_as, make_user):
    login_as("admin")
    teacher = make_user("teacher")
    teacher_client = app.test_client()
    assert login(teacher_client, teacher.email).status_code == 302
    assert teacher_client.get("/admin/").status_code == 403
    response = client.post(f"/admin/users/{teacher.id}/role", data={"role": "admin"})
    assert response.status_code == 302
    assert teacher_client.get("/admin/").status_code == 200
    client.post(f"/admin/users/{teacher.id}/role", data={"role": "teacher"})
    assert teacher_client.get("/admin/").status_code == 403
    events = _actions(app)
    assert events.count(("account.role", teacher.email)) == 2


def test_deactivate_ends_sessions_and_reactivate_restores(app, client, login_as, make_user):
    login_as("admin")
    teacher = make_user("teacher")
    teacher_client = app.test_client()
    login(teacher_client, teacher.email)
    assert teacher_client.get("/").status_code == 200
    client.post(f"/admin/users/{teacher.id}/status", data={"action": "deactivate"})
    assert teacher_client.get("/").status_code == 302  # signed out at once
    assert login(teacher_client, teacher.email).status_code == 401
    client.post(f"/admin/users/{teacher.id}/status", data={"action": "reactivate"})
    assert login(teacher_client, teacher.email).status_code == 302
    actions = [a for a, _ in _actions(app)]
    assert "account.deactivate" in actions and "account.reactivate" in actions


def test_end_all_sessions(app, client, login_as, make_user):
    login_as("admin")
    teacher = make_user("teacher")
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, teacher.email)
    login(phone, teacher.email)
    client.post(f"/admin/users/{teacher.id}/status", data={"action": "end-sessions"})
    assert laptop.get("/").status_code == 302
    assert phone.get("/").status_code == 302
    assert login(laptop, teacher.email).status_code == 302
    assert ("account.end_sessions", teacher.email) in _actions(app)
    assert client.post(f"/admin/users/{teacher.id}/status", data={"action": "x"}).status_code == 400


def test_the_last_admin_can_be_neither_deactivated_nor_demoted(app, client, login_as, make_user):
    admin = login_as("admin")
    response = client.post(
        f"/admin/users/{admin.id}/status", data={"action": "deactivate"}, follow_redirects=True
    )
    assert "last active administrator" in response.get_data(as_text=True)
    response = client.post(
        f"/admin/users/{admin.id}/role", data={"role": "teacher"}, follow_redirects=True
    )
    assert "last active administrator" in response.get_data(as_text=True)
    me = _user(app, admin.email)
    assert me.active and me.role == "admin"
    # Another school's admin does not count: each school keeps one.
    with app.app_context():
        other = Organisation(name="Other school", country="GB", paper_size="a4")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    make_user("admin", organisation_id=other_id)
    client.post(f"/admin/users/{admin.id}/role", data={"role": "teacher"})
    assert _user(app, admin.email).role == "admin"
    # With a second admin in the school, the first may step down.
    make_user("admin")
    client.post(f"/admin/users/{admin.id}/role", data={"role": "editor"})
    assert _user(app, admin.email).role == "editor"


def test_new_link_for_a_forgotten_password(app, client, login_as, make_user):
    login_as("admin")
    teacher = make_user("teacher")
    page = client.post(f"/admin/users/{teacher.id}/link").get_data(as_text=True)
    path = _link_path(page)
    other = app.test_client()
    assert login(other, teacher.email, PASSWORD).status_code == 302
    other.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    # Setting the password ended the sessions signed in with the old one.
    assert other.get("/").status_code == 302
    assert login(app.test_client(), teacher.email, NEW_PASSWORD).status_code == 302
    assert ("account.password_link", teacher.email) in _actions(app)


def test_admin_landing_page_and_navigation(client, login_as):
    login_as("admin")
    page = client.get("/admin/").get_data(as_text=True)
    assert "Administration" in page
    for url in (
        "/admin/users",
        "/admin/school",
        "/admin/audit",
        "/admin/coverage",
        "/admin/import",
    ):
        assert f'href="{url}"' in page
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin/"' in home


def test_admin_pages_have_no_inline_script_or_style(client, login_as):
    admin = login_as("admin")
    for url in (
        "/admin/",
        "/admin/users",
        "/admin/users/new",
        f"/admin/users/{admin.id}",
        "/admin/school",
        "/admin/audit",
        "/admin/import",
        "/admin/coverage",
        "/admin/backups",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert "<script>" not in page and "style=" not in page, url
