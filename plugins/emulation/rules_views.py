"""Views: (being built)."""

from plugins.emulation.blueprint import bp  # noqa: F401
