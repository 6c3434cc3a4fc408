"""Pages for trainers, platform admins and (review, exports) company admins."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from oscart.classroom import access, attendance, changes, exports, planning, review, sessions, sheets, signatures, today
from oscart.classroom.blueprint import bp
from oscart.classroom.forms import PART_ROWS, ReviewFilterForm, SessionForm, SheetForm, parse_sheet_rows
from oscart.core import local_time, tabular
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.pagination import paginate
from oscart.core.security import require
from oscart.training.titles import course_titles, titles_for


@bp.route("/plan", methods=["GET", "POST"], defaults={"session_id": None})
@bp.route("/sessions/<int:session_id>/edit", methods=["GET", "POST"])
@require("classroom.plan")
def plan(session_id):
    training_session = access.get_session(session_id, actor=current_user) if session_id else None
    form = SessionForm()
    _session_choices(form)
    if request.method == "GET":
        _prefill(form, training_session)
    times = form.part_times() if form.validate_on_submit() else None
    if times is not None and not any(entry.form.day.errors for entry in form.parts):
        parts = [(local_time.local_to_utc(day, start), local_time.local_to_utc(day, end)) for day, start, end in times]
        deadline = form.cancellation_deadline.data
        try:
            saved = changes.save_session(
                training_session, actor=current_user, course_id=form.course_id.data, parts=parts,
                capacity=form.capacity.data, language=form.language.data, place=form.place.data,
                meeting_url=form.meeting_url.data, company_id=form.company_id.data or None,
                trainer_ids=form.trainer_ids.data,
                cancellation_deadline_at=(local_time.local_to_utc(deadline.date(), deadline.time())
                                          if deadline else None))
        except RuleViolation as error:
            db.session.rollback()
            # Errors about the parts as a whole show above the form (the part rows carry their own).
            form.add_error(None if error.field == "parts" else error.field, error.message)
        else:
            db.session.commit()
            flash(_("The session has been saved."), "success")
            return redirect(url_for("classroom.session", session_id=saved.id))
    return render_template("classroom/plan.html", form=form, session=training_session)


def _session_choices(form):
    menus = planning.plan_menus(current_user)
    form.course_id.choices = [(row.id, row.code) for row in menus["courses"]]
    form.company_id.choices = [(0, _("— open to every company —"))] + [(row.id, row.name) for row in menus["companies"]]
    form.trainer_ids.choices = [(row.id, f"{row.first_name} {row.last_name}") for row in menus["trainers"]]


def _prefill(form, training_session):
    if training_session is None:
        form.trainer_ids.data = [current_user.id]
        return
    for name in ("course_id", "language", "capacity", "place", "meeting_url"):
        getattr(form, name).data = getattr(training_session, name)
    form.company_id.data = training_session.company_id or 0
    form.trainer_ids.data = [row.id for row in sessions.session_trainers(training_session.id)]
    for entry, part in zip(form.parts, sessions.session_parts(training_session.id)[:PART_ROWS], strict=False):
        start, end = (moment.astimezone(local_time.BRUSSELS) for moment in (part.starts_at, part.ends_at))
        entry.day.data, entry.start.data, entry.end.data = start.date(), start.time(), end.time()
    deadline = training_session.cancellation_deadline_at.astimezone(local_time.BRUSSELS)
    form.cancellation_deadline.data = deadline.replace(tzinfo=None)


def _filters():
    form = ReviewFilterForm(request.args)
    form.validate()
    data = review.Filters(course_id=form.course.data or None, company_id=form.company.data or None,
                          date_from=form.date_from.data if not form.date_from.errors else None,
                          date_to=form.date_to.data if not form.date_to.errors else None,
                          status=form.status.data or None)
    return form, data


def _menus(form, found):
    """The filter menus' choices from the rows read with the page (see review.menu_parts)."""
    form.course.choices = [(0, _("All courses"))] + [(row.id, row.code) for row in found["courses"]]
    form.company.choices = [(0, _("All companies"))] + [(row.id, row.name) for row in found.get("companies", ())]


@bp.get("/teach")
@require("classroom.teach")
def teach():
    form, filters = _filters()
    now, past = utcnow(), request.args.get("when") == "past"
    found = today.teach_page(current_user, filters, past=past, now=now, number=request.args.get("page", 1, type=int))
    _menus(form, found)
    return render_template("classroom/teach.html", page=found["page"], filters=form, past=past, now=now,
                           running=found["running"], running_part=found["part"], coming=found["coming"],
                           rate=review.attendance_rate)


@bp.get("/attendance")
@require("classroom.review")
def attendance_list():
    form, filters = _filters()
    page, menus = review.page_attendance(current_user, filters, request.args.get("page", 1, type=int), menus=True)
    _menus(form, menus)
    return render_template("classroom/attendance.html", page=page, filters=form)


def _export(query, filename, extension):
    return tabular.export_response(extension, filename, exports.attendance_header(), exports.attendance_rows(query))


@bp.get("/attendance.xlsx", defaults={"extension": "xlsx"})
@bp.get("/attendance.csv", defaults={"extension": "csv"})
@require("classroom.review")
def attendance_csv(extension):
    _form, filters = _filters()
    return _export(review.list_attendance(current_user, filters), "attendance", extension)


@bp.get("/sessions/<int:session_id>/attendance.xlsx", defaults={"extension": "xlsx"})
@bp.get("/sessions/<int:session_id>/attendance.csv", defaults={"extension": "csv"})
@require("classroom.review")
def session_csv(session_id, extension):
    training_session = access.get_session(session_id, actor=current_user)
    if access.is_staff(current_user):
        access.check_teaches(training_session, current_user)
    query = review.list_attendance(current_user, review.Filters(), session_id=session_id)
    return _export(query, f"attendance-session-{session_id}", extension)


@bp.get("/sessions/<int:session_id>/history")
@require("classroom.teach")
def history(session_id):
    training_session = access.get_session(session_id, actor=current_user)
    access.check_teaches(training_session, current_user)
    page = paginate(review.list_history(session_id), request.args.get("page", 1, type=int))
    return render_template("classroom/history.html", session=training_session, page=page,
                           parts={part.id: part for part in sessions.session_parts(session_id)},
                           title=titles_for(current_user, [training_session.course_id])
                           .get(training_session.course_id, ""))


@bp.route("/parts/<int:part_id>/sheet", methods=["GET", "POST"])
@require("classroom.teach")
def attendance_sheet(part_id):
    sheet = sheets.load_sheet(part_id, actor=current_user)
    form, conflict, row_errors, status = SheetForm(), None, {}, 200
    if form.validate_on_submit():
        entries, row_errors = parse_sheet_rows(request.form)
        if not row_errors:
            try:
                changed = attendance.save_sheet(part_id, entries, actor=current_user, walk_in_ids=form.walk_in.data)
            except attendance.SheetConflict as error:
                db.session.rollback()
                conflict, status = error, 409
                sheet = sheets.load_sheet(part_id, actor=current_user)
            except RuleViolation as error:
                db.session.rollback()
                sheet = sheets.load_sheet(part_id, actor=current_user)
                row_errors = {error.field: error.message} if error.field else {}
                form.add_error(None, error.message)  # also above the sheet: the row may be far down
                status = 400
            else:
                db.session.commit()
                flash(ngettext("Attendance saved (%(num)s change).", "Attendance saved (%(num)s changes).", changed),
                      "success")
                return redirect(url_for("classroom.attendance_sheet", part_id=part_id))
        else:
            status = 400
    return render_template("classroom/sheet.html", sheet=sheet, form=form, conflict=conflict,
                           row_errors=row_errors, posted=request.form if status != 200 and not conflict else {},
                           **_sheet_context(sheet)), status


def _sheet_context(sheet):
    return {"parts": sheet.parts, "part_number": sheet.part_number, "signature_url": signatures.data_url,
            "title": sheet.title}


@bp.get("/parts/<int:part_id>/signin.pdf")
@require("classroom.teach")
def signin_sheet(part_id):
    sheet = sheets.load_sheet(part_id, actor=current_user)
    session = sheet.session
    pdf = exports.signin_sheet_pdf(
        session, sheet.part, rows=sheet.rows, parts=sessions.session_parts(session.id),
        trainers=sessions.session_trainers(session.id), language=session.language,
        title=course_titles([session.course_id], session.language).get(session.course_id, ""))
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="sign-in-{part_id}.pdf"'})
