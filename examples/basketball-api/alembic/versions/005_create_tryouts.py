"""create tryouts"""
import sql

revision = "005"
down_revision = "004"


def upgrade() -> None:
    sql.run("V5__create_tryouts.sql")
