"""add player division"""
import sql

revision = "004"
down_revision = "003"


def upgrade() -> None:
    sql.run("V4__add_player_division.sql")
