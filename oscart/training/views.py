"""The trainee's side of training: catalogue, course and lesson pages, knowledge check, dashboard."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from oscart.core.exceptions import PermissionDenied, RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGE_LABELS, is_language, translated_labels
from oscart.core.pagination import paginate
from oscart.core.security import require
from oscart.training import (  # noqa: F401 (quiz_views adds the question bank routes to manage_views.bp)
    company_views,
    course_page,
    enrolling,
    manage_views,
    media_views,  # adds the lesson file routes to manage_views.bp
    quiz_views,
    quizzes,
)
from oscart.training.authoring import manageable_clause
from oscart.training.catalogue import catalogue_cards, list_catalogue, with_course_texts
from oscart.training.course_lessons import lessons_with_progress, next_lesson_id
from oscart.training.forms import CatalogueFilterForm
from oscart.training.lesson_page import load_lesson_page
from oscart.training.lessons import get_image_for
from oscart.training.media import get_media_for
from oscart.training.models import FORMAT_LABELS, LESSON_KIND_LABELS, STATUS_LABELS
from oscart.training.progress import mark_lesson_done
from oscart.training.texts import preferred_languages

bp = Blueprint("training", __name__, url_prefix="/training")
bp.register_blueprint(manage_views.bp)
bp.register_blueprint(company_views.bp)


@bp.context_processor
def _labels():
    # Plain strings, translated once per language: a lazy string is translated again at every use in a loop.
    return {"FORMAT_LABELS": translated_labels(FORMAT_LABELS), "STATUS_LABELS": translated_labels(STATUS_LABELS),
            "LANGUAGE_LABELS": translated_labels(LANGUAGE_LABELS),
            "LESSON_KIND_LABELS": translated_labels(LESSON_KIND_LABELS)}


def _preferred():
    chosen = request.args.get("lang")
    return preferred_languages(current_user, chosen if is_language(chosen) else None)


@bp.get("/")
@require("training.follow")
def catalogue():
    filters = CatalogueFilterForm(request.args)
    filters.validate()
    query, params = list_catalogue(current_user, search=filters.q.data, format=filters.format.data,
                                   language=filters.language.data)
    page = paginate(query, request.args.get("page", 1, type=int), per_page=12, params=params,
                    expand=with_course_texts)
    page.items = catalogue_cards(page.items, _preferred())
    return render_template("training/catalogue.html", filters=filters, page=page)


@bp.get("/courses/<int:course_id>")
@require("training.follow")
def course(course_id):
    data = course_page.load_course_page(current_user, course_id, _preferred())
    if course_page.record_course_view(current_user, data["course"], data["viewed_at"]):
        db.session.commit()
    return render_template("training/course.html", chosen=request.args.get("lang"), **data)


@bp.post("/courses/<int:course_id>/enrol")
@require("training.follow")
def enrol(course_id):
    try:
        enrolment = enrolling.enrol(current_user, course_id)
    except RuleViolation as error:
        flash(error.message, "error")
        return redirect(url_for("training.course", course_id=course_id))
    db.session.commit()
    flash(_("You are enrolled. Enjoy the course!"), "success")
    next_id = next_lesson_id(*lessons_with_progress(enrolment.course_id, [], enrolment.id))
    if next_id:
        return redirect(url_for("training.lesson", course_id=course_id, lesson_id=next_id))
    return redirect(url_for("training.course", course_id=course_id))


@bp.get("/courses/<int:course_id>/lessons/<int:lesson_id>")
@require("training.follow")
def lesson(course_id, lesson_id):
    try:
        data = load_lesson_page(current_user, course_id, lesson_id, _preferred())
    except RuleViolation as error:
        flash(error.message, "error")
        return redirect(url_for("training.course", course_id=course_id))
    return render_template("training/lesson.html", chosen=request.args.get("lang"), **data)


@bp.post("/enrolments/<int:enrolment_id>/lessons/<int:lesson_id>/done")
@require("training.follow")
def lesson_done(enrolment_id, lesson_id):
    enrolment = enrolling.get_own_enrolment(current_user, enrolment_id)
    try:
        enrolment, next_id = mark_lesson_done(current_user, enrolment.id, lesson_id)
    except RuleViolation as error:
        flash(error.message, "error")
        return redirect(url_for("training.course", course_id=enrolment.course_id))
    db.session.commit()
    if enrolment.is_completed:
        flash(_("Congratulations, you have completed this course!"), "success")
        # The certificate page, or the course page when the course gives none.
        return redirect(url_for("certificates.earned", course_id=enrolment.course_id))
    if next_id:
        return redirect(url_for("training.lesson", course_id=enrolment.course_id, lesson_id=next_id))
    return redirect(url_for("training.course", course_id=enrolment.course_id, _anchor="quiz"))


@bp.post("/enrolments/<int:enrolment_id>/quiz")
@require("training.follow")
def quiz_start(enrolment_id):
    enrolment = enrolling.get_own_enrolment(current_user, enrolment_id)
    try:
        attempt = quizzes.start_attempt(current_user, enrolment.id, _preferred())
    except RuleViolation as error:
        flash(error.message, "error")
        return redirect(url_for("training.course", course_id=enrolment.course_id))
    db.session.commit()
    return redirect(url_for("training.attempt", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@require("training.follow")
def attempt(attempt_id):
    """The open attempt's questions; once submitted, the result per question."""
    attempt, enrolment, quiz = quizzes.get_own_attempt(current_user, attempt_id)
    if request.method == "POST":
        answers = {int(key[1:]): request.form.getlist(key, type=int) for key in request.form
                   if key.startswith("q") and key[1:].isdigit()}
        try:
            attempt, enrolment = quizzes.submit_attempt(current_user, attempt.id, answers)
        except RuleViolation as error:
            db.session.rollback()
            flash(error.message, "error")
            return redirect(url_for("training.attempt", attempt_id=attempt_id))
        db.session.commit()
        if attempt.is_passed:
            flash(_("You passed the knowledge check with %(score)s%%.", score=attempt.score_percent), "success")
            if enrolment.is_completed:
                return redirect(url_for("certificates.earned", course_id=enrolment.course_id))
        return redirect(url_for("training.attempt", attempt_id=attempt.id))  # the result says the score
    if attempt.submitted_at is None:
        return render_template("training/quiz.html", attempt=attempt, enrolment=enrolment, quiz=quiz,
                               questions=quizzes.attempt_questions(attempt))
    used, next_at = quizzes.attempts_state(enrolment, quiz)
    return render_template("training/quiz_result.html", attempt=attempt, enrolment=enrolment, quiz=quiz,
                           result=quizzes.attempt_result(attempt, quiz), used=used, next_at=next_at)


def _manageable():
    try:
        return manageable_clause(current_user)
    except PermissionDenied:
        return None


@bp.get("/media/<int:media_id>")
@require("training.follow")
def media(media_id):
    """A lesson's video, captions or document, in byte ranges; ``?download=1`` as a download."""
    row = get_media_for(current_user, media_id, manageable=_manageable())
    return media_views.media_response(row, download=request.args.get("download") == "1")


@bp.get("/images/<int:image_id>")
@require("training.follow")
def image(image_id):
    row = get_image_for(current_user, image_id, manageable=_manageable())
    response = Response(row.data, mimetype=row.content_type)
    response.headers["Content-Disposition"] = "inline"
    response.headers["ETag"] = row.sha256
    return response
