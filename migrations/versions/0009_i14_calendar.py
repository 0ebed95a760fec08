"""calendar rules and the next year: a plan year's state (draft or open); when a course's enrolment closes, why staff added someone late, one live bus request per institution, day and slot

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
    op.create_table('plan_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('copied_from', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('opened_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_plan_years'))
    )
    with op.batch_alter_table('education_courses', schema=None) as batch_op:
        batch_op.add_column(sa.Column('enrol_closes_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('offer_hours', sa.Integer(), server_default='24', nullable=False))
    with op.batch_alter_table('education_enrolments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_reason', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('offer_expires_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_education_enrolments_offer_expires_at'), ['offer_expires_at'], unique=False)
    op.create_table('education_enrolment_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('what', sa.String(length=20), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['enrolment_id'], ['education_enrolments.id'],
                            name=op.f('fk_education_enrolment_history_enrolment_id_education_enrolments'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_enrolment_history'))
    )
    with op.batch_alter_table('education_enrolment_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_education_enrolment_history_enrolment_id'), ['enrolment_id'], unique=False)
    with op.batch_alter_table('bus_visits', schema=None) as batch_op:
        batch_op.create_index('uq_bus_visits_live_request', ['institution_id', 'day', 'slot_id'], unique=True,
                              sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))


def downgrade():
    with op.batch_alter_table('bus_visits', schema=None) as batch_op:
        batch_op.drop_index('uq_bus_visits_live_request', sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    with op.batch_alter_table('education_enrolment_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_enrolment_history_enrolment_id'))
    op.drop_table('education_enrolment_history')
    with op.batch_alter_table('education_enrolments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_enrolments_offer_expires_at'))
        batch_op.drop_column('offer_expires_at')
        batch_op.drop_column('late_reason')
    with op.batch_alter_table('education_courses', schema=None) as batch_op:
        batch_op.drop_column('offer_hours')
        batch_op.drop_column('enrol_closes_at')
    op.drop_table('plan_years')
