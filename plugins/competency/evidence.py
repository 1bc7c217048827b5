"""Evidence of officers' levels and the rule that decides the current level (being built)."""

#: (signal, receiver) pairs the plugin connects.
RECEIVERS: list = []
