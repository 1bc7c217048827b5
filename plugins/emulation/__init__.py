"""Emulation: scores and rankings of the 2024–2030 learning-emulation campaign."""
