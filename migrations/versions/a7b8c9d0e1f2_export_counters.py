"""Export counters: kept bodies found, rendered on demand and warmed, per day.

Revision ID: a7b8c9d0e1f2
Revises: a7d1e2f3b4c5
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

revision = "a7b8c9d0e1f2"
down_revision = "a7d1e2f3b4c5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "export_counter",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.Column("misses", sa.Integer(), nullable=False),
        sa.Column("warmed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_export_counter")),
    )


def downgrade():
    op.drop_table("export_counter")
