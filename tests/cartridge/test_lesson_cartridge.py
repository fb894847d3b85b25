"""A lesson downloads as a Common Cartridge in either profile, and passes the check."""

from __future__ import annotations

import re

from lxml import etree
from sqlalchemy import select

from tests.cartridge.zips import SLUG, download, manifest, members
from tests.exports.lessons import make_own_lesson
from toolkit.audit.models import AuditEvent
from toolkit.cartridge.check import check_cartridge
from toolkit.cartridge.profiles import SPECS, Profile
from toolkit.exports import services
from toolkit.exports.viewmodel import help_routes
from toolkit.extensions import db

OPTIONS = {"paper": "letter", "variant": "large-print", "country": "GB"}


def _resources(root, spec) -> dict[str, etree._Element]:
    return {r.get("href") or r[-1].get("href"): r for r in root.iter(f"{{{spec.cp}}}resource")}


def _is_teacher_only(resource, spec) -> bool:
    values = resource.findall(f".//{{{spec.lom_resource}}}value")
    return [v.text for v in values] == ["Instructor"]


def test_both_profiles_pass_the_check_with_the_bundles_files_and_teacher_only_marks(
    app, client, teacher
):
    for profile, spec in SPECS.items():
        url = f"/lessons/{SLUG}/cartridge.imscc"
        response, data = download(client, url, profile=profile.value, **OPTIONS)
        assert response.status_code == 200 and response.mimetype == spec.mimetype
        expected = f"{SLUG}-common-cartridge-{profile.value}-letter-large-print-gb-v1.imscc"
        assert expected in response.headers["Content-Disposition"]
        assert check_cartridge(data, profile.value) == []
        assert check_cartridge(data) == []  # the profile found from the manifest's namespace
        root = manifest(data)
        assert root.tag == f"{{{spec.cp}}}manifest"
        assert root.findtext(f"{{{spec.cp}}}metadata/{{{spec.cp}}}schemaversion") == (
            spec.schemaversion
        )
        files = members(data)
        resources = _resources(root, spec)
        hidden = sorted(path for path, r in resources.items() if _is_teacher_only(r, spec))
        assert [p.rsplit("/", 1)[-1] for p in hidden if p.endswith(".pdf")] == [
            f"{SLUG}-teacher-plan-letter-large-print-gb-v1.pdf"
        ]
        assert sum(p.endswith(".docx") for p in hidden) == 4  # plan, handout, cards, letter
        assert any(p.endswith(".pptx") for p in hidden)
        shown = [p for p, r in resources.items() if not _is_teacher_only(r, spec)]
        assert any("pupil-handout" in p for p in shown) and f"{SLUG}/page.html" in shown
        handout = next(p for p in files if p.endswith("pupil-handout-letter-large-print-gb-v1.pdf"))
        single = download(client, f"/lessons/{SLUG}/export.pdf", document="handout", **OPTIONS)[1]
        assert files[handout] == single  # the same PDF as the single download
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export.cartridge")
        ).all()
        assert [e.detail["profile"] for e in events] == ["1.1", "1.3"]
        assert events[0].target == SLUG and events[0].detail["variant"] == "large-print"


def test_the_page_stands_alone_and_the_web_links_are_the_pupils_routes_with_an_address(
    app, client, teacher
):
    _, data = download(client, f"/lessons/{SLUG}/cartridge.imscc", profile="1.3", country="GB")
    files = members(data)
    page = files[f"{SLUG}/page.html"].decode()
    assert '<html lang="en">' in page and "<style>" in page
    assert "default-src 'none'" in page  # its own policy: nothing loaded from anywhere
    assert not re.search(r"<(link|script|iframe)\b", page)
    assert not re.search(r'src="(?!data:)', page)
    with app.app_context():
        pupils = help_routes(services.country_data("GB"), "11-14").for_pupils
    spec = SPECS[Profile.CC_1_3]
    links = {
        etree.fromstring(body).find(f"{{{spec.weblink}}}url").get("href")
        for name, body in files.items()
        if "/links/" in name
    }
    assert links == {r.web for r in pupils if r.web}
    assert not any(link.startswith("tel:") for link in links)
    for route in pupils:
        assert route.name in page  # every route is on the page, with or without an address
        if route.phone:
            assert f'href="tel:{re.sub(r"[^0-9+]", "", route.phone)}"' in page


def test_access_profile_and_options_are_checked(library, app, client, login_as, make_user):
    owner = login_as("teacher")
    make_own_lesson(app, owner.id, "my-getting-help")
    url = "/lessons/my-getting-help/cartridge.imscc"
    response, data = download(client, url, profile="1.1")
    assert response.status_code == 200 and check_cartridge(data) == []
    assert download(client, url, profile="2.0")[0].status_code == 400
    assert download(client, url, profile="1.1", variant="neon")[0].status_code == 400

    stranger = make_user("teacher")
    client.post("/logout")
    client.post(
        "/login", data={"email": stranger.email, "password": "correct horse battery staple"}
    )
    assert download(client, url, profile="1.1")[0].status_code == 404
    client.post("/logout")
    assert download(client, f"/lessons/{SLUG}/cartridge.imscc", profile="1.1")[0].status_code in (
        302,
        401,
    )


def test_the_export_page_offers_both_profiles(client, teacher):
    page = client.get(f"/lessons/{SLUG}/export").get_data(as_text=True)
    assert "For Moodle (Common Cartridge 1.1)" in page
    assert "For Canvas and others (Common Cartridge 1.3)" in page
    assert f'formaction="/lessons/{SLUG}/cartridge.imscc"' in page
