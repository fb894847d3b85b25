"""the lesson builder: drafts, revisions, review

Revision ID: b0a1c2d3e4f5
Revises: c90ccf4a994d
Create Date: 2026-11-24 14:20:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "b0a1c2d3e4f5"
down_revision = "c90ccf4a994d"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
