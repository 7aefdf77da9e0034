"""add team model (fixed: idempotent raw SQL, as basketball-api#85 asks)"""
import sql

revision = "008"
down_revision = "007"


def upgrade() -> None:
    sql.run("V8__add_team_model.sql")
