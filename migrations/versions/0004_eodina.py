"""eodina (filled in by its area)

Revision ID: 0004_eodina
Revises: 0003_events
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0004_eodina'
down_revision = '0003_events'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
