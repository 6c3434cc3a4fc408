"""Personal data of the training feature for the privacy registry: quiz attempts, course views, and what a
user authored (company news, lesson images) — exported, erased and purged with the rest of the portal."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from oscart.core.extensions import db
from oscart.core.personal_data import eraser, exporter, free_text, plain, purger, rows_as_dicts
from oscart.training.models import (
    CompanyNews,
    Course,
    CourseTranslation,
    CourseView,
    Enrolment,
    LessonImage,
    LessonTranslation,
)
from oscart.training.quiz_models import ChoiceTranslation, QuestionTranslation, QuizAttempt

# Free text that may name someone: news about colleagues, and authored course content.
free_text(CompanyNews.title, CompanyNews.body_source, CompanyNews.body_html, mentions_people=True)
free_text(CourseTranslation.title, CourseTranslation.summary, CourseTranslation.description,
          CourseTranslation.objectives, CourseTranslation.search_text,
          LessonTranslation.title, LessonTranslation.body_source, LessonTranslation.body_html,
          QuestionTranslation.text, QuestionTranslation.explanation, ChoiceTranslation.text)


@exporter("quiz_attempts", _l("Knowledge checks"), _l("Your attempts at the knowledge checks: the questions "
                                                       "you were asked, your answers, score and dates."),
          retention="anonymised_records")
def export_quiz_attempts(user):
    rows = db.session.execute(
        select(QuizAttempt.id, Course.code.label("course_code"), QuizAttempt.language, QuizAttempt.started_at,
               QuizAttempt.submitted_at, QuizAttempt.score_percent, QuizAttempt.is_passed, QuizAttempt.questions,
               QuizAttempt.answers)
        .join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(Enrolment.user_id == user.id).order_by(QuizAttempt.id))
    return [{**{key: plain(value) for key, value in row._mapping.items() if key not in ("questions", "answers")},
             "questions": _asked_and_answered(row.questions, row.answers)} for row in rows]


def _asked_and_answered(questions, answers):
    """What the attempt asked, in words: each question, the answers chosen and whether they were right."""
    answers = answers or {}
    result = []
    for question in questions or []:
        chosen = set(answers.get(str(question["id"])) or [])
        right = {choice["id"] for choice in question["choices"] if choice["correct"]}
        result.append({"question": question["text"],
                       "your_answers": [choice["text"] for choice in question["choices"] if choice["id"] in chosen],
                       "is_correct": bool(chosen) and chosen == right})
    return result


@exporter("course_views", _l("Courses viewed"), _l("When you last opened each course page."))
def export_course_views(user):
    return rows_as_dicts(select(Course.code.label("course_code"), CourseView.viewed_at)
                         .join(Course, Course.id == CourseView.course_id)
                         .where(CourseView.user_id == user.id).order_by(CourseView.id))


@exporter("company_news", _l("Company news you wrote"), _l("Title and date of the news you published for "
                                                          "your colleagues."))
def export_company_news(user):
    return rows_as_dicts(select(CompanyNews.id, CompanyNews.title, CompanyNews.created_at)
                         .where(CompanyNews.author_id == user.id).order_by(CompanyNews.id))


@exporter("lesson_images", _l("Lesson images you uploaded"), _l("Course, size and date of the images you added "
                                                                 "to lessons."))
def export_lesson_images(user):
    return rows_as_dicts(select(LessonImage.id, Course.code.label("course_code"), LessonImage.content_type,
                                LessonImage.width, LessonImage.height, LessonImage.uploaded_at)
                         .join(Course, Course.id == LessonImage.course_id)
                         .where(LessonImage.uploaded_by_id == user.id).order_by(LessonImage.id))


# --- Erasure ---------------------------------------------------------------------------------------
# Quiz attempts hold no identifying data of their own (question and choice ids, score, dates): they stay,
# linked to the anonymised enrolment, for the company's statistics (and as they are under a legal hold).
# Company news and lesson images are company content; their author/uploader id points to the anonymised
# user row, which is all that is left of the person.


@eraser("course_views")
def erase_course_views(user, *, legal_hold):
    """Browsing history is no training record: deleted, also under a legal hold."""
    return db.session.execute(delete(CourseView).where(CourseView.user_id == user.id)).rowcount


def _attempts_of(user_ids):
    return select(QuizAttempt.id).join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id).where(
        Enrolment.user_id.in_(user_ids))


@purger("quiz_attempts", first=True)  # before the enrolments they belong to
def purge_quiz_attempts(user_ids, *, dry_run):
    attempts = _attempts_of(user_ids)
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(attempts.subquery()))
    return db.session.execute(delete(QuizAttempt).where(QuizAttempt.id.in_(attempts))).rowcount
