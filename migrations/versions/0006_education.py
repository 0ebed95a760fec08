"""education (filled in by its area)

Revision ID: 0006_education
Revises: 0005_bus
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '0006_education'
down_revision = '0005_bus'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
