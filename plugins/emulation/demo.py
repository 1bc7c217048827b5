"""The emulation plugin's demo data: the campaign and its rules, clusters, and a learning
history from January 2024 to today."""

from __future__ import annotations


def load(seed: int) -> str:
    from plugins.emulation import demo_history, demo_rules

    parts = [demo_rules.load(), demo_history.load(seed)]
    return "; ".join(p for p in parts if p)
