"""Demo data (being built)."""


def load(seed: int | None = None) -> str:
    return ""
