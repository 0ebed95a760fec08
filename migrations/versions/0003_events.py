"""events (filled in by its area)

Revision ID: 0003_events
Revises: 0002_passes_outbox
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0003_events'
down_revision = '0002_passes_outbox'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
