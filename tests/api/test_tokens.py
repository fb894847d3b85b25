"""Personal access tokens: made on the account page, shown once, hashed, revocable, audited."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.conftest import login
from toolkit.api.models import ApiToken
from toolkit.audit.models import AuditEvent
from toolkit.auth.models import User
from toolkit.extensions import db


def _secret(page: str) -> str:
    return re.search(r'id="new-token"[^>]*value="(olt_[^"]+)"', page)[1]


def test_a_token_is_shown_once_stored_only_as_a_hash_and_audited(app, client, login_as):
    login_as("teacher")
    assert "You have no tokens." in client.get("/account/tokens/").get_data(as_text=True)
    made = client.post(
        "/account/tokens/", data={"name": "Moodle sync", "scope": "read", "lifetime": "30"}
    )
    assert made.status_code == 302  # reloading the page that shows it makes no second token
    shown = client.get(made.headers["Location"])
    assert shown.headers["Cache-Control"] == "no-store"
    secret = _secret(shown.get_data(as_text=True))
    assert len(secret) > 40
    listing = client.get("/account/tokens/").get_data(as_text=True)
    assert "Moodle sync" in listing and secret not in listing and secret[:10] in listing

    with app.app_context():
        row = db.session.scalars(select(ApiToken)).one()
        assert secret not in (row.token_hash, row.prefix) and len(row.token_hash) == 64
        assert row.expires_at - row.created_at == timedelta(days=30)
        event = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("api_%"))).one()
        assert event.action == "api_token.create" and secret not in str(event.detail)

    me = client.get("/api/v1/me/lessons", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200


def test_a_revoked_expired_or_deactivated_token_stops_working(app, client, login_as, make_token):
    teacher = login_as("teacher")
    secrets = [make_token(teacher.id) for _ in range(3)]
    calls = [{"Authorization": f"Bearer {s}"} for s in secrets]
    assert all(client.get("/api/v1/me/lessons", headers=h).status_code == 200 for h in calls)

    with app.app_context():
        first, second, _ = db.session.scalars(select(ApiToken).order_by(ApiToken.id)).all()
        first_id = first.id
        second.expires_at = second.created_at - timedelta(seconds=1)
        db.session.commit()
    assert client.post(f"/account/tokens/{first_id}/revoke").status_code == 302
    assert client.get("/api/v1/me/lessons", headers=calls[0]).status_code == 401
    assert client.get("/api/v1/me/lessons", headers=calls[1]).status_code == 401
    assert client.get("/api/v1/me/lessons", headers=calls[2]).status_code == 200

    with app.app_context():
        db.session.get(User, teacher.id).active = False
        db.session.commit()
        assert db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.action == "api_token.revoke")
        )
    assert client.get("/api/v1/me/lessons", headers=calls[2]).status_code == 401


def test_nobody_revokes_another_users_token(app, client, make_user, make_token):
    owner, other = make_user("teacher"), make_user("admin")
    secret = make_token(owner.id)
    login(client, other.email)
    with app.app_context():
        token_id = db.session.scalars(select(ApiToken.id)).one()
    response = client.post(f"/account/tokens/{token_id}/revoke", follow_redirects=True)
    assert "not found among yours" in response.get_data(as_text=True)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get("/api/v1/me/lessons", headers=headers).status_code == 200


def test_a_token_needs_a_name_and_a_known_scope(client, login_as):
    login_as("teacher")
    blank = client.post("/account/tokens/", data={"name": " ", "scope": "read"})
    assert blank.status_code == 400 and "This field is required" in blank.get_data(as_text=True)
    odd = client.post("/account/tokens/", data={"name": "x", "scope": "admin"})
    assert odd.status_code == 400 and "olt_" not in odd.get_data(as_text=True)


def test_a_user_has_at_most_twenty_tokens(client, login_as, make_token):
    teacher = login_as("teacher")
    for _ in range(20):
        make_token(teacher.id)
    refused = client.post("/account/tokens/", data={"name": "one more", "scope": "read"})
    assert refused.status_code == 400
    assert "revoke one you no longer use" in refused.get_data(as_text=True)


def test_an_administrator_ends_a_users_tokens_with_their_sessions(
    app, client, make_user, make_token
):
    admin, teacher = make_user("admin"), make_user("teacher")
    first, second = make_token(teacher.id), make_token(teacher.id)
    login(client, admin.email)
    ended = client.post(
        f"/admin/users/{teacher.id}/status", data={"action": "end-sessions"}, follow_redirects=True
    )
    assert "2 API tokens revoked" in ended.get_data(as_text=True)
    for secret in (first, second):
        headers = {"Authorization": f"Bearer {secret}"}
        assert client.get("/api/v1/me/lessons", headers=headers).status_code == 401
    # Deactivating revokes them too: reactivating the account does not bring them back.
    third = make_token(teacher.id)
    client.post(f"/admin/users/{teacher.id}/status", data={"action": "deactivate"})
    client.post(f"/admin/users/{teacher.id}/status", data={"action": "reactivate"})
    headers = {"Authorization": f"Bearer {third}"}
    assert client.get("/api/v1/me/lessons", headers=headers).status_code == 401
