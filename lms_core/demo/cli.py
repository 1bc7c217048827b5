"""``lms demo ...`` (filled by the demo data generator)."""

import click


@click.group("demo")
def demo_cli():
    """Demo data."""
