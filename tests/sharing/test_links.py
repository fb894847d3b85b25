"""Share links: made and shown once, kept as a hash, listed, revoked, audited."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from tests.conftest import login
from tests.sharing.conftest import LIBRARY_SLUG, OWN_SLUG
from toolkit.audit.models import AuditEvent
from toolkit.extensions import db
from toolkit.sharing.models import ShareLink

TOKEN = re.compile(r"/shared/([A-Za-z0-9_-]{43})\b")


def make_link(client, slug: str = OWN_SLUG, kind: str = "lesson") -> str:
    """Make a link through the page, as a teacher does; return its token."""
    response = client.post(f"/lessons/{slug}/share-links", data={"kind": kind})
    assert response.status_code == 302, response.data
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    return TOKEN.search(page).group(1)


def test_a_link_is_shown_once_and_only_its_hash_is_kept(app, client, owner):
    response = client.post(f"/lessons/{OWN_SLUG}/share-links", data={"kind": "lesson"})
    made_page = response.headers["Location"]
    first = client.get(made_page)
    assert first.headers["Cache-Control"] == "no-store"
    page = first.get_data(as_text=True)
    token = TOKEN.search(page).group(1)
    assert "readonly data-copy-source" in page and 'class="qr"' in page
    assert f"/shared/{token}/qr" in page  # the projector page
    again = client.get(made_page).get_data(as_text=True)
    assert token not in again and "shown only once" in again
    with app.app_context():
        link = db.session.scalars(select(ShareLink)).one()
        assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert (link.kind, link.version_number, link.creator_id) == ("lesson", 1, owner.id)
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action.like("share.%"))
        ).all()
        assert [(e.action, e.target) for e in events] == [("share.create", OWN_SLUG)]
        assert token not in repr(events[0].detail) and events[0].detail["link"] == link.id


def test_two_links_get_different_tokens(client, owner):
    assert make_link(client) != make_link(client)


def test_the_list_shows_my_links_and_revoking_stops_one(app, client, owner):
    token = make_link(client)
    make_link(client, LIBRARY_SLUG, "slides")
    listing = client.get("/my/shared-links").get_data(as_text=True)
    assert "The lesson" in listing and "The slides" in listing
    assert listing.count("Revoke<span") == 2 and token not in listing
    with app.app_context():
        link_id = db.session.scalars(select(ShareLink.id).where(ShareLink.kind == "lesson")).one()
    assert client.get(f"/shared/{token}").status_code == 200
    assert client.get(f"/my/shared-links/{link_id}/revoke").status_code == 405  # POST only
    response = client.post(f"/my/shared-links/{link_id}/revoke")
    assert response.status_code == 302
    assert client.get(f"/shared/{token}").status_code == 404
    assert "Revoked" in client.get("/my/shared-links").get_data(as_text=True)
    client.post(f"/my/shared-links/{link_id}/revoke")  # again: nothing more happens
    with app.app_context():
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.action == "share.revoke")
        ).all()
    assert actions == ["share.revoke"]


def test_only_the_maker_sees_or_revokes_a_link(app, client, owner, make_user):
    token = make_link(client)
    with app.app_context():
        link_id = db.session.scalars(select(ShareLink.id)).one()
    colleague = make_user("teacher")
    client.post("/logout")
    login(client, colleague.email)
    assert client.get(f"/my/shared-links/{link_id}").status_code == 404
    assert client.post(f"/my/shared-links/{link_id}/revoke").status_code == 404
    assert client.get(f"/shared/{token}").status_code == 200  # still works for them


def test_a_lesson_one_cannot_read_cannot_be_shared(client, owner, make_user):
    stranger = make_user("teacher")
    client.post("/logout")
    login(client, stranger.email)
    response = client.post(f"/lessons/{OWN_SLUG}/share-links", data={"kind": "lesson"})
    assert response.status_code == 404
    bad_kind = client.post(f"/lessons/{LIBRARY_SLUG}/share-links", data={"kind": "everything"})
    assert bad_kind.status_code == 400


def test_the_lesson_pages_offer_sharing(client, owner):
    for url in (f"/library/{LIBRARY_SLUG}", f"/lessons/{OWN_SLUG}/edit"):
        page = client.get(url).get_data(as_text=True)
        assert "Share with colleagues" in page, url
        assert 'name="csrf_token"' in page.split("Share with colleagues", 1)[1], url
