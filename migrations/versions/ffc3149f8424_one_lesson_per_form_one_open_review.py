"""one lesson per Adapt or Duplicate form, one open review per lesson

Revision ID: ffc3149f8424
Revises: a0a1c2d3e4f5
Create Date: 2026-11-30 21:29:12

"""

import sqlalchemy as sa
from alembic import op

revision = "ffc3149f8424"
down_revision = "a0a1c2d3e4f5"
branch_labels = None
depends_on = None

OPEN = sa.text("state = 'open'")


def upgrade():
    # Indexes and a nullable column: SQLite needs no table rebuild (which other tables'
    # foreign keys to lesson would refuse).
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.add_column(sa.Column("creation_key", sa.String(length=32), nullable=True))
        batch_op.create_index(
            "uq_lesson_owner_id_creation_key", ["owner_id", "creation_key"], unique=True
        )

    # Two submissions at once could each queue the lesson. Keep the first of each: the others
    # are the same submission and carry no decision.
    op.execute(
        "DELETE FROM review WHERE state = 'open' AND id NOT IN "
        "(SELECT first_id FROM (SELECT MIN(id) AS first_id FROM review "
        "WHERE state = 'open' GROUP BY lesson_id) AS firsts)"
    )
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.create_index(
            "uq_review_lesson_id_open",
            ["lesson_id"],
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        )


def downgrade():
    with op.batch_alter_table("review", schema=None) as batch_op:
        batch_op.drop_index("uq_review_lesson_id_open", sqlite_where=OPEN, postgresql_where=OPEN)

    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.drop_index("uq_lesson_owner_id_creation_key")
        batch_op.drop_column("creation_key")
