"""calendar rules: when a course's enrolment closes, why staff added someone late, one live bus request per institution, day and slot

Revision ID: 0009_i14
Revises: 0008_i18
"""
from alembic import op
import sqlalchemy as sa

revision = '0009_i14'
down_revision = '0008_i18'
branch_labels = None
depends_on = None

LIVE = "status IN ('requested', 'proposed', 'approved')"


def upgrade():
    with op.batch_alter_table('education_courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrol_closes_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('education_enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_reason', sa.String(length=300), nullable=True))
    with op.batch_alter_table('bus_visits', schema=None) as batch_op:
        batch_op.create_index('uq_bus_visits_live_request', ['institution_id', 'day', 'slot_id'], unique=True,
                              sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))


def downgrade():
    with op.batch_alter_table('bus_visits', schema=None) as batch_op:
        batch_op.drop_index('uq_bus_visits_live_request', sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    with op.batch_alter_table('education_enrolments', schema=None) as batch_op:
        batch_op.drop_column('late_reason')
    with op.batch_alter_table('education_courses', schema=None) as batch_op:
        batch_op.drop_column('enrol_closes_at')
