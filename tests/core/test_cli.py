"""The `lms` command: user accounts and the scheduler."""

import json
from datetime import timedelta

from lms_core.db import utcnow
from lms_core.extensions import db
from lms_core.identity.operations import get_user
from lms_core.organisation import queries as q
from lms_core.plugins import Job, load_plugins
from lms_core.scheduler import build_scheduler


def test_user_create_with_roles_unit_and_position(runner, make_unit, make_position, auth):
    """An HR administrator creates a unit head from the command line; they can log in."""
    unit = make_unit("KV02", kind="branch")
    make_position("CB-KTSTQ")
    result = runner.invoke(args=[
        "user", "create", "truong", "--password", "HaiQuan2025x", "--role", "officer",
        "--role", "unit_head", "--unit", "KV02", "--position", "CB-KTSTQ",
        "--name", "Lê Văn Trường"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["roles"] == ["officer", "unit_head"]
    user = get_user("truong")
    assert user.headed_unit_ids == {unit.id}
    assert q.current_assignment(user).position.code == "CB-KTSTQ"
    assert auth.login("truong", "HaiQuan2025x").status_code == 302


def test_user_create_refuses_bad_input_and_changes_nothing(runner, make_unit):
    make_unit("KV02")
    cases = [
        ["user", "create", "a1", "--password", "short"],                       # policy
        ["user", "create", "a2", "--password", "HaiQuan2025x", "--unit", "NOPE"],
        ["user", "create", "a3", "--password", "HaiQuan2025x", "--role", "unit_head"],
    ]
    for args in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 2, (args, result.output)
        assert "Error:" in result.output
    assert get_user("a1") is None and get_user("a2") is None and get_user("a3") is None


def test_user_create_refuses_a_duplicate_username(runner, make_user):
    make_user("lan")
    result = runner.invoke(args=["user", "create", "LAN", "--password", "HaiQuan2025x"])
    assert result.exit_code == 2


def test_unlock(runner, make_user, auth):
    user = make_user("lan")
    user.locked_until = utcnow() + timedelta(hours=1)
    db.session.commit()
    assert auth.login("lan").status_code == 401
    assert runner.invoke(args=["user", "unlock", "lan"]).exit_code == 0
    assert auth.login("lan").status_code == 302


def test_scheduler_runs_plugin_jobs_inside_an_app_context(app, runner):
    """Jobs contributed by plugins are scheduled and, when run, see the app."""
    from flask import current_app

    from lms_core.plugins import LmsPlugin

    ran = []

    class Ticker(LmsPlugin):
        """Ticker"""

        name = "ticker"

        def jobs(self):
            return [Job("ticker.tick", lambda: ran.append(current_app.name), "interval",
                        {"hours": 1})]

    load_plugins(app, ["ticker"], {"ticker": Ticker()})
    assert "ticker.tick" in runner.invoke(args=["scheduler", "list"]).output
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = build_scheduler(app, BackgroundScheduler)
    job = scheduler.get_job("ticker.tick")
    job.func()
    assert ran == [app.name]
