"""notify_kpi (filled in by its area)

Revision ID: 0007_notify_kpi
Revises: 0006_education
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0007_notify_kpi'
down_revision = '0006_education'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
