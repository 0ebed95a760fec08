"""notify and kpi: managers' manual KPI entries and daily KPI snapshots

Revision ID: 0007_notify_kpi
Revises: 0006_education
"""
from alembic import op
import sqlalchemy as sa

revision = '0007_notify_kpi'
down_revision = '0006_education'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('kpi_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=120), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('computed_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_snapshots')),
    sa.UniqueConstraint('year', 'metric', 'day', name=op.f('uq_kpi_snapshots_year_metric_day'))
    )
    op.create_table('kpi_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('metric', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_kpi_entries_entered_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kpi_entries'))
    )
    with op.batch_alter_table('kpi_entries', schema=None) as batch_op:
        batch_op.create_index('ix_kpi_entries_lookup', ['year', 'metric', 'as_of'], unique=False)



def downgrade():
    with op.batch_alter_table('kpi_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_kpi_entries_lookup')

    op.drop_table('kpi_entries')
    op.drop_table('kpi_snapshots')
