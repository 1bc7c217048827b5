"""Training effect, supervisor re-ratings and rotated officers' evaluations (being built)."""

#: (signal, receiver) pairs the plugin connects.
RECEIVERS: list = []
#: Scheduled jobs (lms_core.plugins.Job).
JOBS: list = []
