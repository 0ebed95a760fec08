"""the plan's audit trail: each change a manager makes to a year's targets, budget lines or state

Revision ID: 0010_i14p
Revises: 0010_i14o
"""
from alembic import op
import sqlalchemy as sa

revision = '0010_i14p'
down_revision = '0010_i14o'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('plan_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('item', sa.String(length=80), nullable=False),
    sa.Column('item_name', sa.String(length=200), nullable=False),
    sa.Column('field', sa.String(length=20), nullable=False),
    sa.Column('old_value', sa.String(length=200), nullable=True),
    sa.Column('new_value', sa.String(length=200), nullable=True),
    sa.Column('reason', sa.String(length=300), nullable=True),
    sa.Column('changed_by_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_plan_changes_changed_by_id_users'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_changes'))
    )
    with op.batch_alter_table('plan_changes', schema=None) as batch_op:
        batch_op.create_index('ix_plan_changes_year', ['year', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_changes_year')
    op.drop_table('plan_changes')
