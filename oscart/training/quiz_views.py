"""Authoring the knowledge check under /training/manage/<course>/quiz: its rules, the question bank, and one
screen per question with every language side by side."""

from flask import flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user

from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES
from oscart.training import authoring, quiz_bank
from oscart.training.forms import KIND_LABELS, QuestionForm, QuizSettingsForm
from oscart.training.manage_views import _done, bp, require_author
from oscart.training.publishing import publish_checklist
from oscart.training.quiz_models import MAX_CHOICES, TRUE_FALSE


@bp.route("/<int:course_id>/quiz", methods=["GET", "POST"])
@require_author
def quiz(course_id):
    course = authoring.get_managed_course(current_user, course_id)
    quiz, questions = quiz_bank.list_bank(course)
    form = QuizSettingsForm(obj=quiz, prefix="settings")
    if form.validate_on_submit():
        try:
            quiz_bank.save_quiz_settings(course, actor=current_user, pass_percent=form.pass_percent.data,
                                         max_attempts=form.max_attempts.data, draw_count=form.draw_count.data,
                                         wait_minutes=form.wait_minutes.data,
                                         is_answers_shown=form.is_answers_shown.data)
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            return _done(_("The settings have been saved."), "training.manage.quiz", course_id=course.id)
    if quiz is None and request.method == "GET":
        form.pass_percent.data, form.max_attempts.data, form.wait_minutes.data = 70, 3, 0
    return render_template("training/manage/quiz.html", course=course, quiz=quiz, questions=questions,
                           settings=form, checklist=publish_checklist(course), KIND_LABELS=KIND_LABELS,
                           LANGUAGES=LANGUAGES)


@bp.route("/<int:course_id>/quiz/questions/new", methods=["GET", "POST"], defaults={"question_id": None})
@bp.route("/<int:course_id>/quiz/questions/<int:question_id>", methods=["GET", "POST"])
@require_author
def question(course_id, question_id):
    course = authoring.get_managed_course(current_user, course_id)
    current = quiz_bank.get_question(course, question_id) if question_id else None
    form = QuestionForm(data=_form_data(current) if current else None)
    conflict, status = None, 200
    if form.validate_on_submit():
        kind = form.kind.data
        try:
            quiz_bank.save_question(course, question_id, actor=current_user, kind=kind, texts=_texts(form),
                                    correct=_correct(form, kind), version=_version(form))
        except quiz_bank.QuestionConflict as error:
            db.session.rollback()
            conflict, status = error, 409
            form = QuestionForm(formdata=None, data=_form_data(quiz_bank.get_question(course, question_id)))
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
            status = 400
        else:
            return _done(_("The question has been saved."), "training.manage.quiz", course_id=course.id)
    elif request.method == "POST":
        status = 400
    if status == 400:
        flash(_("The question was not saved: correct the fields marked below."), "error")
    return render_template("training/manage/question.html", course=course, question_id=question_id, form=form,
                           conflict=conflict, LANGUAGES=LANGUAGES, MAX_CHOICES=MAX_CHOICES), status


@bp.post("/<int:course_id>/quiz/questions/<int:question_id>/move")
@require_author
def question_move(course_id, question_id):
    course = authoring.get_managed_course(current_user, course_id)
    quiz_bank.move_question(course, question_id, actor=current_user,
                            offset=-1 if request.form.get("direction") == "up" else 1)
    return _done(_("The order has been saved."), "training.manage.quiz", course_id=course.id)


@bp.post("/<int:course_id>/quiz/questions/<int:question_id>/delete")
@require_author
def question_delete(course_id, question_id):
    course = authoring.get_managed_course(current_user, course_id)
    quiz_bank.delete_question(course, question_id, actor=current_user)
    return _done(_("The question has been removed."), "training.manage.quiz", course_id=course.id)


def _form_data(question):
    content = quiz_bank.question_content(question)
    data = {"kind": content["kind"], "version": str(content["version"]),
            "correct": [str(index) for index in sorted(content["correct"])]}
    if content["kind"] == TRUE_FALSE:
        data["truth"] = str(min(content["correct"], default=0))
    for code, entry in content["texts"].items():
        data[f"text_{code}"], data[f"explanation_{code}"] = entry["text"], entry["explanation"]
        for index, answer in enumerate(entry["answers"], start=1):
            data[f"answer_{code}_{index}"] = answer
    return data


def _texts(form):
    return {code: {"text": form[f"text_{code}"].data, "explanation": form[f"explanation_{code}"].data,
                   "answers": [form[f"answer_{code}_{n}"].data for n in range(1, MAX_CHOICES + 1)]}
            for code in LANGUAGES}


def _correct(form, kind):
    values = [form.truth.data] if kind == TRUE_FALSE else (form.correct.data or [])
    return {int(value) for value in values if value is not None and str(value).isdigit()}


def _version(form):
    return int(form.version.data) if (form.version.data or "").isdigit() else 0
