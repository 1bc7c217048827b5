"""Login, logout, lock-out, password change."""

from datetime import timedelta

import pytest

from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.identity.models import User
from tests.conftest import PASSWORD


def test_login_and_logout(client, auth, make_user):
    """A user logs in, reaches the dashboard, logs out and is sent back to the login page."""
    make_user("lan", full_name="Nguyễn Thị Lan")
    response = auth.login("lan")
    assert response.status_code == 302 and response.location.endswith("/dashboard")
    page = client.get("/dashboard")
    assert "Nguyễn Thị Lan" in page.get_data(as_text=True)
    auth.logout()
    assert client.get("/dashboard").status_code == 302


def test_login_by_personnel_code_is_case_insensitive(auth, make_user):
    make_user("lan")
    assert auth.login("LAN").status_code == 302


@pytest.mark.parametrize("username,password", [("lan", "wrong-pass-1"), ("nobody", PASSWORD)])
def test_wrong_password_and_unknown_user_get_the_same_message(auth, make_user, username, password):
    """The message does not reveal whether the account exists; the page is in Vietnamese."""
    make_user("lan")
    response = auth.login(username, password)
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)


def test_account_locks_after_repeated_failures(app, auth, make_user):
    """Five failures lock the account; even the right password is refused until it expires."""
    make_user("lan")
    for _ in range(app.config["LMS_LOGIN_MAX_FAILURES"]):
        auth.login("lan", "wrong-pass-1")
    response = auth.login("lan")
    assert response.status_code == 401
    assert "bị khoá" in response.get_data(as_text=True)
    user = db.session.scalar(db.select(User).filter_by(username="lan"))
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert auth.login("lan").status_code == 302


def test_success_resets_the_failure_count(app, auth, make_user):
    make_user("lan")
    for _ in range(app.config["LMS_LOGIN_MAX_FAILURES"] - 1):
        auth.login("lan", "wrong-pass-1")
    assert auth.login("lan").status_code == 302
    auth.logout()
    auth.login("lan", "wrong-pass-1")
    assert auth.login("lan").status_code == 302


def test_open_redirect_is_refused(client, make_user):
    make_user("lan")
    response = client.post("/login?next=https://evil.example/x",
                           data={"username": "lan", "password": PASSWORD})
    assert response.location.endswith("/dashboard")


@pytest.mark.parametrize("new,message", [
    ("short1", "ít nhất 10 ký tự"),
    ("onlyletterslong", "cả chữ và số"),
    ("lan123456789", "không được chứa tên đăng nhập"),
])
def test_password_policy(client, auth, make_user, new, message):
    make_user("lan")
    auth.login("lan")
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": new, "confirm": new})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    auth.logout()
    assert auth.login("lan").status_code == 302  # nothing changed


def test_password_change(client, auth, make_user):
    make_user("lan")
    auth.login("lan")
    response = client.post("/account/password", data={
        "current_password": PASSWORD, "password": "HaiQuan2030x", "confirm": "HaiQuan2030x"})
    assert response.status_code == 302
    auth.logout()
    assert auth.login("lan").status_code == 401
    assert auth.login("lan", "HaiQuan2030x").status_code == 302


def test_password_change_needs_the_current_password(client, auth, make_user):
    make_user("lan")
    auth.login("lan")
    response = client.post("/account/password", data={
        "current_password": "not-it-123", "password": "HaiQuan2030x", "confirm": "HaiQuan2030x"})
    assert response.status_code == 400
    assert "Mật khẩu hiện tại không đúng" in response.get_data(as_text=True)


def test_english_switch(client, auth, make_user):
    """Vietnamese by default; the switch turns the interface to English for the session."""
    make_user("lan")
    auth.login("lan")
    assert "Bảng điều khiển" in client.get("/dashboard").get_data(as_text=True)
    client.post("/lang/en", data={"next": "/dashboard"})
    assert "Dashboard" in client.get("/dashboard").get_data(as_text=True)


def test_an_initial_password_must_be_changed_before_anything_else(client, auth, make_user):
    """HR gave the first password: until the officer picks their own, every page leads to
    the password form."""
    user = make_user("lan")
    user.must_change_password = True
    db.session.commit()
    auth.login("lan")
    for path in ("/dashboard", "/courses", "/my-learning"):
        response = client.get(path)
        assert response.status_code == 302 and response.location.endswith("/account/password")
    assert client.get("/account/password").status_code == 200
    client.post("/account/password", data={
        "current_password": PASSWORD, "password": "HaiQuan2030x", "confirm": "HaiQuan2030x"})
    assert client.get("/dashboard").status_code == 200
