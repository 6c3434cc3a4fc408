from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from oscart.auth.views import start_first_login
from oscart.companies import directory, groups, invitations, services
from oscart.companies.forms import TWO_STEP_POLICIES, AcceptInvitationForm, InviteForm, TwoStepPolicyForm
from oscart.core import tabular
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db, limiter
from oscart.core.ids import coerce_id
from oscart.core.pagination import paginate
from oscart.core.security import require
from oscart.training.texts import preferred_languages
from oscart.workspace import matrix, matrix_texts

bp = Blueprint("companies", __name__, url_prefix="/company")


@bp.get("/")
@require("company.manage")
def index():
    company = services.get_own_company(current_user)
    return render_template("companies/index.html", company=company, TWO_STEP_POLICY_LABELS=TWO_STEP_POLICIES,
                           counts=services.home_counts(current_user))


@bp.get("/employees")
@require("company.manage")
def employees():
    filters = directory.Filters.from_args(request.args)
    page = paginate(directory.list_people(current_user, filters), request.args.get("page", 1, type=int),
                    count=directory.count_people(current_user, filters))
    return render_template("companies/employees.html", page=page, filters=filters, states=directory.STATE_LABELS,
                           group_names=directory.group_names([row.id for row in page.items]),
                           groups=groups.group_choices(current_user), job_roles=groups.job_role_choices(current_user))


@bp.get("/training")
@require("company.manage")
def training_matrix():
    filters = _matrix_filters()
    data = matrix.load_matrix(current_user, preferred_languages(current_user), filters,
                              page_number=request.args.get("page", 1, type=int),
                              course_page=request.args.get("cpage", 1, type=int))
    choices = [(course.id, course.title) for course in data["courses"]]
    statuses = [(key, str(label)) for key, label in matrix.STATUS_LABELS.items()]
    texts = matrix_texts.cell_texts(data["cells"], matrix.STATUS_LABELS)
    return render_template("companies/training.html", filters=filters, search=filters.search,
                           course_id=filters.course_id, choices=choices, statuses=statuses,
                           rows=matrix_texts.body_rows(data["page"].items, data["shown"], texts, _("Not enrolled")),
                           **data)


@bp.get("/training.xlsx", defaults={"extension": "xlsx"})
@bp.get("/training.csv", defaults={"extension": "csv"})
@require("company.manage")
def training_matrix_csv(extension):
    rows = matrix.matrix_rows(current_user, preferred_languages(current_user), _matrix_filters())
    return tabular.export_response(extension, "training-matrix", matrix.matrix_header(), rows)


def _matrix_filters():
    """The matrix's filters from the query string (an unknown status is no filter; a foreign id finds nobody)."""
    status = request.args.get("status")
    return matrix.MatrixFilters(search=request.args.get("q", "")[:100],
                                group_id=request.args.get("group", type=coerce_id),
                                job_role_id=request.args.get("job_role", type=coerce_id),
                                course_id=request.args.get("course", type=coerce_id),
                                status=status if status in matrix.STATUS_LABELS else None,
                                include_inactive=request.args.get("inactive") == "1")


@bp.route("/two-step", methods=["GET", "POST"])
@require("company.manage")
def two_step_policy():
    company = services.get_own_company(current_user)
    form = TwoStepPolicyForm(policy=company.two_step_policy)
    if form.validate_on_submit():
        try:
            services.set_two_step_policy(company, actor=current_user, policy=form.policy.data)
        except RuleViolation as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("The two-step authentication rule has been saved."), "success")
            return redirect(url_for("companies.two_step_policy"))
    return render_template("companies/two_step_policy.html", form=form, company=company)


def _invitation_limit():
    return current_app.config["RATELIMIT_INVITATIONS"]


def _inviting_admin():
    # The limiter runs before the view's login check: an anonymous visitor has no id.
    return f"invitations:user:{getattr(current_user, 'id', None)}"


limit_invitations = limiter.shared_limit(_invitation_limit, scope="invitations", key_func=_inviting_admin,
                                         methods=["POST"])


@bp.route("/invitations", methods=["GET", "POST"])
@require("company.manage")
@limit_invitations
def invitations_page():
    form = InviteForm(language=services.get_own_company(current_user).default_language)
    if form.validate_on_submit():
        try:
            outcome = invitations.invite_people(current_user, text=form.addresses.data, language=form.language.data)
        except RuleViolation as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            _flash_outcome(outcome)
            return redirect(url_for("companies.invitations_page"))
    page = paginate(invitations.list_invitations(current_user), request.args.get("page", 1, type=int))
    return render_template("companies/invitations.html", form=form, page=page, now=utcnow(),
                           valid_days=invitations.VALID_DAYS)


def _flash_outcome(outcome):
    flash(ngettext("%(num)d invitation sent.", "%(num)d invitations sent.", len(outcome.sent)), "success")
    if outcome.members:
        flash(ngettext("%(num)d address already has an account in your company: %(addresses)s",
                       "%(num)d addresses already have an account in your company: %(addresses)s",
                       len(outcome.members), addresses=", ".join(outcome.members)), "error")
    if outcome.pending:
        flash(ngettext("%(num)d address has already been invited (use “Send again” below): %(addresses)s",
                       "%(num)d addresses have already been invited (use “Send again” below): %(addresses)s",
                       len(outcome.pending), addresses=", ".join(outcome.pending)), "error")
    if outcome.refused:
        flash(ngettext("%(num)d address could not be invited: %(addresses)s",
                       "%(num)d addresses could not be invited: %(addresses)s",
                       len(outcome.refused), addresses=", ".join(outcome.refused)), "error")


@bp.post("/invitations/<int:invitation_id>/resend")
@require("company.manage")
@limit_invitations
def resend_invitation(invitation_id):
    invitation = invitations.get_invitation(current_user, invitation_id)
    return _change_invitation(invitations.resend_invitation, invitation,
                              _("A new invitation has been sent to %(email)s.", email=invitation.email))


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["GET", "POST"])
@require("company.manage")
def revoke_invitation(invitation_id):
    invitation = invitations.get_invitation(current_user, invitation_id)
    if request.method == "GET":  # asks first; the page's button posts here
        return render_template(
            "confirm.html", title=_("Withdraw the invitation"), button=_("Withdraw"),
            question=_("Withdraw the invitation of %(email)s?", email=invitation.email),
            notes=[_("The link in the invitation mail stops working. You can invite this address again later.")],
            back=url_for("companies.invitations_page"))
    return _change_invitation(invitations.revoke_invitation, invitation,
                              _("The invitation of %(email)s has been withdrawn.", email=invitation.email))


def _change_invitation(change, invitation, done):
    try:
        change(invitation, actor=current_user)
    except RuleViolation as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done, "success")
    return redirect(url_for("companies.invitations_page"))


def _accept_limit():
    return current_app.config["RATELIMIT_RESET"]


def _refused(response):
    # Only the form shown again with an error counts (an account made redirects).
    return response.status_code == 200


@bp.route("/join/<token>", methods=["GET", "POST"])
@limiter.limit(_accept_limit, methods=["POST"], deduct_when=_refused)
def accept_invitation(token):
    """Public: the invitation link. A new trainee chooses names, language and password, then is logged in."""
    try:
        invitation = invitations.invitation_for_token(token)
    except RuleViolation as error:
        return render_template("companies/invitation_invalid.html", message=error.message), 410
    if current_user.is_authenticated:
        return render_template("companies/invitation_invalid.html", logged_in=True,
                               message=_("You are logged in. Log out first to accept this invitation."))
    form = AcceptInvitationForm(language=invitation.language)
    if form.validate_on_submit():
        try:
            user = invitations.accept_invitation(token, first_name=form.first_name.data,
                                                 last_name=form.last_name.data, password=form.password.data,
                                                 language=form.language.data)
        except RuleViolation as error:
            if error.field in invitations.INVALID_LINK_TEXTS:
                return render_template("companies/invitation_invalid.html", message=error.message), 410
            form.add_error(error.field, error.message)
        else:
            return start_first_login(user)
    return render_template("companies/invitation_accept.html", form=form, email=invitation.email)
