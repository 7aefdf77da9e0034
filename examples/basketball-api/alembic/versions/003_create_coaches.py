"""create coaches"""
import sql

revision = "003"
down_revision = "002"


def upgrade() -> None:
    sql.run("V3__create_coaches.sql")
