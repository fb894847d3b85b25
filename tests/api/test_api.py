"""The JSON API: token only, the library's search, lessons by country, exports, problems."""

from __future__ import annotations

import pytest

from tests.conftest import login
from tests.exports import pdfcheck
from tests.exports.lessons import make_own_lesson

PROBLEM = "application/problem+json"


def test_the_session_cookie_never_opens_the_api(client, library, login_as):
    login_as("admin")
    assert client.get("/library/").status_code == 200
    response = client.get("/api/v1/lessons")
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    problem = response.get_json()
    assert problem["status"] == 401 and problem["instance"] == "/api/v1/lessons"
    assert "Authorization: Bearer" in problem["detail"]
    # A token-like string that is not a token is refused the same way.
    wrong = client.get("/api/v1/lessons", headers={"Authorization": "Bearer olt_nope"})
    assert wrong.status_code == 401


def test_search_filters_pages_and_refuses_unknown_values_by_name(client, library, bearer):
    found = client.get("/api/v1/lessons?band=11-14&per_page=1", headers=bearer)
    body = found.get_json()
    assert found.status_code == 200 and body["total"] == 2 and body["pages"] == 2
    assert len(body["items"]) == 1 and body["next"].endswith("page=2&per_page=1")
    assert body["items"][0]["url"] == f"/api/v1/lessons/{body['items'][0]['slug']}"
    second = client.get(body["next"], headers=bearer).get_json()
    assert second["next"] is None and second["items"][0]["slug"] != body["items"][0]["slug"]

    words = client.get("/api/v1/lessons?q=getting%20help", headers=bearer).get_json()
    assert [item["slug"] for item in words["items"]][0] == "getting-help-11-14"

    unknown = client.get("/api/v1/lessons?band=99-100", headers=bearer)
    assert unknown.status_code == 400 and unknown.mimetype == PROBLEM
    assert unknown.get_json()["errors"][0]["field"] == "band"
    assert "11-14" in unknown.get_json()["errors"][0]["message"]

    typo = client.get("/api/v1/lessons?bnad=11-14&page=0", headers=bearer).get_json()
    assert {e["field"] for e in typo["errors"]} == {"bnad", "page"}
    twice = client.get("/api/v1/lessons?q=a&q=b", headers=bearer).get_json()
    assert twice["errors"] == [{"field": "q", "message": "Give this parameter once."}]


def test_a_lesson_comes_with_its_blocks_and_the_countrys_routes(client, library, bearer):
    gb = client.get("/api/v1/lessons/getting-help-11-14", headers=bearer).get_json()
    assert gb["origin"] == "library" and gb["help"]["country"] == "GB"
    assert gb["blocks"] and all(b["markdown"] and b["html"] for b in gb["blocks"])
    assert any(route["name"] == "Childline" for route in gb["help"]["for_pupils"])

    de = client.get("/api/v1/lessons/getting-help-11-14?country=de", headers=bearer).get_json()
    assert de["help"]["country"] == "DE" and de["help"]["emergency_number"] == "112"
    assert all(route["name"] != "Childline" for route in de["help"]["all"])
    assert not any("{{" in block["markdown"] for block in de["blocks"])

    nowhere = client.get("/api/v1/lessons/getting-help-11-14?country=ZZ", headers=bearer)
    assert nowhere.status_code == 400 and nowhere.get_json()["errors"][0]["field"] == "country"
    missing = client.get("/api/v1/lessons/no-such-lesson", headers=bearer)
    assert missing.status_code == 404 and missing.mimetype == PROBLEM


def test_own_lessons_are_listed_and_private_ones_stay_private(
    app, client, library, make_user, make_token
):
    owner, other = make_user("teacher"), make_user("teacher")
    make_own_lesson(app, owner.id, "my-version")
    mine = {"Authorization": f"Bearer {make_token(owner.id, scope='read')}"}
    theirs = {"Authorization": f"Bearer {make_token(other.id, scope='read')}"}
    listed = client.get("/api/v1/me/lessons", headers=mine).get_json()["items"]
    assert [(item["slug"], item["mine"]) for item in listed] == [("my-version", True)]
    assert client.get("/api/v1/lessons/my-version", headers=mine).get_json()["origin"] == "own"
    assert client.get("/api/v1/me/lessons", headers=theirs).get_json()["items"] == []
    assert client.get("/api/v1/lessons/my-version", headers=theirs).status_code == 404


def test_an_export_prints_in_the_background_and_only_its_owner_fetches_it(
    app, client, library, make_user, make_token
):
    app.config["EXPORT_JOBS_IMMEDIATE"] = True  # Huey runs the task in-process
    teacher = make_user("teacher")
    bearer = {"Authorization": f"Bearer {make_token(teacher.id)}"}
    started = client.post(
        "/api/v1/exports",
        json={"lessons": ["getting-help-11-14"], "document": "handout", "country": "IE"},
        headers=bearer,
    )
    assert started.status_code == 202, started.get_json()
    job = started.get_json()
    assert started.headers["Location"] == job["url"]
    state = client.get(job["url"], headers=bearer).get_json()
    assert state["status"] == "done" and state["options"]["country"] == "IE"
    pdf = client.get(state["file_url"], headers=bearer)
    assert pdf.mimetype == "application/pdf" and "handout" in pdf.headers["Content-Disposition"]
    assert "Pupil handout" in pdfcheck.text(pdf.get_data()) or pdfcheck.text(pdf.get_data())

    stranger = {"Authorization": f"Bearer {make_token(make_user('teacher').id)}"}
    assert client.get(job["url"], headers=stranger).status_code == 404
    assert client.get(state["file_url"], headers=stranger).status_code == 404


def test_an_export_refuses_what_the_lessons_do_not_have_and_a_read_token(
    app, client, library, make_user, make_token
):
    teacher = make_user("teacher")
    reader = {"Authorization": f"Bearer {make_token(teacher.id, scope='read')}"}
    refused = client.post(
        "/api/v1/exports", json={"lessons": ["getting-help-11-14"]}, headers=reader
    )
    assert refused.status_code == 403
    assert refused.get_json()["type"].endswith("/insufficient-scope")
    assert 'error="insufficient_scope"' in refused.headers["WWW-Authenticate"]

    writer = {"Authorization": f"Bearer {make_token(teacher.id)}"}
    sheet = {"lessons": ["getting-help-11-14"], "document": "take-home"}
    no_sheet = client.post("/api/v1/exports", json=sheet, headers=writer)
    assert no_sheet.status_code == 400 and "take-home" in no_sheet.get_json()["detail"].lower()
    empty = client.post("/api/v1/exports", json={"lessons": []}, headers=writer)
    assert empty.get_json()["errors"][0]["field"] == "lessons"
    as_form = client.post("/api/v1/exports", data={"lessons": "x"}, headers=writer)
    assert as_form.status_code == 415 and as_form.mimetype == PROBLEM
    private = client.post("/api/v1/exports", json={"lessons": ["nope"]}, headers=writer)
    assert private.status_code == 404


def test_not_ready_exports_and_unknown_paths_answer_as_problems(app, client, library, bearer):
    job = client.post(
        "/api/v1/exports", json={"lessons": ["second-lesson-11-14"]}, headers=bearer
    ).get_json()
    assert job["status"] == "queued" and job["file_url"] is None
    early = client.get(job["url"] + "/file", headers=bearer)
    assert early.status_code == 409 and early.get_json()["type"].endswith("/not-ready")
    for url, status in (("/api/v1/nothing-here", 404), ("/api/v1/exports", 405)):
        response = client.get(url, headers=bearer)
        assert response.status_code == status and response.mimetype == PROBLEM
    assert "POST" in client.get("/api/v1/exports", headers=bearer).headers["Allow"]


def test_each_token_has_a_rate_limit_told_in_headers(app, client, library, bearer):
    app.config["API_LIMIT"] = "3 per minute"
    answers = [client.get("/api/v1/me/lessons", headers=bearer) for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert [a.headers["RateLimit-Remaining"] for a in answers[:3]] == ["2", "1", "0"]
    refused = answers[3]
    assert refused.mimetype == PROBLEM and int(refused.headers["Retry-After"]) > 0
    assert "3 per minute" in refused.get_json()["detail"]


def test_guessing_tokens_is_throttled_per_address(app, client, library, bearer):
    app.config["API_FAILED_AUTH_LIMIT"] = "2 per minute"
    wrong = {"Authorization": "Bearer olt_guess"}
    codes = [client.get("/api/v1/lessons", headers=wrong).status_code for _ in range(3)]
    assert codes == [401, 401, 429]
    assert client.get("/api/v1/lessons", headers=bearer).status_code == 200


@pytest.mark.parametrize("path", ["/api/v1/lessons", "/api/v1/openapi.json"])
def test_api_answers_set_no_session_cookie(client, library, bearer, path):
    response = client.get(path, headers=bearer)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_exports_through_the_api_are_in_the_audit_trail(app, client, library, make_user):
    from sqlalchemy import select

    from toolkit.audit.models import AuditEvent
    from toolkit.extensions import db

    admin = make_user("admin")
    login(client, admin.email)
    made = client.post(
        "/account/tokens/", data={"name": "platform", "scope": "export"}, follow_redirects=True
    )
    secret = made.get_data(as_text=True).split('value="olt_')[1].split('"')[0]
    client.post("/logout")
    headers = {"Authorization": f"Bearer olt_{secret}"}
    client.post("/api/v1/exports", json={"lessons": ["getting-help-11-14"]}, headers=headers)
    with app.app_context():
        actions = db.session.execute(
            select(AuditEvent.action, AuditEvent.actor_id).order_by(AuditEvent.id)
        ).all()
    assert ("api_token.create", admin.id) in actions
    assert ("export.pack_started", admin.id) in actions
    with app.app_context():
        started = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "export.pack_started")
        ).one()
        assert started.detail["via"] == "api"


def test_a_unit_cartridge_is_made_in_the_background_and_fetched(
    app, client, library, make_user, make_token
):
    import io
    import zipfile

    from toolkit.cartridge.check import check_cartridge

    app.config["EXPORT_JOBS_IMMEDIATE"] = True
    bearer = {"Authorization": f"Bearer {make_token(make_user('teacher').id)}"}
    body = {
        "lessons": ["getting-help-11-14", "second-lesson-11-14"],
        "output": "cartridge-1.1",
        "title": "Year 8 online safety",
    }
    job = client.post("/api/v1/exports", json=body, headers=bearer).get_json()
    assert job["output"] == "cartridge-1.1"
    state = client.get(job["url"], headers=bearer).get_json()
    assert state["status"] == "done", state
    made = client.get(state["file_url"], headers=bearer)
    assert made.mimetype == "application/vnd.ims.imsccv1p1"
    assert ".imscc" in made.headers["Content-Disposition"]
    data = made.get_data()
    assert check_cartridge(data, "1.1") == []
    manifest = zipfile.ZipFile(io.BytesIO(data)).read("imsmanifest.xml").decode()
    assert "Year 8 online safety" in manifest
    odd = client.post("/api/v1/exports", json={**body, "output": "scorm"}, headers=bearer)
    assert odd.status_code == 400 and odd.get_json()["errors"][0]["field"] == "output"


def test_odd_bodies_and_parameters_are_refused_by_name(app, client, library, bearer):
    deep = "[" * 5000 + "]" * 5000
    for url in ("/api/v1/exports", "/login"):
        nested = client.post(url, data=deep, content_type="application/json", headers=bearer)
        assert nested.status_code == 400, url
    assert (
        "nested too deeply"
        in client.post(
            "/api/v1/exports", data=deep, content_type="application/json", headers=bearer
        ).get_json()["detail"]
    )
    big = {"lessons": ["getting-help-11-14"], "title": "x" * 70_000}
    too_big = client.post("/api/v1/exports", json=big, headers=bearer)
    assert too_big.status_code == 413 and too_big.mimetype == PROBLEM
    for body in ("null", "[]", '"lessons"'):
        answer = client.post(
            "/api/v1/exports", data=body, content_type="application/json", headers=bearer
        )
        assert answer.get_json()["detail"] == "The body must be a JSON object.", body
    extra = client.get("/api/v1/me/lessons?foo=1", headers=bearer)
    assert extra.status_code == 400 and extra.get_json()["errors"][0]["field"] == "foo"
    nameless = client.get("/api/v1/lessons?=x", headers=bearer)
    assert (
        nameless.status_code == 400 and nameless.get_json()["detail"] == "A parameter has no name."
    )
    duration = client.get("/api/v1/lessons?duration=abc", headers=bearer).get_json()["errors"]
    assert duration == [
        {
            "field": "duration",
            "message": "Not one of the allowed values: 'short', 'standard', 'long' or 'extended'.",
        }
    ]
    long_slug = client.get("/api/v1/lessons/" + "a" * 5000, headers=bearer)
    assert long_slug.status_code == 404 and long_slug.get_data().count(b"a" * 5000) == 1
    unknown = client.post(
        "/api/v1/exports",
        json={"lessons": ["getting-help-11-14", "nope"], "country": "XX"},
        headers=bearer,
    ).get_json()
    assert unknown["errors"][0]["field"] == "lessons.1"


def test_one_person_may_have_three_exports_waiting(app, client, library, make_user, make_token):
    first = {"Authorization": f"Bearer {make_token(make_user('teacher').id)}"}
    body = {"lessons": ["getting-help-11-14"], "document": "handout"}
    started = [client.post("/api/v1/exports", json=body, headers=first) for _ in range(4)]
    assert [a.status_code for a in started] == [202, 202, 202, 429]
    refused = started[3].get_json()
    assert refused["type"].endswith("/too-many-exports") and "3 packs" in refused["detail"]
    # Someone else still gets in line, and is told the queue is busy, not that it is down.
    second = {"Authorization": f"Bearer {make_token(make_user('teacher').id)}"}
    job = client.post("/api/v1/exports", json=body, headers=second).get_json()
    from toolkit.exports.models import ExportJob, JobStatus
    from toolkit.extensions import db
    from toolkit.timeutil import utcnow

    with app.app_context():
        running = db.session.get(ExportJob, started[0].get_json()["id"])
        running.status, running.heartbeat_at = JobStatus.RUNNING, utcnow()
        db.session.commit()
    app.config["EXPORT_JOB_QUEUE_WAIT_SECONDS"] = 0
    state = client.get(job["url"], headers=second).get_json()
    assert state["message"] == "Waiting: 3 packs are ahead of this one in the print queue."
