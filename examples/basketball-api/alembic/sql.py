"""Revisions 001..008 run the same SQL as the Flyway example, from ../migrations."""
from pathlib import Path

from alembic import op

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def run(flyway_file: str) -> None:
    op.execute((MIGRATIONS / flyway_file).read_text())
