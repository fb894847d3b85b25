"""The audit trail: filters, CSV that cannot forge rows or run formulas, retention."""

import csv
import io
import json
from datetime import timedelta

from sqlalchemy import func, select

from tests.conftest import login
from toolkit.audit.models import AuditEvent
from toolkit.audit.services import AuditFilter, csv_cell, events_csv, prune, record
from toolkit.extensions import db
from toolkit.timeutil import utcnow

EVIL = '=HYPERLINK("http://evil.example","click")\r\n2026-01-01 00:00:00,admin@x,login.success'


def _add(app, action, target="", at=None, detail=None, organisation_id=None):
    with app.app_context():
        event = record(action, target=target, detail=detail, organisation_id=organisation_id)
        if at is not None:
            event.at = at
        db.session.commit()


def test_failed_sign_in_never_stores_what_was_typed_for_an_unknown_account(app, client, runner):
    login(client, "my secret password 123", "wrong password")
    result = runner.invoke(args=["audit", "list", "--action", "login.failure", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [row["target"] for row in json.loads(result.output)] == ["(unknown account)"]
    assert "my secret password" not in result.output


def test_a_forged_line_in_a_user_supplied_value_stays_one_row(app, client, login_as):
    admin = login_as("admin")
    # Any user-supplied value, e.g. a lesson title.
    _add(app, "login.failure", target=EVIL, organisation_id=admin.organisation_id)
    response = client.get("/admin/audit.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    failures = [r for r in rows if r[2] == "login.failure"]
    assert len(failures) == 1
    target = failures[0][3]
    # The formula is neutralised and the newline kept inside the quoted cell.
    assert target.lower().startswith("'=hyperlink")
    assert "\r\n2026-01-01" in target or "\n2026-01-01" in target
    assert not any(r[0].startswith("2026-01-01") for r in rows)
    # The page shows it escaped, in its own row.
    page = client.get("/admin/audit?action=login.failure").get_data(as_text=True)
    assert "&#34;http://evil.example&#34;" in page or "&quot;http://evil.example&quot;" in page


def test_csv_cell_neutralises_every_formula_prefix():
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(value).startswith("'")
    assert csv_cell("plain text") == "plain text"


def test_filters_by_user_action_and_date(app, client, login_as):
    admin = login_as("admin")
    now = utcnow()
    school = admin.organisation_id
    _add(app, "content.load", target="old", at=now - timedelta(days=10), organisation_id=school)
    _add(app, "content.load", target="recent", at=now - timedelta(days=1), organisation_id=school)
    page = client.get("/admin/audit?action=content.load").get_data(as_text=True)
    assert "old" in page and "recent" in page
    since = (now - timedelta(days=3)).date().isoformat()
    page = client.get(f"/admin/audit?action=content.load&since={since}").get_data(as_text=True)
    assert ">recent<" in page and ">old<" not in page
    until = (now - timedelta(days=5)).date().isoformat()
    page = client.get(f"/admin/audit?until={until}").get_data(as_text=True)
    assert ">old<" in page and ">recent<" not in page
    page = client.get(f"/admin/audit?user={admin.email}&action=login.success").get_data(
        as_text=True
    )
    assert "1 event." in page
    csv_text = client.get(f"/admin/audit.csv?action=content.load&since={since}").get_data(
        as_text=True
    )
    assert "recent" in csv_text and ",old," not in csv_text
    with app.app_context():
        assert (
            db.session.scalar(select(func.count()).where(AuditEvent.action == "audit.export")) == 1
        )


def test_admins_see_their_own_school_only_not_the_installation(
    app, client, runner, login_as, make_user
):
    from toolkit.auth.models import Organisation

    admin = login_as("admin")  # the first school
    with app.app_context():
        other = Organisation(name="Other", country="GB", paper_size="a4")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    outsider = make_user("teacher", email="outsider@other.example", organisation_id=other_id)
    login(app.test_client(), outsider.email)
    # Events of no school: a school created on the command line, and a failed sign-in of an
    # unknown email, with the address it came from.
    assert (
        runner.invoke(args=["schools", "create", "Secret Academy", "--country", "GB"]).exit_code
        == 0
    )
    login(app.test_client(), "nobody@unknown.example", "wrong password")
    login(app.test_client(), admin.email, "wrong password")  # this school admin's failure

    page = client.get("/admin/audit").get_data(as_text=True)
    csv_text = client.get("/admin/audit.csv").get_data(as_text=True)
    for shown in (page, csv_text):
        assert "outsider@other.example" not in shown
        assert "Secret Academy" not in shown and "school.create" not in shown
        assert "(unknown account)" not in shown
        assert admin.email in shown  # the school's own events, its failed sign-in among them
    assert "login.failure" in csv_text
    filtered = client.get("/admin/audit?action=school.create").get_data(as_text=True)
    assert "0 events." in filtered

    # Whoever runs the installation reads them on the command line.
    result = runner.invoke(args=["audit", "list", "--installation"])
    assert result.exit_code == 0, result.output
    assert "(installation)  (nobody signed in)  school.create  Secret Academy" in result.output
    assert "login.failure  (unknown account)  from 127.0.0.1" in result.output
    assert admin.email not in result.output
    school = runner.invoke(args=["audit", "list", "--school", str(other_id), "--format", "json"])
    rows = json.loads(school.output)
    assert {row["school"] for row in rows} == {"Other"} and rows[0]["who"] == outsider.email
    everything = runner.invoke(args=["audit", "list", "--limit", "100"]).output
    assert "Secret Academy" in everything and outsider.email in everything
    assert admin.email in everything


def test_cli_list_refuses_bad_filters_and_escapes_control_characters(app, runner):
    _add(app, "login.failure", target="forged\n2026-01-01 00:00:00  admin@x\x1b[31m")
    result = runner.invoke(args=["audit", "list", "--installation"])
    assert result.exit_code == 0
    assert "forged\\n2026-01-01 00:00:00  admin@x\\x1b[31m" in result.output
    assert "\x1b" not in result.output
    both = runner.invoke(args=["audit", "list", "--installation", "--school", "1"])
    assert both.exit_code != 0 and "not both" in both.output
    assert runner.invoke(args=["audit", "list", "--school", "999"]).exit_code != 0
    assert runner.invoke(args=["audit", "list", "--since", "soon"]).exit_code != 0


def test_prune_removes_only_old_events_and_records_itself(app, runner):
    now = utcnow()
    _add(app, "x.old", at=now - timedelta(days=800))
    _add(app, "x.new", at=now - timedelta(days=5))
    result = runner.invoke(args=["audit", "prune"])
    assert result.exit_code == 0, result.output
    assert "Removed 1 audit events older than 730 days" in result.output
    with app.app_context():
        actions = set(db.session.scalars(select(AuditEvent.action)))
    assert actions == {"x.new", "audit.prune"}
    result = runner.invoke(args=["audit", "prune", "--days", "2"])
    assert "Removed 1" in result.output


def test_prune_refuses_zero_days(ctx):
    import pytest

    with pytest.raises(ValueError):
        prune(0)


def test_cli_export_writes_csv(app, runner, tmp_path):
    _add(app, "content.load", target="-cmd|' /C calc'!A0", detail={"n": 1})
    out = tmp_path / "audit.csv"
    result = runner.invoke(args=["audit", "export", "--since", "2000-01-01", "-o", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["when_utc", "who", "action", "target", "detail", "from"]
    assert rows[1][3] == "'-cmd|' /C calc'!A0"
    assert rows[1][5] == "cli"
    bad = runner.invoke(args=["audit", "export", "--since", "yesterday", "-o", str(out)])
    assert bad.exit_code != 0


def test_events_csv_streams_in_order(ctx):
    for n in range(3):
        record("n.test", target=str(n))
    db.session.commit()
    text = "".join(events_csv(AuditFilter(action="n.test")))
    assert [r[3] for r in csv.reader(io.StringIO(text))][1:] == ["0", "1", "2"]


def test_last_possible_date_and_huge_page_numbers_are_read(app, client, login_as):
    admin = login_as("admin")
    day = utcnow().replace(hour=23, minute=59, second=59, microsecond=500_000)
    _add(app, "content.load", target="late", at=day, organisation_id=admin.organisation_id)
    for query in (
        "until=9999-12-31",
        f"until={day.date().isoformat()}",
        "page=99999999999999999999",
        "page=-3",
        "page=" + "9" * 5000,
    ):
        response = client.get(f"/admin/audit?action=content.load&{query}")
        assert response.status_code == 200, query
        assert ">late<" in response.get_data(as_text=True), query
    response = client.get("/admin/audit.csv?until=9999-12-31")
    assert response.status_code == 200 and "late" in response.get_data(as_text=True)
