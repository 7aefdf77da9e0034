"""Alembic environment of the basketball-api example: online migrations against DATABASE_URL."""
import os

from alembic import context
from sqlalchemy import create_engine, pool

# As the app's own env.py does (through its models): the app's settings, which need its environment.
import settings  # noqa: F401


def database_url() -> str:
    # Apps write postgresql://user:pass@host/db; SQLAlchemy wants the driver named.
    url = os.environ["DATABASE_URL"]
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg2://" + url[len(prefix):]
    return url


engine = create_engine(database_url(), poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, transaction_per_migration=True)
    with context.begin_transaction():
        context.run_migrations()
