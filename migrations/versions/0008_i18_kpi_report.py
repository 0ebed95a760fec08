"""kpi: corrections of managers' entries (with the value before), the state of each snapshot, budget execution, monthly reports, Smart City Center visits

Revision ID: 0008_i18
Revises: 0008_i16
"""
from alembic import op
import sqlalchemy as sa

revision = '0008_i18'
down_revision = '0008_i16'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('kpi_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('previous_value', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('corrects_id', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_kpi_entries_corrects_id'), ['corrects_id'])
        batch_op.create_foreign_key(batch_op.f('fk_kpi_entries_corrects_id_kpi_entries'), 'kpi_entries',
                                    ['corrects_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('kpi_snapshots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('state', sa.String(length=20), server_default='ok', nullable=False))
    op.create_table('budget_executions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('budget_line_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('committed', sa.BigInteger(), nullable=False),
    sa.Column('spent', sa.BigInteger(), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['budget_line_id'], ['budget_lines.id'], name=op.f('fk_budget_executions_budget_line_id_budget_lines'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_budget_executions_entered_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_executions'))
    )
    with op.batch_alter_table('budget_executions', schema=None) as batch_op:
        batch_op.create_index('ix_budget_executions_lookup', ['budget_line_id', 'month', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_budget_executions_year'), ['year'], unique=False)
    op.create_table('kpi_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('month', sa.Integer(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('built_at', sa.DateTime(), nullable=False),
    sa.Column('built_by_id', sa.Integer(), nullable=True),
    sa.Column('xlsx', sa.LargeBinary(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['built_by_id'], ['users.id'], name=op.f('fk_kpi_reports_built_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_reports')),
    sa.UniqueConstraint('year', 'month', name=op.f('uq_kpi_reports_year_month'))
    )
    op.create_table('center_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('group_name', sa.String(length=120), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('group_size', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('countries', sa.JSON(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['contact_id'], ['people.id'], name=op.f('fk_center_visits_contact_id_people')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_center_visits_decided_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_center_visits'))
    )
    with op.batch_alter_table('center_visits', schema=None) as batch_op:
        batch_op.create_index('ix_center_visits_day', ['day', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_center_visits_contact_id'), ['contact_id'], unique=False)
    op.create_table('center_visit_counts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['center_visits.id'], name=op.f('fk_center_visit_counts_visit_id_center_visits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_center_visit_counts')),
    sa.UniqueConstraint('visit_id', 'country', name=op.f('uq_center_visit_counts_visit_id_country'))
    )


def downgrade():
    op.drop_table('center_visit_counts')
    with op.batch_alter_table('center_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_center_visits_contact_id'))
        batch_op.drop_index('ix_center_visits_day')
    op.drop_table('center_visits')
    op.drop_table('kpi_reports')
    with op.batch_alter_table('budget_executions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_executions_year'))
        batch_op.drop_index('ix_budget_executions_lookup')
    op.drop_table('budget_executions')
    with op.batch_alter_table('kpi_snapshots', schema=None) as batch_op:
        batch_op.drop_column('state')
    with op.batch_alter_table('kpi_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_kpi_entries_corrects_id_kpi_entries'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_kpi_entries_corrects_id'), type_='unique')
        batch_op.drop_column('corrects_id')
        batch_op.drop_column('previous_value')
