"""The question bank under load: simultaneous saves of one question, and query counts that do not grow with the
bank."""

from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.training.models import LessonProgress
from oscart.training.quiz_models import Question, QuestionTranslation
from tests.factories import lesson_ids, make_attempt, make_company, make_elearning_course, make_enrolment, make_user
from tests.test_concurrency import CLIENTS, _logged_in, at_once, server, server_folder  # noqa: F401 (fixtures)


def test_of_simultaneous_saves_of_one_question_one_wins_and_the_others_get_the_conflict(server):  # noqa: F811
    course = make_elearning_course(quiz={"nl": [("Vraag?", ["Ja", "Nee"], 0)]})
    question_id = db.session.scalar(select(Question.id))
    url = f"/training/manage/{course.id}/quiz/questions/{question_id}"
    admins = _logged_in(server, [make_user(role=PLATFORM_ADMIN) for _ in range(CLIENTS)])
    forms = [{"kind": "single", "version": "1", "correct": ["0"], "text_nl": f"Versie {n}", "answer_nl_1": "Ja",
              "answer_nl_2": "Nee"} for n in range(CLIENTS)]
    answers = at_once([(client, url, form) for client, form in zip(admins, forms, strict=True)])
    statuses = [status for status, _location, _html in answers]
    assert sorted(statuses) == [302] + [409] * (CLIENTS - 1), statuses
    winner = statuses.index(302)
    db.session.expire_all()
    assert db.session.scalar(select(QuestionTranslation.text)) == f"Versie {winner}"
    assert db.session.scalar(select(Question.version)) == 2
    assert db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "training.question_updated")) == 1


def _bank(size):
    questions = [(f"Vraag {n}?", ["Ja", "Nee", "Misschien"], {0, 2} if n % 2 else 0, "multiple" if n % 2 else "single")
                 for n in range(size)]
    french = [(f"Q {n} ?", *rest) for n, (_text, *rest) in enumerate(questions)]
    course = make_elearning_course(lessons=1, quiz={"nl": questions, "fr": french})
    trainee = make_user(company=make_company())
    enrolment = make_enrolment(trainee, course)
    db.session.add_all([LessonProgress(enrolment_id=enrolment.id, lesson_id=i) for i in lesson_ids(course)])
    db.session.commit()
    return course, trainee, enrolment


def _counts(browser, count_queries, size):
    course, trainee, enrolment = _bank(size)
    admin = make_user(role=PLATFORM_ADMIN)
    question_id = db.session.scalar(select(Question.id).order_by(Question.id.desc()))
    open_attempt = make_attempt(enrolment)
    counts = {}
    browser.login(admin.email)
    for name, url in {"bank": f"/training/manage/{course.id}/quiz", "editor": f"/training/manage/{course.id}/editor",
                      "question": f"/training/manage/{course.id}/quiz/questions/{question_id}"}.items():
        with count_queries() as counter:
            assert browser.get(url).status_code == 200
        counts[name] = counter.count
    browser.logout()
    browser.login(trainee.email)
    with count_queries() as counter:
        assert browser.get(f"/training/attempts/{open_attempt.id}").status_code == 200
    counts["attempt"] = counter.count
    db.session.delete(open_attempt)
    db.session.commit()
    done = make_attempt(enrolment, score_percent=0, submitted_at=utcnow())
    with count_queries() as counter:
        assert browser.get(f"/training/attempts/{done.id}").status_code == 200
    counts["result"] = counter.count
    browser.logout()
    return counts


def test_query_counts_do_not_grow_with_the_bank(browser, count_queries):
    small = _counts(browser, count_queries, 2)
    large = _counts(browser, count_queries, 14)
    assert small == large, (small, large)
