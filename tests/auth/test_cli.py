from sqlalchemy import select

from toolkit.auth.models import User
from toolkit.extensions import db


def _create(runner, email="t@school.example", role="teacher", password="a good long password"):
    return runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            email,
            "--name",
            "Tess",
            "--role",
            role,
            "--password-stdin",
        ],
        input=password + "\n",
    )


def test_create_user_from_stdin(app, runner):
    result = _create(runner)
    assert result.exit_code == 0, result.output
    assert "Created teacher t@school.example" in result.output
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert user.password_hash.startswith("$argon2id$")


def test_create_user_with_prompted_password(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "p@school.example", "--name", "P", "--role", "editor"],
        input="a good long password\na good long password\n",
    )
    assert result.exit_code == 0, result.output


def test_duplicate_email_is_refused(runner):
    assert _create(runner).exit_code == 0
    result = _create(runner, email="T@School.example")
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_unknown_role_is_refused(runner):
    result = _create(runner, role="headteacher")
    assert result.exit_code == 2
    assert "headteacher" in result.output


def test_bad_email_and_short_password_are_refused(runner):
    result = _create(runner, email="not-an-email")
    assert result.exit_code == 1
    assert "not a valid email address" in result.output
    result = _create(runner, password="short")
    assert result.exit_code == 1
    assert "at least 10 characters" in result.output


def test_list_and_deactivate(app, runner):
    assert "No accounts yet." in runner.invoke(args=["users", "list"]).output
    _create(runner)
    _create(runner, email="boss@school.example", role="admin")
    listing = runner.invoke(args=["users", "list"]).output
    assert "boss@school.example  admin    active" in listing
    result = runner.invoke(args=["users", "deactivate", "t@school.example"])
    assert result.exit_code == 0
    assert "t@school.example     teacher  inactive" in runner.invoke(args=["users", "list"]).output


def test_deactivate_unknown_and_last_admin(runner):
    result = runner.invoke(args=["users", "deactivate", "ghost@school.example"])
    assert result.exit_code == 1
    assert "No account" in result.output
    _create(runner, email="boss@school.example", role="admin")
    result = runner.invoke(args=["users", "deactivate", "boss@school.example"])
    assert result.exit_code == 1
    assert "last active administrator" in result.output


def test_setup_creates_first_admin_once(app, runner):
    result = runner.invoke(args=["setup", "--skip-content"])
    assert result.exit_code == 0, result.output
    assert "email:    admin@example.org" in result.output
    password = result.output.split("password: ")[1].split()[0]
    client = app.test_client()
    response = client.post("/login", data={"email": "admin@example.org", "password": password})
    assert response.status_code == 302
    again = runner.invoke(args=["setup", "--skip-content"])
    assert "password:" not in again.output
