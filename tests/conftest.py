"""Shared fixtures.

Every test gets its own app and its own SQLite database, copied from a template that the
real migrations built once per session (so tests run against the migrated schema). Set
``LMS_PLUGINS=none`` to run the core suite with no plugin loaded.
"""

from __future__ import annotations

import os
import shutil
from datetime import date

import pytest

from lms_core import create_app
from lms_core.extensions import db

PASSWORD = "Matkhau2026"  #: the password of every user the factories create


def _plugins_setting() -> str:
    return os.environ.get("LMS_PLUGINS", "all")


@pytest.fixture(scope="session")
def template_db(tmp_path_factory):
    """A SQLite file holding the schema built by ``lms db upgrade``."""
    from flask_migrate import upgrade

    path = tmp_path_factory.mktemp("template") / "template.db"
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                                 "LMS_PLUGINS": "all"})
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def app(template_db, tmp_path):
    path = tmp_path / "lms.db"
    shutil.copy(template_db, path)
    app = create_app("testing", {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
        "LMS_PLUGINS": _plugins_setting(),
    })
    app.before_request(_fresh_request_state)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def _fresh_request_state():
    """The test keeps one app context open, and Flask reuses it for the test client's
    requests; in production each request has its own. Forget what Flask-Login and
    Flask-Babel cached on ``g`` in an earlier request, as a new request would."""
    from flask import g

    for key in ("_login_user", "babel_locale", "babel_translations", "babel_tzinfo"):
        g.pop(key, None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self.client = client

    def login(self, username: str, password: str = PASSWORD):
        return self.client.post("/login", data={"username": username, "password": password})

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def make_unit(app):
    """``make_unit(code, parent=None, kind="team", on=date(2024, 1, 1))`` -> Unit."""
    from lms_core.organisation import operations as ops

    def make(code, parent=None, kind="team", on=date(2024, 1, 1), name_vi=None, name_en=None):
        unit = ops.create_unit(code, name_vi or f"Đơn vị {code}", name_en or f"Unit {code}",
                               kind, parent=parent, on=on)
        db.session.commit()
        return unit

    return make


@pytest.fixture
def make_position(app):
    from lms_core.organisation import operations as ops

    def make(code, name_vi=None, name_en=None, **kwargs):
        pos = ops.save_position(code, name_vi or f"Vị trí {code}", name_en or f"Position {code}",
                                **kwargs)
        db.session.commit()
        return pos

    return make


@pytest.fixture
def make_user(app):
    """``make_user(username, roles=("officer",), unit=None, position=None, heads=None,
    start_on=date(2024, 1, 1))`` -> User with password :data:`PASSWORD`."""
    from lms_core.identity import operations as ops
    from lms_core.identity import roles as R
    from lms_core.organisation import operations as org_ops

    def make(username, roles=(R.OFFICER,), unit=None, position=None, heads=None,
             start_on=date(2024, 1, 1), full_name=None):
        user = ops.create_user(username, full_name or f"Cán bộ {username}", password=PASSWORD,
                               roles=[r for r in roles if r != R.UNIT_HEAD])
        if heads is not None:
            ops.grant_role(user, R.UNIT_HEAD, heads.id)
        if unit is not None:
            org_ops.assign(user, unit, position, start_on=start_on)
        db.session.commit()
        return user

    return make


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL 15 server started for this test session (skipped, saying why, where the
    server binaries are missing; CI installs them)."""
    from tests.pgserver import PostgresServer, find_bindir

    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL 15 server binaries not found (apt-get install postgresql-15)")
    server = PostgresServer(bindir)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server, request):
    """A new, empty PostgreSQL database for one test."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    postgres_server.drop_database(name)
    url = postgres_server.create_database(name)
    yield url
    postgres_server.drop_database(name)


SAMPLE_QUIZ = """\
pass_mark: 70
attempts: 2
draw: 3
questions:
  - id: q1
    type: single
    text: "Thời hạn kiểm tra sau thông quan là bao lâu?"
    choices:
      - text: "05 năm kể từ ngày đăng ký tờ khai"
        correct: true
      - text: "01 năm"
    explanation: "Điều 77 Luật Hải quan."
  - id: q2
    type: multiple
    text: "Những phương pháp nào là phương pháp xác định trị giá?"
    choices:
      - {text: "Trị giá giao dịch", correct: true}
      - {text: "Trị giá khấu trừ", correct: true}
      - {text: "Giá bán lẻ trong nước"}
  - id: q3
    type: true_false
    text: "Luồng đỏ là kiểm tra thực tế hàng hoá."
    answer: true
  - id: q4
    type: short_answer
    text: "Tên hệ thống thông quan tự động?"
    answers: ["VNACCS"]
"""


def write_package(root, code="TEST-101", *, quiz=SAMPLE_QUIZ, extra_yaml="", lessons=None,
                  min_minutes=0, prerequisites=()):
    """Write a small valid course package (two readings and a quiz) under ``root/code``."""
    from pathlib import Path

    folder = Path(root) / code
    (folder / "lessons").mkdir(parents=True, exist_ok=True)
    (folder / "quizzes").mkdir(exist_ok=True)
    (folder / "lessons" / "01.md").write_text(
        "# Khái niệm\n\nHải quan là cơ quan **quản lý nhà nước**.\n\n<!-- en -->\n\n"
        "# Concepts\n\nCustoms is a **state** agency.\n", encoding="utf-8")
    (folder / "lessons" / "02.md").write_text("# Quy trình\n\n1. Tiếp nhận\n2. Kiểm tra\n",
                                              encoding="utf-8")
    (folder / "quizzes" / "final.yaml").write_text(quiz, encoding="utf-8")
    lessons = lessons or """\
      - kind: text
        title: {vi: "Khái niệm", en: "Concepts"}
        file: lessons/01.md
        minutes: 10
      - kind: text
        title: {vi: "Quy trình", en: "Process"}
        file: lessons/02.md
        minutes: 10
"""
    prereq = "prerequisites: [" + ", ".join(prerequisites) + "]\n" if prerequisites else ""
    (folder / "course.yaml").write_text(f"""\
format: 1
code: {code}
title: {{vi: "Khoá học thử {code}", en: "Test course {code}"}}
description: {{vi: "Mô tả khoá học về thuế xuất khẩu", en: "About export duties"}}
estimated_hours: 1
tags: [nghiep-vu]
{prereq}competencies:
  - {{code: KTSTQ.01, level: 1}}
completion: {{lessons: all, quiz_passed: true, min_minutes: {min_minutes}}}
modules:
  - title: {{vi: "Chương 1", en: "Chapter 1"}}
    lessons:
{lessons}  - title: {{vi: "Kiểm tra", en: "Test"}}
    lessons:
      - kind: quiz
        title: {{vi: "Bài kiểm tra", en: "Test"}}
        file: quizzes/final.yaml
        minutes: 10
{extra_yaml}""", encoding="utf-8")
    return folder


@pytest.fixture
def make_course(app, tmp_path):
    """``make_course(code="TEST-101", publish=True, **package_options)`` -> Course, imported
    from a small package written by :func:`write_package`."""
    from lms_core.courses import operations as course_ops
    from lms_core.courses.package import import_package, open_package

    def make(code="TEST-101", publish=True, **options):
        folder = write_package(tmp_path / "packages", code, **options)
        result = import_package(open_package(folder))
        if publish:
            course_ops.publish(result.version)
        db.session.commit()
        return result.version.course

    return make
