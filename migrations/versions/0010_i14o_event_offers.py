"""waiting-list offers for events: how long an event holds a freed seat for the first in line, the offer's
expiry on a registration, and the history of offers (offered, accepted, declined, expired)

Revision ID: 0010_i14o
Revises: 0009_i14
"""
from alembic import op
import sqlalchemy as sa

revision = '0010_i14o'
down_revision = '0009_i14'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offer_hours', sa.Integer(), server_default='24', nullable=False))
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('offer_expires_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_event_registrations_offer_expires_at'), ['offer_expires_at'],
                              unique=False)
    op.create_table('event_registration_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('what', sa.String(length=20), nullable=False),
    sa.Column('until', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['registration_id'], ['event_registrations.id'],
                            name=op.f('fk_event_registration_history_registration_id_event_registrations'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_registration_history'))
    )
    with op.batch_alter_table('event_registration_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_registration_history_registration_id'), ['registration_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('event_registration_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registration_history_registration_id'))
    op.drop_table('event_registration_history')
    with op.batch_alter_table('event_registrations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_registrations_offer_expires_at'))
        batch_op.drop_column('offer_expires_at')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('offer_hours')
