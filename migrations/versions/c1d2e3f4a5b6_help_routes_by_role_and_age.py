"""help routes by role and age; the safeguarding role title of a country and of a school

Revision ID: c1d2e3f4a5b6
Revises: d0594cbe7049
Create Date: 2026-12-01 01:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "c1d2e3f4a5b6"
down_revision = "d0594cbe7049"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("help_route", schema=None) as batch_op:
        batch_op.alter_column("kind", new_column_name="role", existing_type=sa.String(length=30))
        batch_op.add_column(sa.Column("min_age", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_age", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("serves_parents", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("evidence", sa.Text(), nullable=False, server_default=""))
    # The one adults' kind was image-abuse help (StopNCII, the Revenge Porn Helpline).
    op.execute(
        "UPDATE help_route SET role = 'adult-image-abuse', min_age = 18 "
        "WHERE role = 'adult-support'"
    )
    with op.batch_alter_table("country", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("safeguarding_role", sa.String(length=80), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("safeguarding_role_source", sa.String(length=500), nullable=True)
        )
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("safeguarding_role", sa.String(length=80), nullable=False, server_default="")
        )


def downgrade():
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_column("safeguarding_role")
    with op.batch_alter_table("country", schema=None) as batch_op:
        batch_op.drop_column("safeguarding_role_source")
        batch_op.drop_column("safeguarding_role")
    op.execute("UPDATE help_route SET role = 'adult-support' WHERE role = 'adult-image-abuse'")
    with op.batch_alter_table("help_route", schema=None) as batch_op:
        batch_op.drop_column("evidence")
        batch_op.drop_column("serves_parents")
        batch_op.drop_column("max_age")
        batch_op.drop_column("min_age")
        batch_op.alter_column("role", new_column_name="kind", existing_type=sa.String(length=30))
