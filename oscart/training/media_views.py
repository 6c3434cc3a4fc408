"""Files of video and document lessons: uploaded and removed in the lesson editor (routes on manage_views.bp),
served to learners in byte ranges (``media_response``, used by the training.media route); the lesson editor's
image picker uploads through ``image_upload``."""

import io

from flask import current_app, flash, jsonify, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestedRangeNotSatisfiable
from werkzeug.wsgi import FileWrapper

from oscart.core import storage
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.uploads import upload_limit
from oscart.training import authoring, lessons, media
from oscart.training.forms import ImageForm, LessonFileForm
from oscart.training.manage_views import LANG, _done, bp, require_author
from oscart.training.media_models import CAPTIONS, DOCUMENT, VIDEO

LIMITS = {VIDEO: "LESSON_VIDEO_MAX_BYTES", CAPTIONS: "LESSON_CAPTIONS_MAX_BYTES",
          DOCUMENT: "LESSON_DOCUMENT_MAX_BYTES"}
_BLOCK_BYTES = 64 * 1024
_FORM_OVERHEAD = 1024 * 1024  # the multipart framing and the other fields around the file


@bp.url_value_preprocessor
def _accept_large_uploads(endpoint, _values):
    # Runs before the CSRF check reads the form: only this route takes more than MAX_CONTENT_LENGTH, and only
    # up to the largest file of any kind (each kind's own limit is checked on the stored upload).
    if endpoint == "training.manage.lesson_file":
        request.max_content_length = max(current_app.config[name] for name in LIMITS.values()) + _FORM_OVERHEAD


def _back(course, lesson, lang):
    return redirect(url_for("training.manage.lesson", course_id=course.id, lesson_id=lesson.id, lang=lang,
                            _anchor="files"))


@bp.post(f"/<int:course_id>/lessons/<int:lesson_id>/{LANG}/files")
@require_author
@upload_limit
def lesson_file(course_id, lesson_id, lang):
    course = authoring.get_managed_course(current_user, course_id)
    lesson = lessons.get_lesson(course, lesson_id)
    form = LessonFileForm()
    if not form.validate_on_submit():
        flash(_("Choose the kind of file, then a file."), "error")
        return _back(course, lesson, lang)
    upload = request.files.get("file")
    role = form.role.data
    try:
        media.save_media(course, lesson, actor=current_user, language=lang, role=role,
                         stream=upload.stream if upload else io.BytesIO(),
                         max_bytes=current_app.config[LIMITS[role]])
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back(course, lesson, lang)
    db.session.commit()
    flash(_("The file has been uploaded."), "success")
    return _back(course, lesson, lang)


@bp.post(f"/<int:course_id>/lessons/<int:lesson_id>/{LANG}/files/remove")
@require_author
def lesson_file_remove(course_id, lesson_id, lang):
    course = authoring.get_managed_course(current_user, course_id)
    lesson = lessons.get_lesson(course, lesson_id)
    role = request.form.get("role", "")
    if (lang, role) not in media.lesson_media(lesson.id):
        flash(_("This file has already been removed."), "error")
        return _back(course, lesson, lang)
    media.remove_media(course, lesson, actor=current_user, language=lang, role=role)
    return _done(_("The file has been removed."), "training.manage.lesson", course_id=course.id,
                 lesson_id=lesson.id, lang=lang, _anchor="files")


@bp.post("/<int:course_id>/images/upload")
@require_author
@upload_limit
def image_upload(course_id):
    """The image picker's upload (a script posts it): JSON with the new image's URL, or the reason it was refused.
    Without script the Images page does the same with a form."""
    course = authoring.get_managed_course(current_user, course_id)
    form = ImageForm()
    upload = request.files.get("image")
    if not form.validate_on_submit() or upload is None:
        return jsonify(error=_("Choose an image file.")), 400
    max_bytes = current_app.config["LESSON_IMAGE_MAX_BYTES"]
    try:
        image = lessons.upload_image(course, actor=current_user, data=upload.read(max_bytes + 1), max_bytes=max_bytes)
    except RuleViolation as error:
        db.session.rollback()
        return jsonify(error=str(error.message)), 400
    db.session.commit()
    return jsonify(id=image.id, url=lessons.image_url(image.id), width=image.width, height=image.height)


def media_response(row, *, download=False):
    """The file of ``row`` (a LessonMedia), answering Range requests (206 with Content-Range, 416 outside the
    file) by seeking: only the asked bytes are read, a block at a time."""
    reader, size = storage.open_file(row.file_key)
    response = current_app.response_class(FileWrapper(reader, _BLOCK_BYTES), mimetype=row.content_type,
                                          direct_passthrough=True)
    response.content_length = size
    response.set_etag(row.file_key)
    response.last_modified = row.uploaded_at
    response.headers["Cache-Control"] = "private, max-age=3600"  # course content, not personal
    extension = {"application/pdf": "pdf", "text/vtt": "vtt", "video/webm": "webm"}.get(row.content_type, "mp4")
    response.headers.set("Content-Disposition", "attachment" if download else "inline",
                         filename=f"lesson-{row.lesson_id}-{row.language}.{extension}")
    if row.role == DOCUMENT:  # shown in the lesson page's frame by the browser's PDF viewer
        response.headers["Content-Security-Policy"] = "default-src 'self'; frame-ancestors 'self'"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    try:
        return response.make_conditional(request.environ, accept_ranges=True, complete_length=size)
    except RequestedRangeNotSatisfiable:
        # A player asks for bytes past the end: no page, just the status and the file's length.
        reader.close()
        return current_app.response_class(status=416, headers={"Content-Range": f"bytes */{size}"})
    except Exception:
        reader.close()
        raise
