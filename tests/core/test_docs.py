"""The README documents every setting the app reads from the environment."""

from pathlib import Path

from lms_core.config import ENV_SETTINGS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_the_two_commands_come_first():
    head = README[:600]
    assert "make run" in head and "make test" in head


def test_every_environment_setting_is_in_the_readme():
    missing = [name for name in ENV_SETTINGS if f"`{name}`" not in README]
    assert missing == []
