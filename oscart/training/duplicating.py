"""Duplicating a course into a new draft, for instance a company's own variant of an Oscart course.

The copy takes the course's content only: its settings, texts, lessons (with their videos, captions and
documents), images and question bank. Nothing
about people (enrolments, progress, attempts, completions, certificates, sessions) is ever copied."""

import re

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import exists, select
from sqlalchemy.orm import undefer

from oscart.audit.services import record_event
from oscart.companies.models import Company
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.security import can
from oscart.training.authoring import manageable_clause
from oscart.training.content import IMAGE_URL_PREFIX
from oscart.training.media import copy_media
from oscart.training.models import (
    DRAFT,
    Course,
    CourseCompany,
    CourseTranslation,
    Lesson,
    LessonImage,
    LessonTranslation,
)
from oscart.training.quiz_models import Choice, ChoiceTranslation, Question, QuestionTranslation, Quiz

CODE_LENGTH = Course.__table__.c.code.type.length
_IMAGE_URL = re.compile(re.escape(IMAGE_URL_PREFIX) + r"(\d+)(?!\d)")


def suggested_code(course):
    """CODE-2, CODE-3, … : the first that no course uses yet."""
    number = 2
    while True:
        suffix = f"-{number}"
        code = course.code[:CODE_LENGTH - len(suffix)] + suffix
        if not db.session.scalar(select(exists().where(Course.code == code))):
            return code
        number += 1


def duplicate_course(course, *, actor, code, company_id=None):
    """A new draft with ``course``'s content under ``code``. A company admin's copy is the company's own;
    Oscart staff may make it for one company (``company_id``: not global, assigned to that company only)."""
    manageable_clause(actor)
    code = (code or "").strip().upper()
    if not code or len(code) > CODE_LENGTH:
        raise RuleViolation(lazy_ngettext("Enter a code of at most %(num)d character.",
                                          "Enter a code of at most %(num)d characters.", CODE_LENGTH), "code")
    if db.session.scalar(select(exists().where(Course.code == code))):
        raise RuleViolation(_l("Another course already uses this code."), "code")
    if company_id is not None and (not can(actor, "training.author") or db.session.get(Company, company_id) is None):
        raise RuleViolation(_l("Choose one of the offered companies."), "company_id")
    copy = _clone(course, code=code, status=DRAFT, published_at=None, created_by_id=actor.id,
                  created_at=utcnow(), updated_at=utcnow())
    if company_id is not None:
        copy.is_global = False
        db.session.add(CourseCompany(course_id=copy.id, company_id=company_id))
    elif course.owner_company_id is None:
        for row in db.session.scalars(select(CourseCompany).where(CourseCompany.course_id == course.id)).all():
            _clone(row, course_id=copy.id, assigned_at=utcnow())
    for row in db.session.scalars(select(CourseTranslation).where(CourseTranslation.course_id == course.id)).all():
        _clone(row, course_id=copy.id, updated_at=utcnow())
    images = {row.id: _clone(row, course_id=copy.id, uploaded_by_id=actor.id, uploaded_at=utcnow()).id
              for row in db.session.scalars(select(LessonImage).options(undefer(LessonImage.data))
                                            .where(LessonImage.course_id == course.id).order_by(LessonImage.id)).all()}
    _copy_lessons(course, copy, images)
    _copy_quiz(course, copy)
    record_event("training.course_duplicated", actor=actor, company_id=copy.owner_company_id,
                 target=f"course:{copy.id}", source=f"course:{course.id}", code=code, for_company_id=company_id)
    return copy


def _clone(row, **values):
    """A new row of the same table with every column copied except the primary key, then ``values``."""
    table = row.__table__
    data = {column.key: getattr(row, column.key) for column in table.columns if not column.primary_key}
    clone = type(row)(**{**data, **values})
    db.session.add(clone)
    db.session.flush()
    return clone


def _copy_lessons(course, copy, images):
    def moved(text):
        return _IMAGE_URL.sub(lambda m: f"{IMAGE_URL_PREFIX}{images.get(int(m.group(1)), m.group(1))}", text or "")

    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)).all()
    new_ids = {lesson.id: _clone(lesson, course_id=copy.id).id for lesson in lessons}
    translations = db.session.scalars(select(LessonTranslation).where(LessonTranslation.lesson_id.in_(new_ids)))
    for row in translations.all():
        _clone(row, lesson_id=new_ids[row.lesson_id], body_source=moved(row.body_source),
               body_html=moved(row.body_html), updated_at=utcnow())
    copy_media(new_ids)


def _copy_quiz(course, copy):
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id))
    if quiz is None:
        return
    new_quiz = _clone(quiz, course_id=copy.id)
    questions = db.session.scalars(select(Question).where(Question.quiz_id == quiz.id)
                                   .order_by(Question.position, Question.id)).all()
    question_ids = {q.id: _clone(q, quiz_id=new_quiz.id, version=1, updated_at=utcnow()).id for q in questions}
    for row in db.session.scalars(select(QuestionTranslation)
                                  .where(QuestionTranslation.question_id.in_(question_ids))).all():
        _clone(row, question_id=question_ids[row.question_id])
    choices = db.session.scalars(select(Choice).where(Choice.question_id.in_(question_ids))
                                 .order_by(Choice.question_id, Choice.position)).all()
    choice_ids = {c.id: _clone(c, question_id=question_ids[c.question_id]).id for c in choices}
    for row in db.session.scalars(select(ChoiceTranslation).where(ChoiceTranslation.choice_id.in_(choice_ids))).all():
        _clone(row, choice_id=choice_ids[row.choice_id])
