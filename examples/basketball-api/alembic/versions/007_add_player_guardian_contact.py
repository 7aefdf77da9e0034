"""add player guardian contact"""
import sql

revision = "007"
down_revision = "006"


def upgrade() -> None:
    sql.run("V7__add_player_guardian_contact.sql")
