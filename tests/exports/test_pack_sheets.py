"""Packs: a cover that names itself, and each document starting on a new sheet when asked."""

from __future__ import annotations

from tests.exports import pdfcheck


def _pack(client, **extra) -> bytes:
    response = client.post(
        "/packs",
        data={
            "lesson": ["getting-help-11-14", "second-lesson-11-14"],
            "document": "pack",
            "paper": "a4",
            "variant": "standard",
            "country": "GB",
            **extra,
        },
    )
    assert response.status_code == 302
    status = client.get(response.headers["Location"] + "/status").get_json()
    assert status["status"] == "done", status
    download = client.get(status["download"])
    pdf = download.get_data()
    download.close()
    return pdf


def _document_starts(reader) -> list[int]:
    """1-based first pages of every document (the bookmarks under each lesson's)."""
    starts = []
    for item in reader.outline[2:]:  # after the cover's bookmark and its "Contents"
        if isinstance(item, list):
            starts.extend(
                reader.get_destination_page_number(kid) + 1
                for kid in item
                if not isinstance(kid, list)  # a document's own headings
            )
    return starts


def test_each_document_starts_on_a_right_hand_page_by_default(app, client, teacher):
    app.config["EXPORT_JOBS_IMMEDIATE"] = True
    page = client.get("/packs").get_data(as_text=True)
    assert 'name="new_sheet"' in page and 'value="yes" selected' in page

    reader = pdfcheck.reader(_pack(client))
    starts = _document_starts(reader)
    assert len(starts) >= 6  # plan, handout, cards, letter of one; the other's documents
    assert all(start % 2 == 1 for start in starts), starts
    # Blank left-hand pages carry the page number only, no running header of another document.
    blanks = [p for p in reader.pages if "/StructParents" not in p]  # no tagged content
    assert blanks and all(p.extract_text().split()[0::2] == ["page", "of"] for p in blanks)

    plain = pdfcheck.reader(_pack(client, new_sheet="no"))
    assert len(plain.pages) < len(reader.pages)
    assert any(start % 2 == 0 for start in _document_starts(plain))


def test_the_cover_is_headed_and_bookmarked_as_the_pack_not_contents(app, client, teacher):
    app.config["EXPORT_JOBS_IMMEDIATE"] = True
    reader = pdfcheck.reader(_pack(client))
    first, contents = reader.outline[0], reader.outline[1]
    assert first.title == "Unit pack"
    assert [kid.title for kid in contents] == ["Contents"]
    cover = reader.pages[0].extract_text()
    assert "Unit pack" in cover.splitlines()[0] or "Unit pack" in cover
    assert "Contents" not in cover.split("Unit pack: 2 lessons")[0]


def test_the_new_sheet_option_is_read_and_checked():
    from toolkit.exports.options import ExportOptions, OptionError

    read = ExportOptions.from_values
    assert read({}, "a4", "GB", {"GB"}).new_sheet is True  # on unless asked otherwise
    assert read({"new_sheet": "no"}, "a4", "GB", {"GB"}).new_sheet is False
    assert ExportOptions(**{"new_sheet": "no"}).as_dict()["new_sheet"] == "no"  # stored jobs
    try:
        read({"new_sheet": "maybe"}, "a4", "GB", {"GB"})
    except OptionError as error:
        assert "new_sheet" in str(error)
    else:
        raise AssertionError("an unknown value was accepted")
