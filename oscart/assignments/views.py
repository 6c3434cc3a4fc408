"""Company admins: the rules of required training (blueprint ``assignments``, /company/rules)."""

import click
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from oscart.assignments import dashboard, rules  # noqa: F401  (dashboard: adds its part to the page)
from oscart.assignments.followup import follow_up
from oscart.assignments.forms import REPEAT_LABELS, ReminderDaysForm, RuleForm
from oscart.companies.services import MAX_REMINDER_DAYS, get_own_company, set_reminder_days
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.forms import choices
from oscart.core.pagination import paginate
from oscart.core.security import require

bp = Blueprint("assignments", __name__, url_prefix="/company/rules", cli_group=None)


@bp.cli.command("send-reminders")
def send_reminders_command():
    """Start the next rounds of repeating rules, then send every reminder that is due (each only once)."""
    counts = follow_up()
    db.session.commit()
    click.echo(", ".join(f"{kind}: {count}" for kind, count in counts.items()))


@bp.get("/")
@require("company.manage")
def index():
    page = paginate(rules.list_rules(current_user), request.args.get("page", 1, type=int))
    return render_template("assignments/rules.html", page=page, repeat_labels=REPEAT_LABELS,
                           company=get_own_company(current_user))


@bp.route("/reminders", methods=["GET", "POST"])
@require("company.manage")
def reminder_days():
    company = get_own_company(current_user)
    form = ReminderDaysForm(days=company.reminder_days_before)
    if form.validate_on_submit():
        try:
            set_reminder_days(company, actor=current_user, days=form.days.data)
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("The reminder setting of your company has been saved."), "success")
            return redirect(url_for("assignments.index"))
    return render_template("assignments/reminder_days.html", form=form, max_days=MAX_REMINDER_DAYS)


@bp.route("/new", methods=["GET", "POST"], defaults={"rule_id": None})
@bp.route("/<int:rule_id>", methods=["GET", "POST"])
@require("company.manage")
def rule(rule_id):
    item = rules.get_rule(current_user, rule_id) if rule_id else None
    form = RuleForm(obj=item)
    _fill_choices(form)
    if form.validate_on_submit():
        try:
            saved = rules.save_rule(item, actor=current_user, course_id=form.course_id.data,
                                    group_id=form.group_id.data, job_role_id=form.job_role_id.data,
                                    due_within_days=form.due_within_days.data, repeat_mode=form.repeat_mode.data,
                                    repeat_months=form.repeat_months.data, is_active=form.is_active.data)
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("The rule has been saved and applied.") if saved.is_active else _("The rule has been saved."),
                  "success")
            if rules.waits_for_a_session(current_user, saved.course_id):
                flash(_("This course is given in classroom sessions and none is planned yet that your people can "
                        "register for. They see the course as required, with its due date, and can register as soon "
                        "as a session is planned."), "warning")
            return redirect(url_for("assignments.index"))
    return render_template("assignments/rule.html", form=form, item=item)


@bp.route("/<int:rule_id>/delete", methods=["GET", "POST"])
@require("company.manage")
def delete(rule_id):
    item = rules.get_rule(current_user, rule_id)
    if request.method == "GET":  # asks first; the page's button posts here
        found = rules.describe_rule(current_user, rule_id)
        who = " · ".join(name for name in (found.group_name, found.job_role_name) if name)
        return render_template(
            "confirm.html", title=_("Delete the rule"), button=_("Delete rule"),
            question=_("Delete the rule that requires %(course)s of %(who)s?", course=found.course_title, who=who),
            notes=[ngettext("%(num)d open assignment the rule made ends.",
                            "%(num)d open assignments the rule made end.", found.open_count),
                   _("Completed courses and certificates stay.")],
            back=url_for("assignments.rule", rule_id=rule_id))
    rules.delete_rule(item, actor=current_user)
    db.session.commit()
    flash(_("The rule has been deleted. Open assignments it made have ended; completed training stays."), "success")
    return redirect(url_for("assignments.index"))


def _fill_choices(form):
    any_choice = [("", "—")]
    form.course_id.choices = choices([(row.id, f"{row.code} · {row.title}" if row.title else row.code)
                                      for row in rules.rule_courses(current_user)])
    form.group_id.choices = choices(any_choice + [(row.id, row.name) for row in rules.company_groups(current_user)])
    form.job_role_id.choices = choices(any_choice + [(row.id, row.name)
                                                     for row in rules.company_job_roles(current_user)])
