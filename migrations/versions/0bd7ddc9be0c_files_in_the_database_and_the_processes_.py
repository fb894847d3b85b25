"""files in the database, the processes of an installation, and which worker printed a pack

Revision ID: 0bd7ddc9be0c
Revises: a7b8c9d0e1f2
Create Date: 2026-12-01 11:40:00

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0bd7ddc9be0c"
down_revision = "a7b8c9d0e1f2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cached_file",
        sa.Column("area", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("area", "name", name=op.f("pk_cached_file")),
    )
    with op.batch_alter_table("cached_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cached_file_used_at"), ["used_at"], unique=False)

    op.create_table(
        "server_process",
        sa.Column("id", sa.String(length=200), nullable=False),
        sa.Column("host", sa.String(length=120), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_server_process")),
    )
    with op.batch_alter_table("server_process", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_server_process_seen_at"), ["seen_at"], unique=False)

    op.create_table(
        "stored_file",
        sa.Column("area", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("area", "name", name=op.f("pk_stored_file")),
    )
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stored_file_used_at"), ["used_at"], unique=False)


    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.add_column(sa.Column("worker", sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table("export_job", schema=None) as batch_op:
        batch_op.drop_column("worker")
    with op.batch_alter_table("stored_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_file_used_at"))

    op.drop_table("stored_file")
    with op.batch_alter_table("server_process", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_server_process_seen_at"))

    op.drop_table("server_process")
    with op.batch_alter_table("cached_file", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cached_file_used_at"))

    op.drop_table("cached_file")
