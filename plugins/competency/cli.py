"""``lms competency ...``: the plugin's commands (each module adds its own)."""

from flask.cli import AppGroup

competency_cli = AppGroup("competency", help="Competency frameworks, profiles, assessments, gaps.")

from plugins.competency import (  # noqa: E402,F401
    assessment_cli,
    effect_cli,
    frameworks_cli,
    gaps_cli,
)
