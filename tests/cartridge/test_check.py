"""The structural check finds what is wrong with a cartridge, and says where."""

from __future__ import annotations

import pytest
from lxml import etree

from tests.cartridge.zips import SLUG, download, members, rezip
from toolkit.cartridge.check import check_cartridge, weblink_problems
from toolkit.cartridge.profiles import SPECS, Profile

SPEC = SPECS[Profile.CC_1_1]


@pytest.fixture
def good(client, teacher) -> dict[str, bytes]:
    _, data = download(client, f"/lessons/{SLUG}/cartridge.imscc", profile="1.1")
    assert check_cartridge(data) == []
    return members(data)


def _edit_manifest(files: dict[str, bytes], edit) -> bytes:
    root = etree.fromstring(files["imsmanifest.xml"])
    edit(root)
    return rezip({**files, "imsmanifest.xml": etree.tostring(root)})


def _q(tag: str) -> str:
    return f"{{{SPEC.cp}}}{tag}"


def test_a_missing_file_and_an_extra_file_are_found(good):
    handout = next(name for name in good if "pupil-handout" in name and name.endswith(".pdf"))
    missing = rezip({k: v for k, v in good.items() if k != handout})
    (problem,) = check_cartridge(missing)
    assert problem.file == "imsmanifest.xml" and handout in problem.element
    assert "not in the package" in problem.message

    extra = rezip({**good, f"{SLUG}/notes.txt": b"left over"})
    (problem,) = check_cartridge(extra)
    assert problem.file == f"{SLUG}/notes.txt" and "named by no resource" in problem.message


def test_a_dangling_identifierref_and_a_repeated_identifier_are_found(good):
    def dangle(root):
        item = next(i for i in root.iter(_q("item")) if i.get("identifierref"))
        item.set("identifierref", "RES9999")

    problems = check_cartridge(_edit_manifest(good, dangle))
    assert any("'RES9999' names no resource" in p.message for p in problems)
    assert all(p.file == "imsmanifest.xml" for p in problems)
    assert any("item[@identifier=" in p.element for p in problems)

    def repeat(root):
        items = [i for i in root.iter(_q("item")) if i.get("identifierref")]
        items[1].set("identifier", items[0].get("identifier"))

    problems = check_cartridge(_edit_manifest(good, repeat))
    assert any("used 2 times" in p.message for p in problems)


def test_a_broken_weblink_is_found_in_its_own_file(good):
    name = next(n for n in good if "/links/" in n)
    root = etree.fromstring(good[name])
    root.find(f"{{{SPEC.weblink}}}url").set("href", "javascript:alert(1)")
    (problem,) = check_cartridge(rezip({**good, name: etree.tostring(root)}))
    assert problem.file == name and problem.element == "webLink"
    assert "not an http(s) address" in problem.message

    other = SPECS[Profile.CC_1_3]  # a 1.3 web link inside a 1.1 cartridge
    wrong = good[name].replace(SPEC.weblink.encode(), other.weblink.encode())
    (problem,) = check_cartridge(rezip({**good, name: wrong}))
    assert problem.file == name and "expected {" + SPEC.weblink in problem.message
    assert check_cartridge(rezip({**good, name: b"<webLink"}))[0].message.startswith(
        "not well-formed"
    )


def test_the_manifests_sequence_is_the_schemas(good):
    def swap(root):
        root.append(root.find(_q("organizations")))  # after the resources

    problems = check_cartridge(_edit_manifest(good, swap))
    assert [p.message for p in problems] == [
        "holds ['metadata', 'resources', 'organizations'], expected the order "
        "['metadata', 'organizations', 'resources']"
    ]


def test_the_profile_asked_for_must_be_the_manifests(good):
    problems = check_cartridge(rezip(good), "1.3")
    assert len(problems) == 1 and "Common Cartridge 1.3" in problems[0].message


def test_a_weblink_needs_a_title_then_an_address():
    spec = SPECS[Profile.CC_1_3]
    ns = spec.weblink
    fine = f'<webLink xmlns="{ns}"><title>Childline</title><url href="https://www.childline.org.uk/"/></webLink>'
    assert weblink_problems(spec, fine.encode()) == []
    no_title = f'<webLink xmlns="{ns}"><url href="https://x.example/"/></webLink>'
    assert "expected a title then a url" in weblink_problems(spec, no_title.encode())[0]
    phone = f'<webLink xmlns="{ns}"><title>Childline</title><url href="tel:08001111"/></webLink>'
    assert "not an http(s) address" in weblink_problems(spec, phone.encode())[0]


def test_what_is_not_a_cartridge_says_so():
    assert "not a zip file" in check_cartridge(b"PK not really")[0].message
    assert "missing" in check_cartridge(rezip({"a.txt": b"x"}))[0].message
    unknown = rezip({"imsmanifest.xml": b'<manifest xmlns="urn:other"/>'})
    assert "not a Common Cartridge 1.1 or 1.3 manifest" in check_cartridge(unknown)[0].message
