"""Views: (being built)."""

from plugins.competency.blueprint import bp  # noqa: F401
