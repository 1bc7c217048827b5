"""Scores of officers and units per period (being built)."""

#: (signal, receiver) pairs the plugin connects.
RECEIVERS: list = []
#: Scheduled jobs (lms_core.plugins.Job).
JOBS: list = []
