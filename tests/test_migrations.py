"""The migrations build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from oscart import create_app
from oscart.extensions import db


def test_migrations_match_models(tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
        db.engine.dispose()
    assert diff == []


def test_existing_course_texts_become_searchable_when_the_search_column_is_added(tmp_path):
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="24589ed106cd")  # the revision before the search column
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO course (id, code, format, duration_hours, status, default_language, "
                              "is_global, completion_rule, attendance_threshold_percent, created_at, updated_at) "
                              "VALUES (1, 'S1', 'elearning', 1, 'published', 'fr', 1, 'lessons', 100, "
                              "'2026-01-01', '2026-01-01')"))
            conn.execute(text("INSERT INTO course_translation (course_id, language, title, summary, updated_at) "
                              "VALUES (1, 'fr', 'Sécurité au Travail', 'Prévention', '2026-01-01')"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT search_text FROM course_translation")).scalar() == \
                "securite au travail prevention"
        db.engine.dispose()


def test_existing_two_step_secrets_are_encrypted_by_the_upgrade_and_decrypted_by_the_downgrade(tmp_path):
    from flask_migrate import downgrade
    from sqlalchemy import text

    from oscart.auth.encryption import decrypt

    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="b51b4414dfc7")  # the revision before the encryption
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO user (id, email, first_name, last_name, language, role, is_active, "
                              "failed_login_count, password_changed_at, created_at, updated_at, two_step_secret) "
                              "VALUES (1, 'a@example.com', 'A', 'B', 'nl', 'trainee', 1, 0, '2026-01-01', "
                              "'2026-01-01', '2026-01-01', 'JBSWY3DPEHPK3PXP')"))
        upgrade()
        with db.engine.connect() as conn:
            stored = conn.execute(text("SELECT two_step_secret FROM user")).scalar()
        assert stored != "JBSWY3DPEHPK3PXP" and decrypt(stored) == "JBSWY3DPEHPK3PXP"
        downgrade(revision="b51b4414dfc7")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT two_step_secret FROM user")).scalar() == "JBSWY3DPEHPK3PXP"
        db.engine.dispose()
