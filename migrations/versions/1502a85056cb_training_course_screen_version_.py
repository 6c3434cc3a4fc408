"""training: the course screen's version counter; a course's description and objectives per language

course.version grows with every save of the one-screen course editor, so that two authors saving the same course
get a conflict instead of overwriting each other. course_translation gets a description and objectives (one per
line) beside the title and summary.

Revision ID: 1502a85056cb
Revises: 02cbee0d7cc5
Create Date: 2026-12-05 13:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1502a85056cb'
down_revision = '02cbee0d7cc5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_check_constraint(op.f('ck_course_version'), 'version >= 1')
    with op.batch_alter_table('course_translation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('objectives', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('course_translation', schema=None) as batch_op:
        batch_op.drop_column('objectives')
        batch_op.drop_column('description')
    with op.batch_alter_table('course', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_course_version'), type_='check')
        batch_op.drop_column('version')
