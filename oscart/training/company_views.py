"""Company admins: welcome text and news for their employees, and assigning courses with a due date."""


from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from oscart.companies import directory, groups
from oscart.core import local_time
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.pagination import paginate
from oscart.core.security import require
from oscart.core.urls import url_with_args
from oscart.training import company
from oscart.training.forms import AssignForm, NewsForm, options

bp = Blueprint("company", __name__, url_prefix="/company")
PEOPLE_PER_PAGE = 50


@bp.get("/news")
@require("company.author")
def news_list():
    rows = db.session.execute(company.list_news(current_user.company_id)).all()
    return render_template("training/company/news_list.html", rows=rows)


@bp.route("/news/new", methods=["GET", "POST"], defaults={"news_id": None})
@bp.route("/news/<int:news_id>", methods=["GET", "POST"])
@require("company.author")
def news(news_id):
    item = company.get_news(current_user, news_id) if news_id else None
    form = NewsForm(obj=item)
    if form.validate_on_submit():
        company.save_news(item, actor=current_user, title=form.title.data, body_source=form.body_source.data or "",
                          is_pinned=form.is_pinned.data)
        db.session.commit()
        flash(_("The news item has been saved."), "success")
        return redirect(url_for("training.company.news_list"))
    return render_template("training/company/news.html", form=form, item=item)


@bp.post("/news/<int:news_id>/delete")
@require("company.author")
def news_delete(news_id):
    company.delete_news(company.get_news(current_user, news_id), actor=current_user)
    db.session.commit()
    flash(_("The news item has been deleted."), "success")
    return redirect(url_for("training.company.news_list"))


@bp.route("/assign", methods=["GET", "POST"])
@require("company.author")
def assign():
    """Choose a course, a due date and people: the check boxes of one page of a search, or everyone it finds.

    The search lives in the query string, which the form posts back to, so an error shows the same people.
    """
    form = AssignForm()
    form.course_id.choices = options(company.assignable_courses(current_user))
    filters = directory.Filters.from_args(request.args, states=False)
    if form.validate_on_submit():
        due_at = _end_of_day(form.due_date.data)
        user_ids = company.found_people_ids(current_user, filters) if form.everyone.data else form.user_ids.data
        try:
            enrolments = company.assign_course(current_user, form.course_id.data, user_ids, due_at=due_at)
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(ngettext("The course has been assigned to %(num)s person.",
                           "The course has been assigned to %(num)s people.", len(enrolments)), "success")
            return redirect(url_with_args("training.company.assign"))
    people, count = company.assignable_people(current_user, filters)
    page = paginate(people, request.args.get("page", 1, type=int), per_page=PEOPLE_PER_PAGE, count=count)
    return render_template("training/company/assign.html", form=form, filters=filters, page=page,
                           selected=set(form.user_ids.data or ()), groups=groups.group_choices(current_user),
                           job_roles=groups.job_role_choices(current_user))


def _end_of_day(day):
    """A due date means the end of that day in Brussels."""
    if day is None:
        return None
    return local_time.end_of_day(day)
