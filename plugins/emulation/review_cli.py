"""Commands: (being built)."""

from plugins.emulation.cli import emulation_cli  # noqa: F401
