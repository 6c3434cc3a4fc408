"""Factories: build rows with sensible defaults; keyword arguments override them."""

import itertools

from oscart.accounts.models import User
from oscart.companies.models import Company
from oscart.extensions import db
from oscart.security import TRAINEE, hash_password

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_company(**fields):
    n = next(_seq)
    company = Company(**{"name": f"Company {n}", "default_language": "nl", **fields})
    db.session.add(company)
    db.session.commit()
    return company


def make_user(role=TRAINEE, company=None, password=PASSWORD, **fields):
    n = next(_seq)
    user = User(
        **{
            "email": f"user{n}@example.com",
            "first_name": f"First{n}",
            "last_name": f"Last{n}",
            "language": "nl",
            "role": role,
            "company_id": company.id if company is not None else None,
            "password_hash": hash_password(password) if password else None,
            **fields,
        }
    )
    db.session.add(user)
    db.session.commit()
    return user


# --- Training ----------------------------------------------------------------------------------------

def make_course(*, titles=None, lessons=2, status="published", is_global=True, owner=None, companies=(),
                format="elearning", default_language="nl", completion_rule="lessons", quiz=None, **fields):
    """A course with ``titles`` ({language: title}) and ``lessons`` lessons translated in the same languages.

    ``quiz``: {language: [(question, [choices], correct index)]}, plus optional pass_percent/max_attempts keys.
    """
    from decimal import Decimal

    from oscart.training.models import Course, CourseCompany, CourseTranslation, Lesson, LessonTranslation
    from oscart.training.quiz_models import Choice, Question, Quiz

    n = next(_seq)
    titles = titles or {"nl": f"Cursus {n}", "fr": f"Cours {n}"}
    fields.setdefault("code", f"C-{n}")
    course = Course(format=format, status=status, is_global=is_global, duration_hours=Decimal("1.5"),
                    owner_company_id=owner.id if owner else None, default_language=default_language,
                    completion_rule=completion_rule, **fields)
    db.session.add(course)
    db.session.flush()
    for language, title in titles.items():
        db.session.add(CourseTranslation(course_id=course.id, language=language, title=title,
                                         summary=f"{title} summary"))
    for company in companies:
        db.session.add(CourseCompany(course_id=course.id, company_id=company.id))
    for position in range(1, lessons + 1):
        lesson = Lesson(course_id=course.id, position=position)
        db.session.add(lesson)
        db.session.flush()
        for language in titles:
            db.session.add(LessonTranslation(lesson_id=lesson.id, language=language,
                                             title=f"Les {position} {language}",
                                             body_source=f"Tekst {position} {language}",
                                             body_html=f"<p>Tekst {position} {language}</p>"))
    if quiz:
        quiz = dict(quiz)
        row = Quiz(course_id=course.id, pass_percent=quiz.pop("pass_percent", 50),
                   max_attempts=quiz.pop("max_attempts", 2))
        db.session.add(row)
        db.session.flush()
        for language, questions in quiz.items():
            for position, (text, choices, correct) in enumerate(questions, start=1):
                question = Question(quiz_id=row.id, language=language, position=position, text=text)
                db.session.add(question)
                db.session.flush()
                for index, choice in enumerate(choices):
                    db.session.add(Choice(question_id=question.id, position=index + 1, text=choice,
                                          is_correct=index == correct))
    db.session.commit()
    return course


def make_enrolment(user, course, **fields):
    from oscart.training.models import Enrolment

    enrolment = Enrolment(user_id=user.id, course_id=course.id, **fields)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment


def lesson_ids(course):
    from sqlalchemy import select

    from oscart.training.models import Lesson

    return list(db.session.scalars(select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position)))
