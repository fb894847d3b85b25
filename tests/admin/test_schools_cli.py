"""`toolkit schools ...`: several schools in one installation."""

from sqlalchemy import select

from toolkit.auth.models import Organisation
from toolkit.extensions import db


def test_create_and_list_schools(app, runner, make_user):
    make_user("admin")  # the first school
    result = runner.invoke(args=["schools", "create", "Riverside Primary", "--country", "ie"])
    assert result.exit_code == 0, result.output
    assert "Riverside Primary (IE)" in result.output
    with app.app_context():
        school = db.session.scalars(
            select(Organisation).where(Organisation.name == "Riverside Primary")
        ).one()
        assert (school.country, school.paper_size) == ("IE", "a4")
    listing = runner.invoke(args=["schools", "list"]).output
    assert "Riverside Primary" in listing and "1 accounts" in listing
    again = runner.invoke(args=["schools", "create", "Riverside Primary", "--country", "IE"])
    assert again.exit_code != 0 and "already a school" in again.output
    bad = runner.invoke(args=["schools", "create", "X", "--country", "Ireland"])
    assert bad.exit_code != 0 and "two-letter" in bad.output


def test_users_create_in_another_school(app, runner, make_user):
    make_user("admin")
    runner.invoke(args=["schools", "create", "Second", "--country", "GB"])
    with app.app_context():
        school = db.session.scalars(select(Organisation).where(Organisation.name == "Second")).one()
        school_id = school.id
    args = ["users", "create", "--email", "head@second.example", "--name", "Head"]
    result = runner.invoke(
        args=[*args, "--role", "admin", "--password-stdin", "--school", str(school_id)],
        input="a long password 123\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        from toolkit.auth.services import find_user

        assert find_user("head@second.example").organisation_id == school_id
    other = ["users", "create", "--email", "x@y.example", "--name", "X", "--role", "teacher"]
    missing = runner.invoke(
        args=[*other, "--password-stdin", "--school", "999"], input="a long password 123\n"
    )
    assert missing.exit_code != 0 and "No school with the id 999" in missing.output
