"""Gaps between required and achieved levels (being built)."""

#: (signal, receiver) pairs the plugin connects.
RECEIVERS: list = []
