"""Pages for trainees and company admins: open sessions, registering, my sessions."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from oscart.classroom import access, registrations, review, sessions, upcoming
from oscart.classroom import roster as roster_rows
from oscart.classroom.blueprint import bp
from oscart.classroom.forms import RosterForm
from oscart.classroom.models import REGISTERED, WAITLISTED
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.ids import coerce_id
from oscart.core.pagination import paginate
from oscart.core.security import can, require
from oscart.training.titles import titles_for


@bp.get("/")
@login_required
def index():
    course_id = request.args.get("course", type=coerce_id)  # a course the reader cannot see lists nothing
    page = paginate(upcoming.list_open_sessions(current_user, course_id=course_id),
                    request.args.get("page", 1, type=int))
    titles = titles_for(current_user, [row.course_id for row in page.items])  # never a course the reader cannot see
    return render_template("classroom/index.html", page=page, titles=titles, course_id=course_id)


@bp.get("/mine")
@require("training.follow")
def mine():
    coming = upcoming.list_upcoming_registrations(current_user)
    page, _menus = review.page_attendance(current_user, review.Filters(), request.args.get("page", 1, type=int))
    return render_template("classroom/mine.html", upcoming=coming, page=page)


@bp.get("/sessions/<int:session_id>")
@login_required
def session(session_id):
    training_session = access.get_session(session_id, actor=current_user)
    manages = can(current_user, "company.manage")
    page = sessions.session_page(training_session, current_user, company=manages)
    roster, filters = None, roster_rows.RosterFilters.from_args(request.args)
    if manages:  # one page of the company's people, found by a search and who is (not) registered
        query, params, expand = roster_rows.list_roster(training_session, current_user, filters)
        roster = paginate(query, request.args.get("page", 1, type=int), params=params, expand=expand)
    teaches = access.is_staff(current_user) and access.may_teach(current_user, is_trainer=page["is_trainer"])
    return render_template(
        "classroom/session.html", session=training_session, parts=page["parts"], registered=page["registered"],
        waitlisted=page["waitlisted"], mine=page["mine"], roster=roster, roster_filters=filters,
        roster_shows=roster_rows.SHOW_LABELS, company=page["company"], teaches=teaches, now=utcnow(),
        title=page["title"], trainers=page["trainers"], people=page["people"] if teaches else None)


@bp.post("/sessions/<int:session_id>/register")
@require("training.follow")
def register(session_id):
    training_session = access.get_session(session_id, actor=current_user)
    try:
        registration = registrations.register_user(training_session, current_user, actor=current_user)
    except RuleViolation as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        if registration.status == REGISTERED:
            flash(_("You are registered. A confirmation with a calendar file is on its way."), "success")
        else:
            flash(_("The session is full: you are on the waiting list (number %(position)s). We will e-mail you "
                    "when a place becomes free.", position=registration.position), "warning")
    return redirect(url_for("classroom.session", session_id=session_id))


@bp.post("/sessions/<int:session_id>/cancel")
@require("training.follow")
def cancel(session_id):
    training_session = access.get_session(session_id, actor=current_user)
    try:
        registrations.cancel_registration(training_session, current_user, actor=current_user)
    except RuleViolation as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_("Your registration has been cancelled."), "success")
    return redirect(url_for("classroom.session", session_id=session_id))


@bp.post("/sessions/<int:session_id>/employees")
@require("company.manage")
def employees(session_id):
    training_session = access.get_session(session_id, actor=current_user)
    form = RosterForm()
    if form.validate_on_submit() and form.user_ids.data:
        action = (registrations.unregister_employees if request.form.get("action") == "unregister"
                  else registrations.register_employees)
        results = action(training_session, form.user_ids.data, actor=current_user)
        db.session.commit()
        for user, status, error in results:
            if error:
                flash(str(error), "error")
            else:
                flash(_bulk_message(user, status), "warning" if status == WAITLISTED else "success")
    else:
        flash(_("Choose at least one employee."), "error")
    return redirect(_roster_url(session_id))


def _roster_url(session_id):
    """The session's page at the search and page of the company's people the form was posted from."""
    args = roster_rows.RosterFilters.from_args(request.args).as_args()
    number = request.args.get("page", 1, type=int)
    if number > 1:
        args["page"] = number
    return url_for("classroom.session", session_id=session_id, **args)


def _bulk_message(user, status):
    if status == REGISTERED:
        return _("%(name)s is registered.", name=user.full_name)
    if status == WAITLISTED:
        return _("%(name)s is on the waiting list: the session is full.", name=user.full_name)
    return _("%(name)s is no longer registered.", name=user.full_name)
