"""What a request carries is checked once for every route: huge ids and NUL characters."""

import io

import pytest

from tests.builder.conftest import adapt, editor_fields, library  # noqa: F401  (fixture)
from toolkit.inputs import MAX_INTEGER, whole_number

HUGE = "99999999999999999999"  # 20 digits: more than even a 64-bit integer holds


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("GET", f"/admin/users/{HUGE}"),
        ("POST", f"/admin/users/{HUGE}/role"),
        ("POST", f"/admin/users/{HUGE}/status"),
        ("POST", f"/admin/users/{HUGE}/link"),
        ("GET", f"/review/{HUGE}"),
        ("POST", f"/review/{HUGE}/decide"),
        ("POST", f"/review/library/pressure-11-14/revert/{HUGE}"),
        ("POST", f"/lessons/pressure-11-14/restore/{HUGE}"),
        ("GET", f"/admin/users/{MAX_INTEGER + 1}"),
    ],
)
def test_ids_beyond_a_database_integer_are_not_found(client, login_as, method, url):
    login_as("admin")
    assert client.open(url, method=method).status_code == 404


def test_the_largest_database_integer_is_still_an_id(client, login_as):
    login_as("admin")
    assert client.get(f"/admin/users/{MAX_INTEGER}").status_code == 404  # looked up, none


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("POST", "/login", {"email": "a\x00@school.example", "password": "x"}),
        ("GET", "/library/?q=sex%00ting", None),
        ("GET", "/library/?band=11-14%00", None),
        ("GET", "/my/lessons?q=%00", None),
        ("GET", "/admin/users?q=%00", None),
        ("GET", "/admin/audit?user=%00&action=login", None),
        ("GET", "/admin/audit.csv?action=%00", None),
        ("GET", "/library/pressure%00-11-14", None),
        ("POST", "/admin/school", {"name": "Hill\x00 School", "country": "GB"}),
        ("POST", "/admin/users/new", {"name": "A", "email": "x@y.example", "\x00": "z"}),
    ],
)
def test_a_nul_character_anywhere_is_refused_with_a_message(client, login_as, method, url, data):
    login_as("admin")
    response = client.open(url, method=method, data=data)
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)


@pytest.mark.usefixtures("library")
def test_a_nul_character_in_a_block_text_is_refused(client, login_as):
    login_as("teacher")
    slug = adapt(client)
    fields = editor_fields(client, slug)
    for route in ("edit", "autosave"):
        response = client.post(f"/lessons/{slug}/{route}", data={**fields, "body-2": "Think\x00"})
        assert response.status_code == 400, route


def test_a_nul_character_in_an_uploaded_file_name_is_refused(client, login_as):
    login_as("admin")
    response = client.post("/admin/import", data={"archive": (io.BytesIO(b"PK"), "lib\x00.zip")})
    assert response.status_code == 400


def test_whole_number_takes_plain_digits_within_bounds():
    assert whole_number("42") == 42
    assert whole_number(" 7 ", 1, 10) == 7
    for text in ("", "x", "1.5", "-1", "²", "١", "1_000", HUGE, "9" * 5000, None, "0"):
        assert whole_number(text, 1) is None, text
