"""education: institutions, courses, sessions, enrolments and certificates

Revision ID: 0006_education
Revises: 0005_bus
"""
from alembic import op
import sqlalchemy as sa

revision = '0006_education'
down_revision = '0005_bus'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('education_institutions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_institutions')),
    sa.UniqueConstraint('name', name=op.f('uq_education_institutions_name'))
    )
    op.create_table('education_courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('title_ko', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('description_ko', sa.Text(), nullable=True),
    sa.Column('description_en', sa.Text(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('audience', sa.String(length=20), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('completion_percent', sa.Integer(), nullable=False),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['education_institutions.id'], name=op.f('fk_education_courses_institution_id_education_institutions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_courses'))
    )
    with op.batch_alter_table('education_courses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_education_courses_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_courses_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_courses_year'), ['year'], unique=False)

    op.create_table('education_coordinators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['institution_id'], ['education_institutions.id'], name=op.f('fk_education_coordinators_institution_id_education_institutions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_education_coordinators_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_coordinators')),
    sa.UniqueConstraint('institution_id', 'user_id', name=op.f('uq_education_coordinators_institution_id_user_id'))
    )
    with op.batch_alter_table('education_coordinators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_education_coordinators_user_id'), ['user_id'], unique=False)

    op.create_table('education_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('institution_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('enrolled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['education_courses.id'], name=op.f('fk_education_enrolments_course_id_education_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enrolled_by_id'], ['users.id'], name=op.f('fk_education_enrolments_enrolled_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['institution_id'], ['education_institutions.id'], name=op.f('fk_education_enrolments_institution_id_education_institutions')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_education_enrolments_person_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_enrolments')),
    sa.UniqueConstraint('code', name=op.f('uq_education_enrolments_code'))
    )
    with op.batch_alter_table('education_enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_education_enrolments_course_status', ['course_id', 'status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_enrolments_institution_id'), ['institution_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_enrolments_person_id'), ['person_id'], unique=False)
        batch_op.create_index('uq_education_enrolments_live', ['course_id', 'person_id'], unique=True, sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))

    op.create_table('education_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('online_url', sa.String(length=500), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('teacher', sa.String(length=100), nullable=True),
    sa.Column('teacher_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['education_courses.id'], name=op.f('fk_education_sessions_course_id_education_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['teacher_user_id'], ['users.id'], name=op.f('fk_education_sessions_teacher_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_sessions'))
    )
    with op.batch_alter_table('education_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_education_sessions_course_start', ['course_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_sessions_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_education_sessions_teacher_user_id'), ['teacher_user_id'], unique=False)

    op.create_table('education_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoke_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['enrolment_id'], ['education_enrolments.id'], name=op.f('fk_education_certificates_enrolment_id_education_enrolments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_education_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_education_certificates_code')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_education_certificates_enrolment_id'))
    )


def downgrade():
    op.drop_table('education_certificates')
    with op.batch_alter_table('education_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_sessions_teacher_user_id'))
        batch_op.drop_index(batch_op.f('ix_education_sessions_starts_at'))
        batch_op.drop_index('ix_education_sessions_course_start')

    op.drop_table('education_sessions')
    with op.batch_alter_table('education_enrolments', schema=None) as batch_op:
        batch_op.drop_index('uq_education_enrolments_live', sqlite_where=sa.text("status != 'cancelled'"), postgresql_where=sa.text("status != 'cancelled'"))
        batch_op.drop_index(batch_op.f('ix_education_enrolments_person_id'))
        batch_op.drop_index(batch_op.f('ix_education_enrolments_institution_id'))
        batch_op.drop_index('ix_education_enrolments_course_status')

    op.drop_table('education_enrolments')
    with op.batch_alter_table('education_coordinators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_coordinators_user_id'))

    op.drop_table('education_coordinators')
    with op.batch_alter_table('education_courses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_education_courses_year'))
        batch_op.drop_index(batch_op.f('ix_education_courses_kind'))
        batch_op.drop_index(batch_op.f('ix_education_courses_institution_id'))

    op.drop_table('education_courses')
    op.drop_table('education_institutions')
