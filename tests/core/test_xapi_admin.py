"""The HR administrators' xAPI pages: forwarding status and settings, dead letters, clients."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import uuid

import pytest
import sqlalchemy as sa

from lms_core.extensions import db
from lms_core.identity import roles as R
from lms_core.xapi import clients
from lms_core.xapi import forwarding as fwd
from lms_core.xapi.statements import record
from tests.core import test_xapi_forwarding as forwarding_tests
from tests.core.test_xapi_forwarding import later, statement, store

# The second LRS, the fault proxy and the forwarding set-up of the forwarding tests.
receiver = forwarding_tests.receiver
proxy = forwarding_tests.proxy
forwarding_to = forwarding_tests.forwarding_to

PAGES = ["/admin/xapi/", "/admin/xapi/forwarding", "/admin/xapi/clients",
         "/admin/xapi/clients/new"]


@pytest.fixture
def hr(make_user, auth):
    """An HR administrator, logged in."""
    user = make_user("quantri", roles=(R.OFFICER, R.HR_ADMIN), full_name="Quản trị Nhân sự")
    auth.login("quantri")
    return user


def _text(response) -> str:
    return response.get_data(as_text=True)


def _lrs_status(app, key, secret) -> int:
    auth = base64.b64encode(f"{key}:{secret}".encode()).decode()
    return app.test_client().get("/xapi/statements", headers={
        "Authorization": f"Basic {auth}", "X-Experience-API-Version": "1.0.3"}).status_code


@pytest.mark.parametrize("roles", [(R.OFFICER,), (R.OFFICER, R.AUTHOR), (R.OFFICER, R.UNIT_HEAD)])
def test_only_hr_administrators_open_the_pages(client, auth, make_user, make_unit, roles):
    """Officers, training staff and unit heads get 403 on every page and action."""
    unit = make_unit("DOI-1")
    make_user("nguoidung", roles=roles, unit=unit,
              heads=unit if R.UNIT_HEAD in roles else None)
    auth.login("nguoidung")
    for page in PAGES:
        assert client.get(page).status_code == 403, page
    key = clients.create_client("Nội dung", ["statements/write"])[0].key
    db.session.commit()
    for action in ("/admin/xapi/forwarding", "/admin/xapi/clients/new",
                   "/admin/xapi/dead-letters/retry", f"/admin/xapi/clients/{key}/deactivate"):
        assert client.post(action, data={"name": "x", "scopes": ["all"]}).status_code == 403
    assert db.session.scalar(sa.select(clients.XapiClient.active)) is True
    assert fwd.saved_target() is None


def test_anonymous_visitors_are_sent_to_log_in(client):
    """Without a session every page redirects to the login page."""
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


# -- forwarding ----------------------------------------------------------------------------------
def test_settings_are_saved_and_the_secret_never_shown(client, hr):
    """The secret is saved, replaced only when typed again, and appears on no page."""
    form = {"enabled": "y", "endpoint": "https://lrs.phantich.customs.gov.vn/xapi",
            "key": "hoc-tap-hq", "secret": "Bi-mat-rat-dai-2026", "version": "2.0.0",
            "batch_size": "25"}
    response = client.post("/admin/xapi/forwarding", data=form)
    assert response.status_code == 302
    target = fwd.saved_target()
    assert (target.endpoint, target.key, target.secret, target.version, target.batch_size,
            target.enabled) == ("https://lrs.phantich.customs.gov.vn/xapi/", "hoc-tap-hq",
                                "Bi-mat-rat-dai-2026", "2.0.0", 25, True)
    for page in ("/admin/xapi/", "/admin/xapi/forwarding"):
        html = _text(client.get(page))
        assert "Bi-mat-rat-dai-2026" not in html
        assert "lrs.phantich.customs.gov.vn" in html
    assert "Đã lưu một khoá bí mật" in _text(client.get("/admin/xapi/forwarding"))

    client.post("/admin/xapi/forwarding", data={**form, "secret": "", "batch_size": "30"})
    db.session.expire_all()
    assert (fwd.saved_target().secret, fwd.saved_target().batch_size) == (
        "Bi-mat-rat-dai-2026", 30)


@pytest.mark.parametrize("change, message", [
    ({"endpoint": "lrs.example"}, "http:// hoặc https://"),
    ({"batch_size": "0"}, "từ 1 đến 500"),
    ({"batch_size": "nhiều"}, "từ 1 đến 500"),
    ({"secret": ""}, "khoá bí mật"),
])
def test_bad_settings_are_shown_on_the_form_and_change_nothing(client, hr, change, message):
    """A refused form answers 400 with the reason in Vietnamese; nothing is saved."""
    form = {"enabled": "y", "endpoint": "https://lrs.example.gov.vn/xapi/", "key": "k",
            "secret": "s", "version": "1.0.3", "batch_size": "10", **change}
    response = client.post("/admin/xapi/forwarding", data=form)
    assert response.status_code == 400
    assert message in _text(response)
    assert fwd.saved_target() is None


def test_the_overview_shows_backlog_and_failures(app, client, hr, receiver, proxy,
                                                 forwarding_to):
    """Statements waiting after an outage are counted and listed with the reason."""
    forwarding_to(batch_size=2)
    proxy.set_mode("unavailable")
    ids = store(3)
    fwd.forward_pending(now=later())
    html = _text(client.get("/admin/xapi/"))
    assert re.search(r'data-backlog="pending">3<', html)
    assert re.search(r'data-backlog="retrying">2<', html)
    assert "HTTP 503: maintenance" in html
    assert ids[0] in html and ids[1] in html
    assert "Bản ghi tồn đọng" in html or "Tồn đọng" in html
    assert receiver.secret not in html


def test_dead_letters_are_listed_with_the_reason_and_can_be_retried(
        app, client, hr, receiver, proxy, forwarding_to):
    """A statement the receiver refused is shown with its reason; retry queues it again, and
    once the receiver accepts it, it is delivered."""
    forwarding_to(batch_size=5)
    clash = str(uuid.uuid4())
    assert receiver.post(json.loads(statement(99, clash).to_json())).status_code == 200
    record(statement(1, clash))
    store(2, start=2)
    fwd.forward_pending(now=later())
    (dead,) = fwd.dead_letters()
    html = _text(client.get("/admin/xapi/"))
    assert clash in html and "already stored with other content" in html
    assert re.search(r'data-backlog="dead">1<', html)

    response = client.post(f"/admin/xapi/dead-letters/{dead.id}/retry")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(fwd.OutboxEntry, dead.id).state == "pending"
    assert client.post(f"/admin/xapi/dead-letters/{dead.id}/retry").status_code == 404

    fwd.forward_pending(now=later(minutes=1))
    assert fwd.backlog().dead == 1  # still refused: parked again
    assert client.post("/admin/xapi/dead-letters/retry").status_code == 302
    db.session.expire_all()
    assert fwd.backlog().dead == 0 and fwd.backlog().pending == 1


# -- clients -------------------------------------------------------------------------------------
def test_a_client_is_created_with_its_secret_shown_once(app, client, hr):
    """Creation shows the key and secret once; the list shows the key, never the secret."""
    response = client.post("/admin/xapi/clients/new", data={
        "name": "Nội dung cmi5 của nhà cung cấp", "scopes": ["statements/write",
                                                             "statements/read/mine"]})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    html = _text(response)
    key = re.search(r'id="client-key">([^<]+)<', html).group(1)
    secret = re.search(r'id="client-secret">([^<]+)<', html).group(1)
    row = db.session.scalar(sa.select(clients.XapiClient))
    assert (row.key, row.scopes) == (key, ["statements/write", "statements/read/mine"])
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in row.secret_hash
    listing = _text(client.get("/admin/xapi/clients"))
    assert key in listing and secret not in listing
    assert "Nội dung cmi5 của nhà cung cấp" in listing
    assert _lrs_status(app, key, secret) == 200


@pytest.mark.parametrize("form", [{"name": "Không có phạm vi"}, {"scopes": ["all"]},
                                  {"name": "x", "scopes": ["everything"]}])
def test_a_client_needs_a_name_and_known_scopes(client, hr, form):
    """A missing name or scope, or an unknown scope: 400 and no client."""
    response = client.post("/admin/xapi/clients/new", data=form)
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count()).select_from(clients.XapiClient)) == 0


def test_a_client_is_deactivated_and_reactivated(app, client, hr):
    """A deactivated client's credentials are refused by the LRS until it is reactivated."""
    created, secret = clients.create_client("Công cụ báo cáo", ["statements/read"])
    key = created.key
    db.session.commit()
    assert client.post(f"/admin/xapi/clients/{key}/deactivate").status_code == 302
    assert _lrs_status(app, key, secret) == 401
    assert "Kích hoạt lại" in _text(client.get("/admin/xapi/clients"))
    assert client.post(f"/admin/xapi/clients/{key}/reactivate").status_code == 302
    assert _lrs_status(app, key, secret) == 200
    assert client.post("/admin/xapi/clients/khong-co/deactivate").status_code == 404


def test_pages_speak_vietnamese_first(client, hr):
    """The pages are in Vietnamese by default."""
    assert "Chuyển tiếp" in _text(client.get("/admin/xapi/"))
    assert "Tạo ứng dụng khách" in _text(client.get("/admin/xapi/clients/new"))
