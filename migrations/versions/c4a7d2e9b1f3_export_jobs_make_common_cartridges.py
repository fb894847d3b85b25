"""export jobs: what a job makes (a PDF pack or a Common Cartridge) and a unit's title

Revision ID: c4a7d2e9b1f3
Revises: 89f75829892f
Create Date: 2026-12-01 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c4a7d2e9b1f3"
down_revision = "89f75829892f"
branch_labels = None
depends_on = None


def upgrade():
    # Jobs from before made PDF packs and had no title.
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("output", sa.String(length=20), nullable=False, server_default="pdf")
        )
        batch_op.add_column(
            sa.Column("title", sa.String(length=200), nullable=False, server_default="")
        )
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.alter_column("output", existing_type=sa.String(length=20), server_default=None)
        batch_op.alter_column("title", existing_type=sa.String(length=200), server_default=None)


def downgrade():
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.drop_column("title")
        batch_op.drop_column("output")
