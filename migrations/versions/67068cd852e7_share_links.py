"""share links: a read-only link to a lesson for colleagues, kept as the hash of its token

Revision ID: 67068cd852e7
Revises: c4a7d2e9b1f3
Create Date: 2026-12-01 14:38:15

"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "67068cd852e7"
down_revision = "c4a7d2e9b1f3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "share_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("creator_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("opened", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["creator_id"],
            ["user_account.id"],
            name=op.f("fk_share_link_creator_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lesson.id"],
            name=op.f("fk_share_link_lesson_id_lesson"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_share_link_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_link_token_hash")),
    )
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_link_creator_id"), ["creator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_share_link_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_share_link_organisation_id"), ["organisation_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("share_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_link_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_share_link_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_share_link_creator_id"))

    op.drop_table("share_link")
