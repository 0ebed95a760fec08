"""eodina: near home (match tiers, waiting reasons, approval to go further out), flags of learners
slipping away with center coordinators, call-back requests and family contacts, digital-skills checks

Revision ID: 0008_i17
Revises: 0007_notify_kpi
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008_i17'
down_revision = '0007_notify_kpi'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('eodina_callbacks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('done_at', sa.DateTime(), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['handled_by_id'], ['users.id'], name=op.f('fk_eodina_callbacks_handled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_eodina_callbacks_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eodina_callbacks'))
    )
    with op.batch_alter_table('eodina_callbacks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eodina_callbacks_status'), ['status'], unique=False)
        batch_op.create_index('uq_eodina_callbacks_open', ['person_id'], unique=True, sqlite_where=sa.text('done_at IS NULL'), postgresql_where=sa.text('done_at IS NULL'))

    op.create_table('eodina_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('evidence_on', sa.Date(), nullable=False),
    sa.Column('reason_ko', sa.String(length=300), nullable=False),
    sa.Column('reason_en', sa.String(length=300), nullable=False),
    sa.Column('center_id', sa.Integer(), nullable=True),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('digested_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['center_id'], ['eodina_centers.id'], name=op.f('fk_eodina_flags_center_id_eodina_centers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_eodina_flags_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['learner_id'], ['eodina_learners.id'], name=op.f('fk_eodina_flags_learner_id_eodina_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eodina_flags')),
    sa.UniqueConstraint('learner_id', 'kind', 'evidence_on', name='uq_eodina_flags_evidence')
    )
    with op.batch_alter_table('eodina_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eodina_flags_learner_id'), ['learner_id'], unique=False)
        batch_op.create_index('ix_eodina_flags_open', ['closed_at', 'center_id'], unique=False)

    op.create_table('eodina_followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=5), nullable=False),
    sa.Column('serial', sa.String(length=16), nullable=False),
    sa.Column('callback_id', sa.Integer(), nullable=True),
    sa.Column('asked_at', sa.DateTime(), nullable=False),
    sa.Column('answer', sa.String(length=5), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['callback_id'], ['eodina_callbacks.id'], name=op.f('fk_eodina_followups_callback_id_eodina_callbacks'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['learner_id'], ['eodina_learners.id'], name=op.f('fk_eodina_followups_learner_id_eodina_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eodina_followups')),
    sa.UniqueConstraint('learner_id', name=op.f('uq_eodina_followups_learner_id')),
    sa.UniqueConstraint('serial', name=op.f('uq_eodina_followups_serial'))
    )
    with op.batch_alter_table('eodina_followups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eodina_followups_answer'), ['answer'], unique=False)

    op.create_table('eodina_skill_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('learner_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('tasks', sa.JSON(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('instructor_id', sa.Integer(), nullable=True),
    sa.Column('center_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['center_id'], ['eodina_centers.id'], name=op.f('fk_eodina_skill_checks_center_id_eodina_centers'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['instructor_id'], ['eodina_instructors.id'], name=op.f('fk_eodina_skill_checks_instructor_id_eodina_instructors'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['learner_id'], ['eodina_learners.id'], name=op.f('fk_eodina_skill_checks_learner_id_eodina_learners'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_eodina_skill_checks')),
    sa.UniqueConstraint('learner_id', 'stage', name='uq_eodina_skill_checks_stage')
    )
    with op.batch_alter_table('eodina_skill_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_eodina_skill_checks_checked_on'), ['checked_on'], unique=False)

    with op.batch_alter_table('eodina_centers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('coordinator_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_eodina_centers_coordinator_id'), ['coordinator_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_eodina_centers_coordinator_id_users'), 'users', ['coordinator_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('eodina_learners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('wait_reason', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('wait_reason_ko', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('wait_reason_en', sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column('wait_checked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('further_approved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('further_approved_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('family_person_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('family_relation', sa.String(length=20), nullable=True))
        batch_op.create_index(batch_op.f('ix_eodina_learners_wait_reason'), ['wait_reason'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_eodina_learners_family_person_id_people'), 'people', ['family_person_id'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_eodina_learners_further_approved_by_id_users'), 'users', ['further_approved_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('eodina_matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tier', sa.String(length=10), nullable=True))
        batch_op.create_index(batch_op.f('ix_eodina_matches_tier'), ['tier'], unique=False)
    # Matches made before tiers were kept: those in the learner's own district are known to be so;
    # the others stay NULL (shown as "-") rather than guessed.
    op.execute("UPDATE eodina_matches SET tier = 'district' WHERE tier IS NULL AND EXISTS ("
               "SELECT 1 FROM eodina_centers c JOIN eodina_learners l ON l.id = eodina_matches.learner_id "
               "WHERE c.id = eodina_matches.center_id AND c.district = l.district)")



def downgrade():
    with op.batch_alter_table('eodina_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eodina_matches_tier'))
        batch_op.drop_column('tier')

    with op.batch_alter_table('eodina_learners', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_eodina_learners_further_approved_by_id_users'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_eodina_learners_family_person_id_people'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_eodina_learners_wait_reason'))
        batch_op.drop_column('family_relation')
        batch_op.drop_column('family_person_id')
        batch_op.drop_column('further_approved_by_id')
        batch_op.drop_column('further_approved_at')
        batch_op.drop_column('wait_checked_at')
        batch_op.drop_column('wait_reason_en')
        batch_op.drop_column('wait_reason_ko')
        batch_op.drop_column('wait_reason')

    with op.batch_alter_table('eodina_centers', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_eodina_centers_coordinator_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_eodina_centers_coordinator_id'))
        batch_op.drop_column('coordinator_id')

    with op.batch_alter_table('eodina_skill_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eodina_skill_checks_checked_on'))

    op.drop_table('eodina_skill_checks')
    with op.batch_alter_table('eodina_followups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_eodina_followups_answer'))

    op.drop_table('eodina_followups')
    with op.batch_alter_table('eodina_flags', schema=None) as batch_op:
        batch_op.drop_index('ix_eodina_flags_open')
        batch_op.drop_index(batch_op.f('ix_eodina_flags_learner_id'))

    op.drop_table('eodina_flags')
    with op.batch_alter_table('eodina_callbacks', schema=None) as batch_op:
        batch_op.drop_index('uq_eodina_callbacks_open', sqlite_where=sa.text('done_at IS NULL'), postgresql_where=sa.text('done_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_eodina_callbacks_status'))

    op.drop_table('eodina_callbacks')
