"""Knowledge check: questions with translations, question bank rules, attempts keep what they asked

A question was a row per language (language, text; its choices with a text). It becomes one question with a
translation per language (question_translation: text, explanation; choice_translation: answer text), a kind
(single, multiple, true_false) and a version. The n-th question of each language of a knowledge check becomes
one question when the languages agree on the number of answers and which of them are correct; a question that
does not match becomes a question with one language. Every attempt first gets what it asked, in its language
(quiz_attempt.questions), and its answers become lists, so no attempt loses its meaning.

Revision ID: 9e76eb068b71
Revises: 5a1c0e7d9b24
Create Date: 2026-12-05 05:11:18.463982

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e76eb068b71'
down_revision = '5a1c0e7d9b24'
branch_labels = None
depends_on = None

LANGUAGES = ("nl", "fr", "de", "en")

course = sa.table("course", sa.column("id", sa.Integer), sa.column("default_language", sa.String))
quiz = sa.table("quiz", sa.column("id", sa.Integer), sa.column("course_id", sa.Integer))
question = sa.table("question", sa.column("id", sa.Integer), sa.column("quiz_id", sa.Integer),
                    sa.column("language", sa.String), sa.column("position", sa.Integer),
                    sa.column("text", sa.Text), sa.column("kind", sa.String), sa.column("version", sa.Integer))
choice = sa.table("choice", sa.column("id", sa.Integer), sa.column("question_id", sa.Integer),
                  sa.column("position", sa.Integer), sa.column("text", sa.String), sa.column("is_correct", sa.Boolean))
question_translation = sa.table("question_translation", sa.column("question_id", sa.Integer),
                                sa.column("language", sa.String), sa.column("text", sa.Text),
                                sa.column("explanation", sa.Text))
choice_translation = sa.table("choice_translation", sa.column("choice_id", sa.Integer),
                              sa.column("language", sa.String), sa.column("text", sa.String))
attempt = sa.table("quiz_attempt", sa.column("id", sa.Integer), sa.column("quiz_id", sa.Integer),
                   sa.column("language", sa.String), sa.column("answers", sa.JSON), sa.column("questions", sa.JSON))


def upgrade():
    op.create_table('question_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), server_default='', nullable=False),
    sa.CheckConstraint("language IN ('nl', 'fr', 'de', 'en')", name=op.f('ck_question_translation_language')),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_translation_question_id_question'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_translation')),
    sa.UniqueConstraint('question_id', 'language', name=op.f('uq_question_translation_question_id'))
    )
    with op.batch_alter_table('question_translation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_translation_question_id'), ['question_id'], unique=False)

    op.create_table('choice_translation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('choice_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.CheckConstraint("language IN ('nl', 'fr', 'de', 'en')", name=op.f('ck_choice_translation_language')),
    sa.ForeignKeyConstraint(['choice_id'], ['choice.id'], name=op.f('fk_choice_translation_choice_id_choice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_choice_translation')),
    sa.UniqueConstraint('choice_id', 'language', name=op.f('uq_choice_translation_choice_id'))
    )
    with op.batch_alter_table('choice_translation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_choice_translation_choice_id'), ['choice_id'], unique=False)

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='single', nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f('ck_question_kind'), "kind IN ('single', 'multiple', 'true_false')")
        batch_op.create_check_constraint(op.f('ck_question_version'), 'version >= 1')

    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draw_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('wait_minutes', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('is_answers_shown', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_check_constraint(op.f('ck_quiz_draw_count'), 'draw_count >= 1')
        batch_op.create_check_constraint(op.f('ck_quiz_wait_minutes'), 'wait_minutes >= 0')

    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('questions', sa.JSON(), nullable=True))

    connection = op.get_bind()
    questions, choices = _read_questions(connection)
    _keep_what_attempts_asked(connection, questions, choices)
    _group_translations(connection, questions, choices)

    with op.batch_alter_table('choice', schema=None) as batch_op:
        batch_op.drop_column('text')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_language'))
        batch_op.drop_constraint(op.f('ck_question_language'), type_='check')
        batch_op.drop_column('language')
        batch_op.drop_column('text')


def _read_questions(connection):
    """{quiz id: {language: [question rows in order]}} and {question id: [choice rows in order]}."""
    questions = {}
    for row in connection.execute(sa.select(question.c.id, question.c.quiz_id, question.c.language,
                                            question.c.position, question.c.text)
                                  .order_by(question.c.quiz_id, question.c.position, question.c.id)):
        questions.setdefault(row.quiz_id, {}).setdefault(row.language, []).append(row)
    choices = {}
    for row in connection.execute(sa.select(choice.c.id, choice.c.question_id, choice.c.position, choice.c.text,
                                            choice.c.is_correct).order_by(choice.c.position, choice.c.id)):
        choices.setdefault(row.question_id, []).append(row)
    return questions, choices


def _keep_what_attempts_asked(connection, questions, choices):
    rows = connection.execute(sa.select(attempt.c.id, attempt.c.quiz_id, attempt.c.language,
                                        attempt.c.answers)).all()
    for row in rows:
        asked = [{"id": q.id, "kind": "single", "language": q.language, "text": q.text, "explanation": "",
                  "choices": [{"id": c.id, "text": c.text, "correct": bool(c.is_correct)}
                              for c in choices.get(q.id, [])]}
                 for q in questions.get(row.quiz_id, {}).get(row.language, [])]
        answers = {str(key): value if isinstance(value, list) else [value]
                   for key, value in (row.answers or {}).items() if value is not None}
        connection.execute(attempt.update().where(attempt.c.id == row.id)
                           .values(questions=asked, answers=answers if row.answers is not None else None))


def _shape(question_id, choices):
    rows = choices.get(question_id, [])
    return len(rows), tuple(index for index, row in enumerate(rows) if row.is_correct)


def _group_translations(connection, questions, choices):
    defaults = dict(connection.execute(sa.select(quiz.c.id, course.c.default_language)
                                       .join(course, course.c.id == quiz.c.course_id)).all())
    for quiz_id, by_language in questions.items():
        order = sorted(by_language, key=lambda code: (code != defaults.get(quiz_id), LANGUAGES.index(code)
                                                      if code in LANGUAGES else len(LANGUAGES)))
        position, alone = 0, []
        for rank in range(max(len(rows) for rows in by_language.values())):
            members = [(code, by_language[code][rank]) for code in order if rank < len(by_language[code])]
            base_code, base = members[0]
            shape = _shape(base.id, choices)
            matched = [(code, row) for code, row in members if _shape(row.id, choices) == shape]
            alone += [(code, row) for code, row in members if _shape(row.id, choices) != shape]
            position += 1
            _merge(connection, base, matched, choices, position)
        for code, row in alone:
            position += 1
            _merge(connection, row, [(code, row)], choices, position)


def _merge(connection, base, members, choices, position):
    """``base`` becomes the question with a translation per member; the other members' rows go."""
    connection.execute(question.update().where(question.c.id == base.id).values(position=position))
    base_choices = choices.get(base.id, [])
    for code, row in members:
        connection.execute(question_translation.insert().values(question_id=base.id, language=code, text=row.text,
                                                                explanation=""))
        for base_choice, member_choice in zip(base_choices, choices.get(row.id, []), strict=True):
            connection.execute(choice_translation.insert().values(choice_id=base_choice.id, language=code,
                                                                  text=member_choice.text))
        if row.id != base.id:
            connection.execute(choice.delete().where(choice.c.question_id == row.id))
            connection.execute(question.delete().where(question.c.id == row.id))


def downgrade():
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text', sa.TEXT(), nullable=True))
        batch_op.add_column(sa.Column('language', sa.VARCHAR(length=2), nullable=True))
    with op.batch_alter_table('choice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text', sa.VARCHAR(length=500), nullable=True))

    _split_translations(op.get_bind())

    with op.batch_alter_table('choice', schema=None) as batch_op:
        batch_op.alter_column('text', existing_type=sa.VARCHAR(length=500), nullable=False)
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.alter_column('text', existing_type=sa.TEXT(), nullable=False)
        batch_op.alter_column('language', existing_type=sa.VARCHAR(length=2), nullable=False)
        batch_op.create_index(batch_op.f('ix_question_language'), ['language'], unique=False)
        batch_op.create_check_constraint(op.f('ck_question_language'), "language IN ('nl', 'fr', 'de', 'en')")
        batch_op.drop_constraint(op.f('ck_question_kind'), type_='check')
        batch_op.drop_constraint(op.f('ck_question_version'), type_='check')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('version')
        batch_op.drop_column('kind')

    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_column('questions')

    with op.batch_alter_table('quiz', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_quiz_draw_count'), type_='check')
        batch_op.drop_constraint(op.f('ck_quiz_wait_minutes'), type_='check')
        batch_op.drop_column('is_answers_shown')
        batch_op.drop_column('wait_minutes')
        batch_op.drop_column('draw_count')

    with op.batch_alter_table('choice_translation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_choice_translation_choice_id'))
    op.drop_table('choice_translation')
    with op.batch_alter_table('question_translation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_translation_question_id'))
    op.drop_table('question_translation')


def _split_translations(connection):
    """Back to a question per language: the first translation stays on the question, every other becomes a copy
    with copies of the choices (true/false answers get the English words; the kind is lost)."""
    texts = {}
    for row in connection.execute(sa.select(question_translation.c.question_id, question_translation.c.language,
                                            question_translation.c.text)):
        texts.setdefault(row.question_id, {})[row.language] = row.text
    answer_texts = {}
    for row in connection.execute(sa.select(choice_translation.c.choice_id, choice_translation.c.language,
                                            choice_translation.c.text)):
        answer_texts.setdefault(row.choice_id, {})[row.language] = row.text
    rows = connection.execute(sa.select(question.c.id, question.c.quiz_id, question.c.position)).all()
    choice_rows = connection.execute(sa.select(choice.c.id, choice.c.question_id, choice.c.position,
                                               choice.c.is_correct).order_by(choice.c.position)).all()
    for row in rows:
        languages = sorted(texts.get(row.id, {"nl": ""}), key=lambda code: LANGUAGES.index(code))
        own = [c for c in choice_rows if c.question_id == row.id]
        for index, code in enumerate(languages):
            target = row.id
            if index:
                target = connection.execute(question.insert().values(
                    quiz_id=row.quiz_id, position=row.position, language=code, text="", kind="single", version=1)
                    .returning(question.c.id)).scalar_one()
            connection.execute(question.update().where(question.c.id == target).values(
                language=code, text=texts.get(row.id, {}).get(code, "")))
            for c in own:
                text = answer_texts.get(c.id, {}).get(code) or ("True" if c.position == 1 else "False")
                if index:
                    connection.execute(choice.insert().values(question_id=target, position=c.position, text=text,
                                                              is_correct=c.is_correct))
                else:
                    connection.execute(choice.update().where(choice.c.id == c.id).values(text=text))
