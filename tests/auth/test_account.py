from tests.conftest import PASSWORD, login


def test_change_password_ends_other_sessions_but_not_this_one(app, make_user):
    user = make_user()
    mine, other = app.test_client(), app.test_client()
    login(mine, user.email)
    login(other, user.email)
    bad = mine.post("/account/", data={"current": "wrong", "new": "x" * 12, "confirm": "x" * 12})
    assert "That is not your current password." in bad.get_data(as_text=True)
    mismatch = mine.post(
        "/account/", data={"current": PASSWORD, "new": "y" * 12, "confirm": "z" * 12}
    )
    assert "The two do not match." in mismatch.get_data(as_text=True)
    response = mine.post(
        "/account/",
        data={"current": PASSWORD, "new": "a new long password", "confirm": "a new long password"},
    )
    assert response.status_code == 302
    assert mine.get("/").status_code == 200
    assert other.get("/").status_code == 302  # signed out elsewhere
    mine.post("/logout")
    assert login(mine, user.email).status_code == 401
    assert login(mine, user.email, "a new long password").status_code == 302
