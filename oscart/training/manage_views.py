"""Authoring screens under /training/manage: Oscart staff for Oscart courses, company admins for their own."""

from functools import wraps

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES, is_language
from oscart.core.security import can
from oscart.core.uploads import upload_limit
from oscart.training import authoring, course_screen, duplicating, lessons, media
from oscart.training.course_forms import CourseScreenForm, screen_data
from oscart.training.forms import (
    DuplicateForm,
    ImageForm,
    LessonFileForm,
    LessonForm,
    NewLessonForm,
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
    """The course screen: settings and the texts in every language, saved in one submission."""
    course = authoring.get_managed_course(current_user, course_id) if course_id else None
    translations = course_screen.course_translations(course)
    is_staff = can(current_user, "training.author")
    companies, assigned = course_screen.company_choices(course) if is_staff else ([], [])
    loaded = course is not None and request.method == "GET"
    form = CourseScreenForm(data=screen_data(course, translations, assigned) if loaded else None)
    form.company_ids.choices = options(companies)
    conflict, status = None, 200
    if form.validate_on_submit():
        try:
            saved = course_screen.save_course_screen(course, actor=current_user, version=form.version.data,
                                                     settings=form.settings(), texts=form.texts())
        except course_screen.CourseConflict as error:
            db.session.rollback()
            course, conflict, status = authoring.get_managed_course(current_user, course_id), error, 409
            translations = course_screen.course_translations(course)
            conflict.fields = course_screen.differences(course, translations, form.settings(), form.texts())
            form.version.data = str(course.version)  # saving again replaces their version, knowingly
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
            status = 400
        else:
            return _done(_("The course has been saved."), "training.manage.course", course_id=saved.id)
    elif request.method == "POST":
        status = 400
    if status == 400:
        flash(_("The course was not saved: correct the fields marked below."), "error")
    return render_template("training/manage/course.html", form=form, course=course, is_staff=is_staff,
                           conflict=conflict, **_screen_parts(course, translations, companies)), status


def _screen_parts(course, translations, companies):
    """The languages in the screen's order (the course's default first) with their status, and the copy form."""
    first = course.default_language if course else request.form.get("default_language", "nl")
    order = [first, *(code for code in LANGUAGES if code != first)] if first in LANGUAGES else list(LANGUAGES)
    if course is None:
        return {"order": order, "statuses": None, "duplicate": None, "shown": None}
    return {"order": order, "statuses": course_screen.screen_statuses(course, translations),
            "duplicate": _duplicate_form(course, companies), "shown": request.args.get("lang")}


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
                           languages=course_screen.language_statuses(course_status, lesson_list),
                           lessons=lesson_list, kinds=lessons.lesson_kinds(course),
                           new_lesson=NewLessonForm(prefix="new"),
                           checklist=publish_checklist(course) if course.status == "draft" else None)


@bp.get(f"/<int:course_id>/texts/{LANG}")
@require_author
def texts(course_id, lang):
    """The texts of one language are a part of the course screen: links to the former page open that part."""
    course = authoring.get_managed_course(current_user, course_id)
    return redirect(url_for("training.manage.course", course_id=course.id, lang=lang, _anchor=f"texts-{lang}"))


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
    if request.method == "GET":
        form.version.data = lessons.lesson_version(translations.get(lang))
    conflict, status = None, 200
    if form.validate_on_submit() and not form.preview.data:
        try:
            lessons.save_lesson_translation(lesson, actor=current_user, language=lang, title=form.title.data,
                                            body_source=form.body_source.data or "", version=form.version.data or None)
        except lessons.LessonConflict as error:
            db.session.rollback()
            conflict, status = error, 409
            form.version.data = lessons.lesson_version(error.current)  # saving again replaces it, knowingly
            translations = lessons.lesson_translations(lesson)
        else:
            return _done(_("The lesson has been saved."), "training.manage.lesson", course_id=course.id,
                         lesson_id=lesson.id, lang=lang)
    return render_template("training/manage/lesson.html", course=course, lesson=lesson, form=form, lang=lang,
                           source=translations.get(course.default_language), translations=translations,
                           images=lessons.list_images(course), LANGUAGES=LANGUAGES, preview=_preview(form),
                           conflict=conflict, **_files_part(lesson)), status


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
    lesson = lessons.get_lesson(course, lesson_id)
    position = request.form.get("position", type=int)  # dragged to a place; the buttons send a direction
    offset = -1 if request.form.get("direction") == "up" else 1
    lessons.move_lesson(course, lesson, actor=current_user, offset=offset, to=position)
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
