"""the lesson builder: drafts, revisions, review

Revision ID: b0a1c2d3e4f5
Revises: c90ccf4a994d
Create Date: 2026-11-24 14:20:00

"""

import sqlalchemy as sa
from alembic import op

revision = "b0a1c2d3e4f5"
down_revision = "c90ccf4a994d"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "lesson_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("base_version", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("saved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["lesson.id"],
            name=op.f("fk_lesson_draft_lesson_id_lesson"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_lesson_draft_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_draft")),
        sa.UniqueConstraint("lesson_id", "user_id", name=op.f("uq_lesson_draft_lesson_id")),
    )
    with op.batch_alter_table("lesson_draft", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_draft_lesson_id"), ["lesson_id"], unique=False)
    op.create_table(
        "review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", sa.DateTime(), nullable=False),
        sa.Column("submission_note", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("published_lesson_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["lesson_id"], ["lesson.id"], name=op.f("fk_review_lesson_id_lesson")
        ),
        sa.ForeignKeyConstraint(
            ["published_lesson_id"],
            ["lesson.id"],
            name=op.f("fk_review_published_lesson_id_lesson"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["user_account.id"], name=op.f("fk_review_reviewer_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_id"],
            ["user_account.id"],
            name=op.f("fk_review_submitted_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["lesson_version.id"], name=op.f("fk_review_version_id_lesson_version")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review")),
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_review_lesson_id"), ["lesson_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_review_state"), ["state"], unique=False)


def downgrade():
    op.drop_table("review")
    op.drop_table("lesson_draft")
