"""sessions for adults: who a lesson version is for (pupils, staff or parents)

Revision ID: a7d1e2f3b4c5
Revises: c1d2e3f4a5b6
Create Date: 2026-12-03 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7d1e2f3b4c5"
down_revision = "c1d2e3f4a5b6"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("lesson_version", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("audience", sa.String(length=10), nullable=False, server_default="pupils")
        )
        batch_op.create_index(
            batch_op.f("ix_lesson_version_audience"), ["audience"], unique=False
        )


def downgrade():
    with op.batch_alter_table("lesson_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_version_audience"))
        batch_op.drop_column("audience")
