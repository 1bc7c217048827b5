"""Commands: (being built)."""

from plugins.competency.cli import competency_cli  # noqa: F401
