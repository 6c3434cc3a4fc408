"""Authoring screens under /training/manage: Oscart staff for Oscart courses, company admins for their own."""

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from oscart.companies.models import Company
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES, is_language
from oscart.core.security import can
from oscart.core.uploads import upload_limit
from oscart.training import authoring, duplicating, lessons, media
from oscart.training.forms import (
    CourseForm,
    DuplicateForm,
    ImageForm,
    LessonFileForm,
    LessonForm,
    NewLessonForm,
    TranslationForm,
    options,
)
from oscart.training.media_models import FILE_LABELS, KIND_ROLES
from oscart.training.publishing import publish_checklist

# Only the portal's languages match, so /lessons/<id>/delete is never read as a language.
LANG = f"<any({', '.join(LANGUAGES)}):lang>"
bp = Blueprint("manage", __name__, url_prefix="/manage")


def require_author(view):
    """Trainers and platform admins (training.author) or company admins (company.author)."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not (can(current_user, "training.author") or can(current_user, "company.author")):
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def _done(message, endpoint, **values):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for(endpoint, **values))


@bp.get("/")
@require_author
def courses():
    rows = db.session.execute(authoring.list_managed_courses(current_user)).all()
    return render_template("training/manage/courses.html", rows=rows)


@bp.route("/new", methods=["GET", "POST"], defaults={"course_id": None})
@bp.route("/<int:course_id>", methods=["GET", "POST"])
@require_author
def course(course_id):
    course = authoring.get_managed_course(current_user, course_id) if course_id else None
    form = CourseForm(obj=course)
    is_staff = can(current_user, "training.author")
    companies = db.session.execute(select(Company.id, Company.name).order_by(Company.name)).all() if is_staff else []
    form.company_ids.choices = options(companies)
    if request.method == "GET" and course is not None:
        form.company_ids.data = authoring.course_company_ids(course)
    if form.validate_on_submit():
        try:
            course = authoring.save_course(
                course, actor=current_user, code=form.code.data, format=form.format.data,
                duration_hours=form.duration_hours.data, validity_months=form.validity_months.data,
                completion_rule=form.completion_rule.data, default_language=form.default_language.data,
                is_global=form.is_global.data, company_ids=form.company_ids.data or [])
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            return _done(_("The course has been saved."), "training.manage.editor", course_id=course.id)
    return render_template("training/manage/course.html", form=form, course=course, is_staff=is_staff,
                           duplicate=_duplicate_form(course, companies) if course else None)


def _duplicate_form(course, companies):
    form = DuplicateForm(prefix="copy", formdata=None, data={"code": duplicating.suggested_code(course)})
    form.company_id.choices = options([("", _("Same companies as this course")), *companies])
    return form


@bp.post("/<int:course_id>/duplicate")
@require_author
def duplicate(course_id):
    course = authoring.get_managed_course(current_user, course_id)
    form = DuplicateForm(prefix="copy")
    if not form.validate_on_submit():
        flash(_("Give the copy a code of at most 30 characters."), "error")
        return redirect(url_for("training.manage.course", course_id=course.id))
    company_id = form.company_id.data
    try:
        copy = duplicating.duplicate_course(course, actor=current_user, code=form.code.data,
                                            company_id=int(company_id) if (company_id or "").isdigit() else None)
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("training.manage.course", course_id=course.id))
    return _done(_("The course has been duplicated: this is the copy, a draft."), "training.manage.editor",
                 course_id=copy.id)


@bp.get("/<int:course_id>/editor")
@require_author
def editor(course_id):
    course = authoring.get_managed_course(current_user, course_id)
    course_status, lesson_list = authoring.translation_matrix(course)
    return render_template("training/manage/editor.html", course=course, course_status=course_status,
                           lessons=lesson_list, kinds=lessons.lesson_kinds(course),
                           new_lesson=NewLessonForm(prefix="new"),
                           checklist=publish_checklist(course) if course.status == "draft" else None)


@bp.route(f"/<int:course_id>/texts/{LANG}", methods=["GET", "POST"])
@require_author
def texts(course_id, lang):
    course = authoring.get_managed_course(current_user, course_id)
    if not is_language(lang):
        return redirect(url_for("training.manage.editor", course_id=course.id))
    existing = {t.language: t for t in db.session.scalars(
        select(authoring.CourseTranslation).where(authoring.CourseTranslation.course_id == course.id))}
    form = TranslationForm(obj=existing.get(lang))
    if form.validate_on_submit():
        authoring.save_course_translation(course, actor=current_user, language=lang, title=form.title.data,
                                          summary=form.summary.data or "")
        return _done(_("The texts have been saved."), "training.manage.editor", course_id=course.id)
    return render_template("training/manage/texts.html", course=course, form=form, lang=lang,
                           source=existing.get(course.default_language))


@bp.post("/<int:course_id>/lessons")
@require_author
def lesson_new(course_id):
    course = authoring.get_managed_course(current_user, course_id)
    form = NewLessonForm(prefix="new")
    if not form.validate_on_submit():
        flash(_("Give the new lesson a title."), "error")
        return redirect(url_for("training.manage.editor", course_id=course.id))
    lesson = lessons.add_lesson(course, actor=current_user, title=form.title.data, kind=form.kind.data)
    return _done(_("The lesson has been added."), "training.manage.lesson", course_id=course.id,
                 lesson_id=lesson.id, lang=course.default_language)


@bp.route(f"/<int:course_id>/lessons/<int:lesson_id>/{LANG}", methods=["GET", "POST"])
@require_author
def lesson(course_id, lesson_id, lang):
    course = authoring.get_managed_course(current_user, course_id)
    lesson = lessons.get_lesson(course, lesson_id)
    if not is_language(lang):
        return redirect(url_for("training.manage.editor", course_id=course.id))
    translations = lessons.lesson_translations(lesson)
    form = LessonForm(obj=translations.get(lang))
    is_valid = form.validate_on_submit()
    if is_valid and not form.preview.data:
        lessons.save_lesson_translation(lesson, actor=current_user, language=lang, title=form.title.data,
                                        body_source=form.body_source.data or "")
        return _done(_("The lesson has been saved."), "training.manage.lesson", course_id=course.id,
                     lesson_id=lesson.id, lang=lang)
    return render_template("training/manage/lesson.html", course=course, lesson=lesson, form=form, lang=lang,
                           source=translations.get(course.default_language), translations=translations,
                           images=lessons.list_images(course), LANGUAGES=LANGUAGES, preview=_preview(form),
                           **_files_part(lesson))


def _files_part(lesson):
    """The files section of a video or document lesson's editor."""
    roles = KIND_ROLES[lesson.kind]
    if not roles:
        return {"file_roles": ()}
    form = LessonFileForm(formdata=None)
    form.role.choices = options((role, FILE_LABELS[role]) for role in roles)
    config = current_app.config
    megabytes = {key: config[key] // (1024 * 1024) for key in
                 ("LESSON_VIDEO_MAX_BYTES", "LESSON_CAPTIONS_MAX_BYTES", "LESSON_DOCUMENT_MAX_BYTES")}
    if lesson.kind == "video":
        hint = _("A video in MP4 or WebM of at most %(video)s MB; captions in WebVTT of at most %(captions)s MB.",
                 video=megabytes["LESSON_VIDEO_MAX_BYTES"], captions=megabytes["LESSON_CAPTIONS_MAX_BYTES"])
    else:
        hint = _("A PDF of at most %(size)s MB.", size=megabytes["LESSON_DOCUMENT_MAX_BYTES"])
    return {"file_roles": roles, "files": media.lesson_media(lesson.id), "file_form": form, "file_hint": hint,
            "FILE_LABELS": FILE_LABELS}


def _preview(form):
    """The posted text as the learner's page will show it; only after a preview press with a valid token."""
    if not (form.is_submitted() and form.preview.data) or {"csrf_token", "body_source"} & set(form.errors):
        return None
    return lessons.preview_html(form.body_source.data)


@bp.post("/<int:course_id>/lessons/<int:lesson_id>/move")
@require_author
def lesson_move(course_id, lesson_id):
    course = authoring.get_managed_course(current_user, course_id)
    lessons.move_lesson(course, lessons.get_lesson(course, lesson_id), actor=current_user,
                        offset=-1 if request.form.get("direction") == "up" else 1)
    return _done(_("The order has been saved."), "training.manage.editor", course_id=course.id)


@bp.post("/<int:course_id>/lessons/<int:lesson_id>/delete")
@require_author
def lesson_delete(course_id, lesson_id):
    course = authoring.get_managed_course(current_user, course_id)
    try:
        lessons.delete_lesson(course, lessons.get_lesson(course, lesson_id), actor=current_user)
    except RuleViolation as error:
        flash(error.message, "error")
        return redirect(url_for("training.manage.editor", course_id=course.id))
    return _done(_("The lesson has been removed."), "training.manage.editor", course_id=course.id)


@bp.route("/<int:course_id>/images", methods=["GET", "POST"])
@require_author
@upload_limit
def images(course_id):
    course = authoring.get_managed_course(current_user, course_id)
    form = ImageForm()
    if form.validate_on_submit():
        upload = request.files.get("image")
        max_bytes = current_app.config["LESSON_IMAGE_MAX_BYTES"]
        try:
            lessons.upload_image(course, actor=current_user, data=upload.read(max_bytes + 1) if upload else b"",
                                 max_bytes=max_bytes)
        except RuleViolation as error:
            form.add_error(error.field, error.message)
        else:
            return _done(_("The image has been uploaded."), "training.manage.images", course_id=course.id)
    return render_template("training/manage/images.html", course=course, form=form,
                           images=lessons.list_images(course))


@bp.post("/<int:course_id>/status")
@require_author
def status(course_id):
    course = authoring.get_managed_course(current_user, course_id)
    action = request.form.get("action")
    try:
        if action == "publish":
            authoring.publish_course(course, actor=current_user,
                                     confirm_fallback=request.form.get("confirm_fallback") == "1")
            message = _("The course has been published.")
        elif action == "archive":
            authoring.archive_course(course, actor=current_user)
            message = _("The course has been archived.")
        else:
            authoring.delete_course(course, actor=current_user)
            return _done(_("The draft has been deleted."), "training.manage.courses")
    except RuleViolation as error:
        flash(error.message, "error")
        return redirect(url_for("training.manage.editor", course_id=course.id))
    return _done(message, "training.manage.editor", course_id=course.id)
