"""bus: host institutions, buses with seasons, blackouts and slots, visits, attendance, survey cards

Revision ID: 0005_bus
Revises: 0004_eodina
"""
from alembic import op
import sqlalchemy as sa

revision = '0005_bus'
down_revision = '0004_eodina'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('bus_buses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('seats', sa.Integer(), nullable=False),
    sa.Column('weekends', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_buses')),
    sa.UniqueConstraint('name', name=op.f('uq_bus_buses_name'))
    )
    op.create_table('bus_programmes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name_ko', sa.String(length=80), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('per_person', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_programmes')),
    sa.UniqueConstraint('code', name=op.f('uq_bus_programmes_code'))
    )
    op.create_table('bus_blackouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bus_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('reason', sa.String(length=120), nullable=True),
    sa.ForeignKeyConstraint(['bus_id'], ['bus_buses.id'], name=op.f('fk_bus_blackouts_bus_id_bus_buses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_blackouts')),
    sa.UniqueConstraint('bus_id', 'day', name=op.f('uq_bus_blackouts_bus_id_day'))
    )
    op.create_table('bus_host_institutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('district', sa.String(length=20), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=True),
    sa.Column('is_hub', sa.Boolean(), nullable=False),
    sa.Column('contact_person_id', sa.Integer(), nullable=True),
    sa.Column('link_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['contact_person_id'], ['people.id'], name=op.f('fk_bus_host_institutions_contact_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_host_institutions')),
    sa.UniqueConstraint('name', 'district', name=op.f('uq_bus_host_institutions_name_district'))
    )
    with op.batch_alter_table('bus_host_institutions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bus_host_institutions_district'), ['district'], unique=False)

    op.create_table('bus_seasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bus_id', sa.Integer(), nullable=False),
    sa.Column('starts', sa.Date(), nullable=False),
    sa.Column('ends', sa.Date(), nullable=False),
    sa.CheckConstraint('ends >= starts', name=op.f('ck_bus_seasons_ordered')),
    sa.ForeignKeyConstraint(['bus_id'], ['bus_buses.id'], name=op.f('fk_bus_seasons_bus_id_bus_buses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_seasons'))
    )
    with op.batch_alter_table('bus_seasons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bus_seasons_bus_id'), ['bus_id'], unique=False)

    op.create_table('bus_slots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('bus_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name_ko', sa.String(length=40), nullable=False),
    sa.Column('name_en', sa.String(length=40), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['bus_id'], ['bus_buses.id'], name=op.f('fk_bus_slots_bus_id_bus_buses'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_slots')),
    sa.UniqueConstraint('bus_id', 'code', name=op.f('uq_bus_slots_bus_id_code'))
    )
    op.create_table('bus_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('contact_person_id', sa.Integer(), nullable=True),
    sa.Column('bus_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.Column('expected_participants', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('decision_reason', sa.String(length=300), nullable=True),
    sa.Column('proposed_day', sa.Date(), nullable=True),
    sa.Column('proposed_slot_id', sa.Integer(), nullable=True),
    sa.Column('proposal_round', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('expected_participants > 0', name=op.f('ck_bus_visits_expected_positive')),
    sa.ForeignKeyConstraint(['bus_id'], ['bus_buses.id'], name=op.f('fk_bus_visits_bus_id_bus_buses')),
    sa.ForeignKeyConstraint(['contact_person_id'], ['people.id'], name=op.f('fk_bus_visits_contact_person_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_bus_visits_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_bus_visits_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['institution_id'], ['bus_host_institutions.id'], name=op.f('fk_bus_visits_institution_id_bus_host_institutions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['bus_programmes.id'], name=op.f('fk_bus_visits_programme_id_bus_programmes')),
    sa.ForeignKeyConstraint(['proposed_slot_id'], ['bus_slots.id'], name=op.f('fk_bus_visits_proposed_slot_id_bus_slots')),
    sa.ForeignKeyConstraint(['slot_id'], ['bus_slots.id'], name=op.f('fk_bus_visits_slot_id_bus_slots')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_visits'))
    )
    with op.batch_alter_table('bus_visits', schema=None) as batch_op:
        batch_op.create_index('ix_bus_visits_institution', ['institution_id', 'day'], unique=False)
        batch_op.create_index('ix_bus_visits_status_day', ['status', 'day'], unique=False)
        batch_op.create_index('uq_bus_visits_booked', ['bus_id', 'day', 'slot_id'], unique=True, sqlite_where=sa.text("status = 'approved'"), postgresql_where=sa.text("status = 'approved'"))

    op.create_table('bus_attendance_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.CheckConstraint('count >= 0', name=op.f('ck_bus_attendance_counts_count_not_negative')),
    sa.ForeignKeyConstraint(['visit_id'], ['bus_visits.id'], name=op.f('fk_bus_attendance_counts_visit_id_bus_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_attendance_counts')),
    sa.UniqueConstraint('visit_id', 'age_band', name=op.f('uq_bus_attendance_counts_visit_id_age_band'))
    )
    op.create_table('bus_participants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=12), nullable=False),
    sa.Column('age_band', sa.String(length=10), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_bus_participants_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_bus_participants_recorded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['visit_id'], ['bus_visits.id'], name=op.f('fk_bus_participants_visit_id_bus_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_participants')),
    sa.UniqueConstraint('visit_id', 'person_id', name=op.f('uq_bus_participants_visit_id_person_id'))
    )
    with op.batch_alter_table('bus_participants', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bus_participants_person_id'), ['person_id'], unique=False)

    op.create_table('bus_survey_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('seat', sa.Integer(), nullable=False),
    sa.Column('serial', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['bus_visits.id'], name=op.f('fk_bus_survey_cards_visit_id_bus_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_survey_cards')),
    sa.UniqueConstraint('serial', name=op.f('uq_bus_survey_cards_serial')),
    sa.UniqueConstraint('visit_id', 'seat', name=op.f('uq_bus_survey_cards_visit_id_seat'))
    )
    op.create_table('bus_survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_bus_survey_answers_score_range')),
    sa.ForeignKeyConstraint(['card_id'], ['bus_survey_cards.id'], name=op.f('fk_bus_survey_answers_card_id_bus_survey_cards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visit_id'], ['bus_visits.id'], name=op.f('fk_bus_survey_answers_visit_id_bus_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bus_survey_answers')),
    sa.UniqueConstraint('card_id', name=op.f('uq_bus_survey_answers_card_id'))
    )
    with op.batch_alter_table('bus_survey_answers', schema=None) as batch_op:
        batch_op.create_index('ix_bus_survey_answers_visit', ['visit_id'], unique=False)



def downgrade():
    with op.batch_alter_table('bus_survey_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_bus_survey_answers_visit')

    op.drop_table('bus_survey_answers')
    op.drop_table('bus_survey_cards')
    with op.batch_alter_table('bus_participants', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bus_participants_person_id'))

    op.drop_table('bus_participants')
    op.drop_table('bus_attendance_counts')
    with op.batch_alter_table('bus_visits', schema=None) as batch_op:
        batch_op.drop_index('uq_bus_visits_booked', sqlite_where=sa.text("status = 'approved'"), postgresql_where=sa.text("status = 'approved'"))
        batch_op.drop_index('ix_bus_visits_status_day')
        batch_op.drop_index('ix_bus_visits_institution')

    op.drop_table('bus_visits')
    op.drop_table('bus_slots')
    with op.batch_alter_table('bus_seasons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bus_seasons_bus_id'))

    op.drop_table('bus_seasons')
    with op.batch_alter_table('bus_host_institutions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_bus_host_institutions_district'))

    op.drop_table('bus_host_institutions')
    op.drop_table('bus_blackouts')
    op.drop_table('bus_programmes')
    op.drop_table('bus_buses')
