"""Errors reach users as clear messages in their language, never as stack traces."""

import pytest

from lms_core import create_app
from lms_core.errors import abort_with


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Trang này không tồn tại" in response.get_data(as_text=True)


def test_api_clients_get_json(client):
    response = client.get("/no/such/page", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["error"] == 404 and response.json["message"]


def test_an_unexpected_failure_shows_no_stack_trace(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.route("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = client.get("/boom")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "secret internals" not in body and "Traceback" not in body
    assert "Đã có lỗi" in body


def test_our_own_message_replaces_the_generic_text(app, client):
    @app.route("/refuse")
    def refuse():
        abort_with(409, "Khoá học đã được sửa bởi người khác.")

    response = client.get("/refuse")
    assert response.status_code == 409
    assert "Khoá học đã được sửa bởi người khác." in response.get_data(as_text=True)


@pytest.fixture
def csrf_client(template_db, tmp_path):
    import shutil

    shutil.copy(template_db, tmp_path / "c.db")
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'c.db'}",
                                 "WTF_CSRF_ENABLED": True})
    with app.app_context():
        yield app.test_client()
        from lms_core.extensions import db

        db.engine.dispose()


def test_a_post_without_csrf_token_is_refused(csrf_client):
    """State-changing forms need the CSRF token; without it nothing happens."""
    response = csrf_client.post("/login", data={"username": "x", "password": "y"})
    assert response.status_code == 400
    assert "Tải lại trang" in response.get_data(as_text=True) or \
        "tải lại trang" in response.get_data(as_text=True)


def test_the_login_page_carries_a_csrf_token(csrf_client):
    assert 'name="csrf_token"' in csrf_client.get("/login").get_data(as_text=True)
