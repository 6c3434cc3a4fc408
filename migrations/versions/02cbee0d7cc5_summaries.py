"""summaries: the training matrix's cells and the report's counts, kept per company; people by name per company

matrix_cell holds where each visible person of a company stands in each course (enrolment, current certificates,
places in coming sessions, and the status until it changes with time); summary_count holds the counts the report
and the matrix's column order read (per company, scope (0 or a group), kind, moment and item). Both are kept in
step by oscart.assignments.tracking in the transactions that change their rows. The tables start empty: on an
installation with data, run ``flask --app app summaries rebuild`` once after this upgrade (README: Company figures).
ix_user_company_name reads a page of a company's people in name order and counts them from the index.

Revision ID: 02cbee0d7cc5
Revises: b7d35e0c41a2
Create Date: 2026-12-05 09:07:01.357852

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '02cbee0d7cc5'
down_revision = 'b7d35e0c41a2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('summary_count',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_summary_count_company_id_company'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_summary_count')),
    sa.UniqueConstraint('company_id', 'scope_id', 'kind', 'at', 'item_id', name=op.f('uq_summary_count_company_id'))
    )
    op.create_table('matrix_cell',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('is_enrolled', sa.Boolean(), nullable=False),
    sa.Column('is_completed', sa.Boolean(), nullable=False),
    sa.Column('progress_percent', sa.Integer(), nullable=True),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('is_lasting', sa.Boolean(), nullable=False),
    sa.Column('completed_on', sa.Date(), nullable=True),
    sa.Column('booked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_starts_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_ends_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('changes_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['company.id'], name=op.f('fk_matrix_cell_company_id_company'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_matrix_cell_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_matrix_cell_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_matrix_cell')),
    sa.UniqueConstraint('user_id', 'course_id', name=op.f('uq_matrix_cell_user_id'))
    )
    with op.batch_alter_table('matrix_cell', schema=None) as batch_op:
        batch_op.create_index('ix_matrix_cell_changes_at', ['changes_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_matrix_cell_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_matrix_cell_course_id'), ['course_id'], unique=False)
        batch_op.create_index('ix_matrix_cell_user_changes_at', ['user_id', 'changes_at'], unique=False)
        batch_op.create_index('ix_matrix_cell_user_status', ['user_id', 'status', 'changes_at'], unique=False)

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_index('ix_user_company_name', ['company_id', 'last_name', 'first_name', 'id', 'is_active', 'is_restricted', 'is_anonymised'], unique=False)



def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_index('ix_user_company_name')

    with op.batch_alter_table('matrix_cell', schema=None) as batch_op:
        batch_op.drop_index('ix_matrix_cell_user_status')
        batch_op.drop_index('ix_matrix_cell_user_changes_at')
        batch_op.drop_index(batch_op.f('ix_matrix_cell_course_id'))
        batch_op.drop_index(batch_op.f('ix_matrix_cell_company_id'))
        batch_op.drop_index('ix_matrix_cell_changes_at')

    op.drop_table('matrix_cell')
    op.drop_table('summary_count')
