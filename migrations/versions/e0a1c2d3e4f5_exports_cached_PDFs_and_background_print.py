"""exports: cached PDFs and background print jobs

Revision ID: e0a1c2d3e4f5
Revises: b0a1c2d3e4f5
Create Date: 2026-11-24 14:20:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "e0a1c2d3e4f5"
down_revision = "b0a1c2d3e4f5"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
