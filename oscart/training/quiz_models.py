"""The knowledge check at the end of a course: questions per language, attempts checked on the server."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oscart.core.database import UTCDateTime, at_least, one_of, percent, utcnow
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES


class Quiz(db.Model):
    __table_args__ = (percent("pass_percent"), at_least("max_attempts", 1))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), unique=True)
    pass_percent: Mapped[int] = mapped_column(Integer, default=70)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)


class Question(db.Model):
    """A multiple-choice question in one language; each language has its own set."""

    __table_args__ = (one_of("language", LANGUAGES), at_least("position", 1))

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text)

    choices = relationship("Choice", lazy="raise", order_by="Choice.position", cascade="all, delete-orphan")


class Choice(db.Model):
    __table_args__ = (at_least("position", 1),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(String(500))
    is_correct: Mapped[bool] = mapped_column(Boolean, default=False)


class QuizAttempt(db.Model):
    """One attempt: started by a POST, submitted once; a second submission of the same form is refused."""

    __table_args__ = (one_of("language", LANGUAGES), percent("score_percent"))

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quiz.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score_percent: Mapped[int | None] = mapped_column(Integer)
    is_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    answers: Mapped[dict | None] = mapped_column(JSON)  # question id → chosen choice id
