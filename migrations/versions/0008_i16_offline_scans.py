"""passes: scans uploaded by offline scanners, and conflicts between gates; events: badge prints, ticket type colours; satisfaction surveys

Revision ID: 0008_i16
Revises: 0008_i17
"""
from alembic import op
import sqlalchemy as sa

revision = '0008_i16'
down_revision = '0008_i17'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('offline_scans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scan_id', sa.String(length=64), nullable=False),
    sa.Column('code', sa.String(length=200), nullable=False),
    sa.Column('gate', sa.String(length=60), nullable=False),
    sa.Column('scanned_at', sa.DateTime(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=20), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_offline_scans_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['checkin_id'], ['check_ins.id'], name=op.f('fk_offline_scans_checkin_id_check_ins'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offline_scans')),
    sa.UniqueConstraint('scan_id', name=op.f('uq_offline_scans_scan_id'))
    )
    with op.batch_alter_table('offline_scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offline_scans_checkin_id'), ['checkin_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offline_scans_received_at'), ['received_at'], unique=False)

    op.create_table('check_in_conflicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('occasion', sa.String(length=40), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('gate', sa.String(length=60), nullable=True),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('checkin_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['by_user_id'], ['users.id'], name=op.f('fk_check_in_conflicts_by_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['checkin_id'], ['check_ins.id'], name=op.f('fk_check_in_conflicts_checkin_id_check_ins'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_in_conflicts'))
    )
    with op.batch_alter_table('check_in_conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_check_in_conflicts_scope', ['kind', 'scope_id', 'occasion'], unique=False)
    op.create_table('event_badge_prints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('registration_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('size', sa.String(length=8), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['registration_id'], ['event_registrations.id'], name=op.f('fk_event_badge_prints_registration_id_event_registrations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_badge_prints_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_badge_prints'))
    )
    with op.batch_alter_table('event_badge_prints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_badge_prints_registration_id'), ['registration_id'], unique=False)
    with op.batch_alter_table('event_ticket_types', schema=None) as batch_op:
        batch_op.add_column(sa.Column('colour', sa.String(length=7), server_default='#1f4e9e', nullable=False))
    op.create_table('survey_invites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=40), nullable=False),
    sa.Column('subject_kind', sa.String(length=10), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('occasion', sa.String(length=10), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_survey_invites_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_invites')),
    sa.UniqueConstraint('subject_kind', 'subject_id', name=op.f('uq_survey_invites_subject_kind_subject_id')),
    sa.UniqueConstraint('token', name=op.f('uq_survey_invites_token'))
    )
    with op.batch_alter_table('survey_invites', schema=None) as batch_op:
        batch_op.create_index('ix_survey_invites_scope', ['subject_kind', 'scope_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_survey_invites_person_id'), ['person_id'], unique=False)
    op.create_table('survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invite_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['invite_id'], ['survey_invites.id'], name=op.f('fk_survey_answers_invite_id_survey_invites'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_answers')),
    sa.UniqueConstraint('invite_id', name=op.f('uq_survey_answers_invite_id'))
    )


def downgrade():
    op.drop_table('survey_answers')
    with op.batch_alter_table('survey_invites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_survey_invites_person_id'))
        batch_op.drop_index('ix_survey_invites_scope')
    op.drop_table('survey_invites')
    with op.batch_alter_table('event_ticket_types', schema=None) as batch_op:
        batch_op.drop_column('colour')
    with op.batch_alter_table('event_badge_prints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_badge_prints_registration_id'))
    op.drop_table('event_badge_prints')

    with op.batch_alter_table('check_in_conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_check_in_conflicts_scope')

    op.drop_table('check_in_conflicts')
    with op.batch_alter_table('offline_scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offline_scans_received_at'))
        batch_op.drop_index(batch_op.f('ix_offline_scans_checkin_id'))

    op.drop_table('offline_scans')
