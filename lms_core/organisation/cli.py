"""``lms import ...`` (filled by the HR import)."""

import click


@click.group("import")
def import_cli():
    """Import units, positions and officers from CSV."""
