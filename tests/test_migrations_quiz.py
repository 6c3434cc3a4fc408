"""The upgrade to questions with translations keeps every question and every attempt, on SQLite and PostgreSQL."""

from datetime import UTC, datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from oscart import create_app
from oscart.core.extensions import db
from tests.test_migrations import migration_database  # noqa: F401 (the fixture)

BEFORE = "5a1c0e7d9b24"  # the revision before questions had translations
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
VALUES = {sa.Integer: 1, sa.String: "x", sa.Text: "x", sa.Boolean: True, sa.DateTime: NOW, sa.Numeric: Decimal(1),
          sa.JSON: {}, sa.Date: NOW.date()}
KNOWN = {"language": "nl", "default_language": "nl", "role": "trainee", "format": "elearning", "status": "published",
         "completion_rule": "lessons_quiz", "attendance_threshold_percent": 100, "pass_percent": 50,
         "max_attempts": 3, "failed_login_count": 0, "progress_percent": 0}


def insert(conn, table_name, **values):
    """A row of table ``table_name`` with ``values`` and a plain value in every other required column."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=conn)
    row = dict(values)
    for column in table.columns:
        if column.name in row or column.nullable or column.server_default is not None or column.primary_key:
            continue
        row[column.name] = KNOWN.get(column.name, next(
            (value for kind, value in VALUES.items() if isinstance(column.type, kind)), "x"))
    return conn.execute(table.insert().values(**row).returning(table.c.id)).scalar_one()


def seed_old_quiz(conn):
    """A knowledge check written per language: two Dutch and two French questions that match, a German one with
    a different number of answers, and a Dutch attempt with its answers."""
    company = insert(conn, "company", name="Acme")
    user = insert(conn, "user", email="anna@example.com", company_id=company)
    course = insert(conn, "course", code="Q-1")
    enrolment = insert(conn, "enrolment", user_id=user, course_id=course, status="in_progress")
    quiz = insert(conn, "quiz", course_id=course)
    ids = {}
    for language, texts in {"nl": ["Wat draag je?", "Welk nummer?"], "fr": ["Que portez-vous ?", "Quel numéro ?"],
                            "de": ["Was tragen Sie?"]}.items():
        for position, text in enumerate(texts, start=1):
            question = insert(conn, "question", quiz_id=quiz, language=language, position=position, text=text)
            answers = [f"{language} {position} goed", f"{language} {position} fout"]
            if language == "de":
                answers.append("dritte")
            ids[(language, position)] = (question, [insert(conn, "choice", question_id=question, position=index + 1,
                                                           text=answer, is_correct=index == 0)
                                                    for index, answer in enumerate(answers)])
    nl_1, nl_2 = ids[("nl", 1)], ids[("nl", 2)]
    attempt = insert(conn, "quiz_attempt", enrolment_id=enrolment, quiz_id=quiz, language="nl", started_at=NOW,
                     submitted_at=NOW, score_percent=50, is_passed=False,
                     answers={str(nl_1[0]): nl_1[1][0], str(nl_2[0]): nl_2[1][1]})
    return quiz, ids, attempt


def test_questions_per_language_become_questions_with_translations_and_attempts_keep_what_they_asked(
        migration_database):  # noqa: F811
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migration_database})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            quiz, ids, attempt_id = seed_old_quiz(conn)
        upgrade()
        with db.engine.connect() as conn:
            questions = conn.execute(sa.text("SELECT id, kind, position, version FROM question WHERE quiz_id = :q "
                                             "ORDER BY position"), {"q": quiz}).all()
            texts = conn.execute(sa.text("SELECT question_id, language, text FROM question_translation "
                                         "ORDER BY question_id, language")).all()
            answers = conn.execute(sa.text("SELECT c.question_id, c.position, c.is_correct, t.language, t.text "
                                           "FROM choice c JOIN choice_translation t ON t.choice_id = c.id "
                                           "WHERE t.language = 'fr' ORDER BY c.question_id, c.position")).all()
            attempt = conn.execute(sa.text("SELECT questions, answers FROM quiz_attempt WHERE id = :a"),
                                   {"a": attempt_id}).one()
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            restored = conn.execute(sa.text("SELECT language, text FROM question ORDER BY language, text")).all()
        db.engine.dispose()
    nl_1, nl_2, de_1 = ids[("nl", 1)][0], ids[("nl", 2)][0], ids[("de", 1)][0]
    assert [(q.id, q.kind, q.position, q.version) for q in questions] == [
        (nl_1, "single", 1, 1), (nl_2, "single", 2, 1), (de_1, "single", 3, 1)]
    assert [tuple(row) for row in texts] == [
        (nl_1, "fr", "Que portez-vous ?"), (nl_1, "nl", "Wat draag je?"),
        (nl_2, "fr", "Quel numéro ?"), (nl_2, "nl", "Welk nummer?"), (de_1, "de", "Was tragen Sie?")]
    assert [tuple(row) for row in answers] == [(nl_1, 1, True, "fr", "fr 1 goed"), (nl_1, 2, False, "fr", "fr 1 fout"),
                                               (nl_2, 1, True, "fr", "fr 2 goed"), (nl_2, 2, False, "fr", "fr 2 fout")]
    asked, chosen = attempt.questions, attempt.answers
    if isinstance(asked, str):  # SQLite hands JSON back as text through a plain SELECT
        import json

        asked, chosen = json.loads(asked), json.loads(chosen)
    assert [(q["id"], q["text"], [c["text"] for c in q["choices"] if c["correct"]]) for q in asked] == [
        (nl_1, "Wat draag je?", ["nl 1 goed"]), (nl_2, "Welk nummer?", ["nl 2 goed"])]
    assert chosen == {str(nl_1): [ids[("nl", 1)][1][0]], str(nl_2): [ids[("nl", 2)][1][1]]}
    assert [tuple(row) for row in restored] == [("de", "Was tragen Sie?"), ("fr", "Que portez-vous ?"),
                                                ("fr", "Quel numéro ?"), ("nl", "Wat draag je?"),
                                                ("nl", "Welk nummer?")]
