"""``lms emulation ...``: the plugin's commands (each module adds its own)."""

from flask.cli import AppGroup

emulation_cli = AppGroup("emulation", help="The learning-emulation campaign: rules, scores.")

from plugins.emulation import review_cli, rules_cli, scoring_cli  # noqa: E402,F401
