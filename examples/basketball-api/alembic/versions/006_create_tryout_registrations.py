"""create tryout registrations"""
import sql

revision = "006"
down_revision = "005"


def upgrade() -> None:
    sql.run("V6__create_tryout_registrations.sql")
