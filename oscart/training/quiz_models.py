"""The knowledge check at the end of a course: a bank of questions, each with its translations, and attempts
that keep what was asked and answered (so editing or removing a question never changes an old attempt)."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oscart.core.database import UTCDateTime, at_least, one_of, percent, utcnow
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES

SINGLE, MULTIPLE, TRUE_FALSE = "single", "multiple", "true_false"
KINDS = (SINGLE, MULTIPLE, TRUE_FALSE)
MAX_CHOICES = 6


class Quiz(db.Model):
    """The course's question bank and its rules: ``draw_count`` questions drawn per attempt (all when empty),
    ``wait_minutes`` between attempts, and whether a learner sees the right answers after an attempt."""

    __table_args__ = (percent("pass_percent"), at_least("max_attempts", 1), at_least("draw_count", 1),
                      at_least("wait_minutes", 0))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), unique=True)
    pass_percent: Mapped[int] = mapped_column(Integer, default=70)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    draw_count: Mapped[int | None] = mapped_column(Integer)
    wait_minutes: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    is_answers_shown: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")


class Question(db.Model):
    """One question of the bank; its text, answers and explanation per language are translations.
    ``version`` grows with every save: an editor that loaded an older version gets a conflict."""

    __table_args__ = (one_of("kind", KINDS), at_least("position", 1), at_least("version", 1))

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=SINGLE, server_default=SINGLE)
    position: Mapped[int] = mapped_column(Integer, default=1)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=utcnow)

    choices = relationship("Choice", lazy="raise", order_by="Choice.position", cascade="all, delete-orphan")
    translations = relationship("QuestionTranslation", lazy="raise", cascade="all, delete-orphan")


class QuestionTranslation(db.Model):
    __table_args__ = (UniqueConstraint("question_id", "language"), one_of("language", LANGUAGES))

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="", server_default="")


class Choice(db.Model):
    """An answer of a question; its text per language is a ChoiceTranslation (true/false answers have none:
    the portal's own words are shown)."""

    __table_args__ = (at_least("position", 1),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    is_correct: Mapped[bool] = mapped_column(Boolean, default=False)

    translations = relationship("ChoiceTranslation", lazy="raise", cascade="all, delete-orphan")


class ChoiceTranslation(db.Model):
    __table_args__ = (UniqueConstraint("choice_id", "language"), one_of("language", LANGUAGES))

    id: Mapped[int] = mapped_column(primary_key=True)
    choice_id: Mapped[int] = mapped_column(ForeignKey("choice.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    text: Mapped[str] = mapped_column(String(500))


class QuizAttempt(db.Model):
    """One attempt: started by a POST, submitted once; a second submission of the same form is refused.

    ``questions`` is what was asked, fixed when the attempt starts: the drawn questions in their order, each
    with its language, text, explanation and answers in their shuffled order with the correct ones marked.
    ``answers`` maps a question id to the ids of the chosen answers.
    """

    __table_args__ = (one_of("language", LANGUAGES), percent("score_percent"))

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score_percent: Mapped[int | None] = mapped_column(Integer)
    is_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    questions: Mapped[list | None] = mapped_column(JSON)
    answers: Mapped[dict | None] = mapped_column(JSON)
