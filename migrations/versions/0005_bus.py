"""bus (filled in by its area)

Revision ID: 0005_bus
Revises: 0004_eodina
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0005_bus'
down_revision = '0004_eodina'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
