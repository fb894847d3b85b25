"""Unit packs run as a job on the task queue, report progress and are kept for download."""

from __future__ import annotations

import re

from tests.conftest import login
from tests.exports import pdfcheck


def test_unit_pack_job_runs_with_progress_cover_contents_bookmarks_and_page_numbers(
    app, client, teacher, make_user
):
    app.config["EXPORT_JOBS_IMMEDIATE"] = True  # Huey runs the task in-process
    page = client.get("/packs")
    assert page.status_code == 200
    assert 'value="getting-help-11-14"' in page.get_data(as_text=True)

    response = client.post(
        "/packs",
        data={
            "lesson": ["getting-help-11-14", "second-lesson-11-14"],
            "document": "pack",
            "paper": "a4",
            "variant": "standard",
            "country": "GB",
        },
    )
    assert response.status_code == 302
    job_url = response.headers["Location"]
    assert "<progress" in client.get(job_url).get_data(as_text=True)
    status = client.get(job_url + "/status").get_json()
    assert status["status"] == "done", status
    assert status["done"] == status["total"] == 2

    download = client.get(status["download"])
    pdf = download.get_data()
    download.close()
    assert (
        "unit-pack-2-lessons-lesson-pack-a4-standard-gb" in download.headers["Content-Disposition"]
    )
    reader = pdfcheck.reader(pdf)
    text = pdfcheck.text(pdf)
    pages = len(reader.pages)
    assert "Unit pack: 2 lessons" in text and "Contents" in text
    assert f"page 1 of {pages}" in text and f"page {pages} of {pages}" in text
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Getting help" in titles and "Test lesson second-lesson-11-14" in titles
    # The contents' page numbers point at the pages where the lessons start.
    lesson = next(item for item in reader.outline if getattr(item, "title", "") == "Getting help")
    start = reader.get_destination_page_number(lesson) + 1
    contents = reader.pages[1].extract_text()
    assert f"page {start}" in contents
    assert "Getting help" in reader.pages[start - 1].extract_text()
    listed = {int(n) for n in re.findall(r"page (\d+)\n", contents)}
    assert start in listed and max(listed) <= pages
    # Tags survive the merge: unique parent-tree keys, pages point into the tree.
    root = reader.trailer["/Root"]
    nums = root["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    keys = [int(nums[i]) for i in range(0, len(nums), 2)]
    assert len(keys) == len(set(keys))
    page_keys = [int(p["/StructParents"]) for p in reader.pages if "/StructParents" in p]
    assert len(page_keys) == pages and set(page_keys) <= set(keys)
    assert pdfcheck.embedded_files(pdf) == []

    other = make_user("teacher")
    client.post("/logout")
    login(client, other.email)
    assert client.get(job_url).status_code == 404
    assert client.get(status["download"]).status_code == 404


def test_pack_needs_lessons_and_only_readable_ones(app, client, teacher):
    app.config["EXPORT_JOBS_IMMEDIATE"] = True
    response = client.post("/packs", data={"document": "pack"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/packs")
    response = client.post("/packs", data={"lesson": ["no-such-lesson"], "document": "pack"})
    assert response.status_code == 404
