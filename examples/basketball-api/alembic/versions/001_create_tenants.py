"""create tenants"""
import sql

revision = "001"
down_revision = None


def upgrade() -> None:
    sql.run("V1__create_tenants.sql")
