"""The one Alembic history builds the schema from empty, on SQLite and PostgreSQL, and agrees
with the models."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms_core import create_app
from lms_core.extensions import db


def _upgrade_and_diff(url: str):
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": url, "LMS_PLUGINS": "all"})
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, db.metadata)
            tables = set(sa.inspect(conn).get_table_names())
        db.engine.dispose()
    return app, diff, tables


def _assert_complete(diff, tables):
    assert diff == [], f"models and migrations disagree: {diff}"
    assert {"users", "units", "unit_versions", "assignments", "job_positions"} <= tables
    assert set(db.metadata.tables) <= tables


def test_upgrade_from_empty_on_sqlite(tmp_path):
    """``lms db upgrade`` on an empty SQLite file builds every table the models declare."""
    _app, diff, tables = _upgrade_and_diff(f"sqlite:///{tmp_path / 'empty.db'}")
    _assert_complete(diff, tables)


@pytest.mark.postgres
def test_upgrade_from_empty_on_postgres(postgres_url):
    """The same history on a real PostgreSQL 15 server."""
    _app, diff, tables = _upgrade_and_diff(postgres_url)
    _assert_complete(diff, tables)


@pytest.mark.postgres
def test_downgrade_to_base_and_up_again_on_postgres(postgres_url):
    """Every migration can be undone, so a failed upgrade can be rolled back."""
    app, _diff, _tables = _upgrade_and_diff(postgres_url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    with app.app_context():
        assert "users" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    with app.app_context():
        assert "users" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_sqlite_runs_in_wal_mode(app):
    """The embedded database uses write-ahead logging, so readers never wait for a writer."""
    assert db.session.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
    assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
