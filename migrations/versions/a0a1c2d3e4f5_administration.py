"""administration: school settings, set-password links

Revision ID: a0a1c2d3e4f5
Revises: e0a1c2d3e4f5
Create Date: 2026-11-24 14:21:00

"""

import sqlalchemy as sa  # noqa: F401
from alembic import op  # noqa: F401

revision = "a0a1c2d3e4f5"
down_revision = "e0a1c2d3e4f5"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
