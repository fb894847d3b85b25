"""export jobs: a heartbeat and the number of attempts, to recover from a worker that died

Revision ID: f0a1c2d3e4f5
Revises: ffc3149f8424
Create Date: 2026-12-02 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "f0a1c2d3e4f5"
down_revision = "ffc3149f8424"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("attempts", sa.Integer(), nullable=False, server_default="0")
        )
    # Jobs from before count as last seen when they were created.
    op.execute("UPDATE export_job SET heartbeat_at = created_at")
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.alter_column("heartbeat_at", existing_type=sa.DateTime(), nullable=False)
        batch_op.alter_column("attempts", existing_type=sa.Integer(), server_default=None)


def downgrade():
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.drop_column("attempts")
        batch_op.drop_column("heartbeat_at")
