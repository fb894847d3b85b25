"""Who a link opens for: colleagues of the maker's school, signed in; nobody else, and nothing
beyond the one lesson."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import login
from tests.sharing.conftest import LIBRARY_SLUG, OWN_SLUG
from tests.sharing.test_links import make_link
from toolkit.auth.models import Organisation, User
from toolkit.extensions import db
from toolkit.sharing.models import ShareLink

LINK_PAGES = ("", "/slides", "/qr", "/qr.svg", "/qr.png", "/plan.pdf", "/handout/ready")


def sign_in_as(client, account) -> None:
    client.post("/logout")
    assert login(client, account.email).status_code == 302


def other_school_teacher(app, make_user):
    with app.app_context():
        other = Organisation(name="Other school", country="GB", paper_size="a4")
        db.session.add(other)
        db.session.commit()
        other_id = other.id
    return make_user("teacher", organisation_id=other_id)


def test_a_colleague_reads_a_private_lesson_through_the_link_only(app, client, owner, make_user):
    token = make_link(client)
    own_view = client.get(f"/shared/{token}")  # the maker's own look is not counted
    assert own_view.status_code == 200
    sign_in_as(client, make_user("teacher"))
    response = client.get(f"/shared/{token}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "Getting help (adapted)" in page and "Shared by <strong>Teacher Person</strong>" in page
    assert "read only" in page and "Version 1" in page
    assert f"/shared/{token}/slides" in page and f"/shared/{token}/handout.pdf" in page
    # No edit controls: no editor, no adapt or share form, no form at all but signing out.
    assert "/edit" not in page and "Share with colleagues" not in page
    assert page.count("<form") == 1 and 'action="/logout"' in page
    slides = client.get(f"/shared/{token}/slides")
    assert slides.status_code == 200 and "Back to the shared lesson" in slides.get_data(True)
    with app.app_context():
        assert db.session.scalars(select(ShareLink.opened)).one() == 1
    # The link grants nothing beyond itself: the lesson's own routes stay closed to them.
    for url in ("export", "slides", "export.pdf?document=plan", "edit", "history", "bundle.zip"):
        assert client.get(f"/lessons/{OWN_SLUG}/{url}").status_code == 404, url


def test_a_shared_document_downloads_as_a_pdf(client, owner, make_user):
    token = make_link(client)
    sign_in_as(client, make_user("teacher"))
    response = client.get(f"/shared/{token}/handout.pdf")
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/pdf" and response.data[:5] == b"%PDF-"
    response.close()
    assert client.get(f"/shared/{token}/pack.pdf").status_code == 404
    assert client.get(f"/shared/{token}/take-home.pdf").status_code == 404  # not this lesson's


def test_the_projector_page_and_the_qr_files(client, owner, make_user):
    token = make_link(client)
    sign_in_as(client, make_user("teacher"))
    page = client.get(f"/shared/{token}/qr").get_data(as_text=True)
    assert 'class="qr"' in page and "Getting help (adapted)" in page
    assert f"localhost/shared/{token}</p>" in page  # the short link under the code
    svg = client.get(f"/shared/{token}/qr.svg")
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    png = client.get(f"/shared/{token}/qr.png")
    assert png.mimetype == "image/png" and png.data[:8] == b"\x89PNG\r\n\x1a\n"
    assert "attachment" in png.headers["Content-Disposition"]


def test_a_slides_link_opens_the_presenter_and_no_documents(client, owner, make_user):
    token = make_link(client, LIBRARY_SLUG, "slides")
    sign_in_as(client, make_user("teacher"))
    page = client.get(f"/shared/{token}").get_data(as_text=True)
    assert 'class="slide ' in page and "/static/js/presenter.js" in page
    assert client.get(f"/shared/{token}/plan.pdf").status_code == 404


def test_another_school_a_revoked_link_and_an_unknown_token_all_get_404(
    app, client, owner, make_user
):
    token = make_link(client)
    revoked = make_link(client)
    with app.app_context():
        link = db.session.scalars(select(ShareLink).order_by(ShareLink.id.desc())).first()
        link_id = link.id
    client.post(f"/my/shared-links/{link_id}/revoke")
    sign_in_as(client, other_school_teacher(app, make_user))
    for suffix in LINK_PAGES:
        assert client.get(f"/shared/{token}{suffix}").status_code == 404, suffix
    sign_in_as(client, make_user("teacher"))
    for suffix in LINK_PAGES:
        assert client.get(f"/shared/{revoked}{suffix}").status_code == 404, suffix
        assert client.get(f"/shared/{'A' * 43}{suffix}").status_code == 404, suffix
        assert client.get(f"/shared/{token[:-1]}{suffix}").status_code == 404, suffix


@pytest.mark.parametrize("suffix", LINK_PAGES)
def test_a_signed_out_visitor_is_sent_to_sign_in_and_sees_nothing(client, owner, suffix):
    token = make_link(client)
    client.post("/logout")
    response = client.get(f"/shared/{token}{suffix}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert b"Getting help" not in response.data


def test_a_link_stops_when_its_maker_leaves_or_loses_the_lesson(app, client, owner, make_user):
    token = make_link(client)
    library_token = make_link(client, LIBRARY_SLUG)
    sign_in_as(client, make_user("teacher"))
    with app.app_context():
        db.session.get(User, owner.id).active = False
        db.session.commit()
    assert client.get(f"/shared/{token}").status_code == 404
    assert client.get(f"/shared/{library_token}").status_code == 404
