from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from oscart.companies import matrix, services
from oscart.companies.forms import TWO_STEP_POLICIES, TwoStepPolicyForm
from oscart.core import tabular
from oscart.core.ids import coerce_id
from oscart.exceptions import RuleViolation
from oscart.extensions import db
from oscart.pagination import paginate
from oscart.security import require
from oscart.training.services import preferred_languages

bp = Blueprint("companies", __name__, url_prefix="/company")


@bp.get("/")
@require("company.manage")
def index():
    company = services.get_own_company(current_user)
    return render_template("companies/index.html", company=company, TWO_STEP_POLICY_LABELS=TWO_STEP_POLICIES,
                           employee_count=services.count_employees(current_user))


@bp.get("/employees")
@require("company.manage")
def employees():
    search = request.args.get("q", "")[:100]
    page = paginate(services.list_employees(current_user, search=search), request.args.get("page", 1, type=int))
    return render_template("companies/employees.html", page=page, search=search)


@bp.get("/training")
@require("company.manage")
def training_matrix():
    search = request.args.get("q", "")[:100]
    course_id = request.args.get("course", type=coerce_id)
    data = matrix.load_matrix(current_user, preferred_languages(current_user), search=search, course_id=course_id,
                              page_number=request.args.get("page", 1, type=int))
    choices = [(course.id, course.title) for course in data["courses"]]
    return render_template("companies/training.html", search=search, course_id=course_id, choices=choices,
                           columns=matrix.MATRIX_COLUMNS, **data)


@bp.get("/training.xlsx", defaults={"extension": "xlsx"})
@bp.get("/training.csv", defaults={"extension": "csv"})
@require("company.manage")
def training_matrix_csv(extension):
    rows = matrix.matrix_rows(current_user, preferred_languages(current_user))
    return tabular.export_response(extension, "training-matrix", matrix.matrix_header(), rows)


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
