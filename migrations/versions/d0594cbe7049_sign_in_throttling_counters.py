"""sign-in throttling: counters shared by every worker

Revision ID: d0594cbe7049
Revises: f0a1c2d3e4f5
Create Date: 2026-11-30 21:24:52

"""

import sqlalchemy as sa
from alembic import op

revision = "d0594cbe7049"
down_revision = "f0a1c2d3e4f5"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "throttle_counter",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_counter")),
    )
    with op.batch_alter_table("throttle_counter", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_throttle_counter_expires_at"), ["expires_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("throttle_counter", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_throttle_counter_expires_at"))
    op.drop_table("throttle_counter")
