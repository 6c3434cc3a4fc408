"""Factories: build rows with sensible defaults; keyword arguments override them."""

import itertools

from oscart.accounts.models import User
from oscart.companies.models import Company
from oscart.core.extensions import db
from oscart.core.security import TRAINEE, hash_password

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


# --- Account security (two-step login, audit) ----------------------------------------------------------

def enable_two_step(user, *, codes=False):
    """Switch two-step login on for ``user`` directly; return its secret (and recovery codes if asked)."""
    from datetime import timedelta

    from oscart.auth import twostep
    from oscart.core.database import utcnow

    secret = twostep.begin_enrolment(user)
    earlier = utcnow() - timedelta(minutes=5)  # confirm with an old code, so current codes stay unused
    recovery = twostep.confirm_enrolment(user, pyotp_code(secret, earlier), now=earlier)
    db.session.commit()
    return (secret, recovery) if codes else secret


def pyotp_code(secret, when=None):
    import pyotp

    totp = pyotp.TOTP(secret)
    return totp.at(when) if when is not None else totp.now()


# --- Privacy -----------------------------------------------------------------------------------------


def give_consent(user, purpose, granted=True, ip="198.51.100.1"):
    from oscart.privacy.consents import record_consent

    consent = record_consent(user, purpose, granted, actor=user, ip=ip)
    db.session.commit()
    return consent


def make_privacy_course(code=None, title="First aid", **fields):
    from oscart.training.models import PUBLISHED, Course, CourseTranslation

    n = next(_seq)
    course = Course(code=code or f"C{n}", status=PUBLISHED, **fields)
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseTranslation(course_id=course.id, language="nl", title=title))
    db.session.commit()
    return course


# --- Classroom --------------------------------------------------------------------------------------

def make_classroom_course(code=None, format="classroom", threshold=100, title="Safety basics", **fields):
    from oscart.training.models import PUBLISHED, Course, CourseTranslation

    course = Course(code=code or f"C{next(_seq)}", format=format, attendance_threshold_percent=threshold,
                    status=PUBLISHED, **fields)
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseTranslation(course_id=course.id, language="nl", title=title))
    db.session.add(CourseTranslation(course_id=course.id, language="fr", title=f"{title} (fr)"))
    db.session.commit()
    return course


# --- Certificates -----------------------------------------------------------------------------------

def make_course(code=None, *, titles=None, format="elearning", hours="4", validity_months=None, **fields):
    from decimal import Decimal

    from oscart.training.models import PUBLISHED, Course, CourseTranslation

    n = next(_seq)
    course = Course(code=code or f"C{n}", format=format, duration_hours=Decimal(hours), validity_months=validity_months,
                    status=PUBLISHED, **fields)
    db.session.add(course)
    db.session.flush()
    for language, title in (titles or {"nl": f"Cursus {n}", "fr": f"Cours {n}", "de": f"Kurs {n}",
                                       "en": f"Course {n}"}).items():
        db.session.add(CourseTranslation(course_id=course.id, language=language, title=title))
    db.session.commit()
    return course


# --- Training ----------------------------------------------------------------------------------------

def make_elearning_course(*, titles=None, lessons=2, status="published", is_global=True, owner=None, companies=(),
                format="elearning", default_language="nl", completion_rule="lessons", quiz=None, **fields):
    """A course with ``titles`` ({language: title}) and ``lessons`` lessons translated in the same languages.

    ``quiz``: {language: [(question, [choices], correct index or indexes[, kind])]}, plus optional keys
    pass_percent, max_attempts, draw_count, wait_minutes, is_answers_shown. The n-th question of each language
    is one question with a translation per language.
    """
    from decimal import Decimal

    from oscart.training.models import Course, CourseCompany, CourseTranslation, Lesson, LessonTranslation
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
        _make_quiz(course, dict(quiz))
    db.session.commit()
    return course


def _make_quiz(course, spec):
    from oscart.training.quiz_models import Choice, ChoiceTranslation, Question, QuestionTranslation, Quiz

    row = Quiz(course_id=course.id, pass_percent=spec.pop("pass_percent", 50), max_attempts=spec.pop("max_attempts", 2),
               draw_count=spec.pop("draw_count", None), wait_minutes=spec.pop("wait_minutes", 0),
               is_answers_shown=spec.pop("is_answers_shown", False))
    db.session.add(row)
    db.session.flush()
    for position in range(1, max(len(questions) for questions in spec.values()) + 1):
        texts = {language: questions[position - 1] for language, questions in spec.items()
                 if len(questions) >= position}
        first = next(iter(texts.values()))
        correct = first[2] if isinstance(first[2], set | frozenset | list | tuple) else {first[2]}
        question = Question(quiz_id=row.id, position=position, kind=first[3] if len(first) > 3 else "single")
        db.session.add(question)
        db.session.flush()
        for language, (text, *_rest) in texts.items():
            db.session.add(QuestionTranslation(question_id=question.id, language=language, text=text,
                                               explanation=f"Uitleg {position} {language}"))
        for index in range(len(first[1])):
            choice = Choice(question_id=question.id, position=index + 1, is_correct=index in correct)
            db.session.add(choice)
            db.session.flush()
            if question.kind != "true_false":
                db.session.add_all([ChoiceTranslation(choice_id=choice.id, language=language, text=entry[1][index])
                                    for language, entry in texts.items()])
    db.session.flush()


def make_attempt(enrolment, *, language="nl", submitted_at=None, score_percent=None):
    """An attempt of ``enrolment`` as start_attempt makes it: the whole bank asked in ``language``."""
    from sqlalchemy import select

    from oscart.training import quizzes
    from oscart.training.languages import LanguagePreference
    from oscart.training.quiz_models import Quiz, QuizAttempt

    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == enrolment.course_id))
    preference = LanguagePreference(type("Learner", (), {"language": language, "company_id": None})())
    attempt = QuizAttempt(enrolment_id=enrolment.id, quiz_id=quiz.id, language=language, submitted_at=submitted_at,
                          score_percent=score_percent,
                          questions=quizzes.draw_questions(quizzes.bank_questions(quiz.id), None, language, preference))
    db.session.add(attempt)
    db.session.commit()
    return attempt


def make_training_session(course=None, *, trainers=(), parts=None, company=None, capacity=12, language="nl",
                          place="Antwerpen, Oscart Campus", cancellation_deadline_at=None):
    """A session with ``parts`` [(start, end)] (default: one 4-hour part in a week at 09:00 UTC)."""
    from datetime import timedelta

    from oscart.classroom.models import SessionPart, SessionTrainer, TrainingSession
    from oscart.core.database import utcnow

    course = course or make_classroom_course()
    if parts is None:
        start = (utcnow() + timedelta(days=7)).replace(hour=9, minute=0, second=0, microsecond=0)
        parts = [(start, start + timedelta(hours=4))]
    session = TrainingSession(
        course_id=course.id, company_id=company.id if company else None, capacity=capacity, language=language,
        place=place, meeting_url="", starts_at=parts[0][0], ends_at=parts[-1][1],
        total_minutes=sum(int((end - start).total_seconds() // 60) for start, end in parts),
        cancellation_deadline_at=cancellation_deadline_at or parts[0][0] - timedelta(hours=48))
    db.session.add(session)
    db.session.flush()
    for start, end in parts:
        db.session.add(SessionPart(session_id=session.id, starts_at=start, ends_at=end))
    for trainer in trainers:
        db.session.add(SessionTrainer(session_id=session.id, user_id=trainer.id))
    db.session.commit()
    return session


def make_registration(session, user, status="registered", position=None):
    from oscart.classroom.models import Registration

    registration = Registration(session_id=session.id, user_id=user.id, status=status, position=position)
    db.session.add(registration)
    db.session.commit()
    return registration


def past_parts(hours_ago=5, length_hours=4, count=1):
    """Parts that have started: ``count`` days back, each ``length_hours`` long."""
    from datetime import timedelta

    from oscart.core.database import utcnow

    base = utcnow().replace(second=0, microsecond=0) - timedelta(hours=hours_ago)
    return [(base - timedelta(days=i), base - timedelta(days=i) + timedelta(hours=length_hours))
            for i in reversed(range(count))]




def make_enrolment(user, course, **fields):
    from oscart.training.models import Enrolment

    enrolment = Enrolment(user_id=user.id, course_id=course.id, **fields)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment


def make_certificate(user, course=None, *, session=None, completed_at=None, **course_fields):
    """Complete an enrolment of ``user`` (the real path: the completion signal issues the certificate)."""
    from sqlalchemy import select

    from oscart.certificates.models import Certificate
    from oscart.training.completion import complete_enrolment

    course = course or make_course(**course_fields)
    enrolment = make_enrolment(user, course)
    complete_enrolment(enrolment, actor=user, session=session, now=completed_at)
    db.session.commit()
    return db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))


def lesson_ids(course):
    from sqlalchemy import select

    from oscart.training.models import Lesson

    return list(db.session.scalars(select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position)))
