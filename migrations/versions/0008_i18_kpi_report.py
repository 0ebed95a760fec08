"""kpi: corrections of managers' entries (with the value before), the state of each snapshot

Revision ID: 0008_i18
Revises: 0007_notify_kpi
"""
from alembic import op
import sqlalchemy as sa

revision = '0008_i18'
down_revision = '0007_notify_kpi'
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


def downgrade():
    with op.batch_alter_table('kpi_snapshots', schema=None) as batch_op:
        batch_op.drop_column('state')
    with op.batch_alter_table('kpi_entries', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_kpi_entries_corrects_id_kpi_entries'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_kpi_entries_corrects_id'), type_='unique')
        batch_op.drop_column('corrects_id')
        batch_op.drop_column('previous_value')
