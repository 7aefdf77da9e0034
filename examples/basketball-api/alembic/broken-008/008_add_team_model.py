"""add team model, as it crashed basketball-api (#85)

op.create_table() with a plain SQLAlchemy Enum fires the table-creation events that emit
CREATE TYPE division, although 004 created that type: `type "division" already exists`.
"""
import sqlalchemy as sa
from alembic import op

revision = "008"
down_revision = "007"


def upgrade() -> None:
    op.execute("CREATE TYPE agegroup AS ENUM ('u10', 'u12', 'u14', 'u16', 'u18')")
    op.create_table(
        "teams",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("tenant_id", sa.Integer, sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("division", sa.Enum("boys", "girls", name="division"), nullable=False),
        sa.Column("age_group", sa.Enum(name="agegroup", create_type=False), nullable=False),
        sa.Column("coach_id", sa.Integer, sa.ForeignKey("coaches.id")),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
    )
    op.add_column("players", sa.Column("team_id", sa.Integer, sa.ForeignKey("teams.id")))
