"""lesson kinds video and document: stored files (database chunks or a folder) and lesson media per language

Revision ID: 7c4e1f2a9d30
Revises: 1502a85056cb
Create Date: 2026-12-05 13:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = "7c4e1f2a9d30"
down_revision = "1502a85056cb"
branch_labels = None
depends_on = None

LANGUAGES = "'nl', 'fr', 'de', 'en'"


def upgrade():
    op.create_table(
        "stored_file",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("backend", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("backend IN ('database', 'folder')", name=op.f("ck_stored_file_backend")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_stored_file")),
    )
    op.create_table(
        "stored_chunk",
        sa.Column("file_key", sa.String(length=64), nullable=False),
        sa.Column("number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["file_key"], ["stored_file.key"], name=op.f("fk_stored_chunk_file_key_stored_file"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("file_key", "number", name=op.f("pk_stored_chunk")),
    )
    op.create_table(
        "lesson_media",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("file_key", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=40), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"language IN ({LANGUAGES})", name=op.f("ck_lesson_media_language")),
        sa.CheckConstraint("role IN ('video', 'captions', 'document')", name=op.f("ck_lesson_media_role")),
        sa.ForeignKeyConstraint(["file_key"], ["stored_file.key"], name=op.f("fk_lesson_media_file_key_stored_file")),
        sa.ForeignKeyConstraint(["lesson_id"], ["lesson.id"], name=op.f("fk_lesson_media_lesson_id_lesson"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["user.id"], name=op.f("fk_lesson_media_uploaded_by_id_user"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lesson_media")),
        sa.UniqueConstraint("lesson_id", "language", "role", name=op.f("uq_lesson_media_lesson_id")),
    )
    with op.batch_alter_table("lesson_media", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_lesson_media_file_key"), ["file_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_lesson_media_lesson_id"), ["lesson_id"], unique=False)
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lesson_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_lesson_kind"), "kind IN ('text', 'video', 'document')")


def downgrade():
    # Video and document lessons stay, with their titles and the learners' progress, as text lessons: the
    # files they showed go with the tables below.
    op.execute("UPDATE lesson SET kind = 'text' WHERE kind <> 'text'")
    with op.batch_alter_table("lesson", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_lesson_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_lesson_kind"), "kind IN ('text')")
    with op.batch_alter_table("lesson_media", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_lesson_media_lesson_id"))
        batch_op.drop_index(batch_op.f("ix_lesson_media_file_key"))
    op.drop_table("lesson_media")
    op.drop_table("stored_chunk")
    op.drop_table("stored_file")
