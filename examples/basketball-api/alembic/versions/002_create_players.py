"""create players"""
import sql

revision = "002"
down_revision = "001"


def upgrade() -> None:
    sql.run("V2__create_players.sql")
