from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.admin import services
from oscart.admin.forms import CompanyForm, UserFilterForm, UserForm
from oscart.auth import renewal
from oscart.companies.models import Company
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.forms import choices
from oscart.core.pagination import paginate
from oscart.core.security import require

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@require("platform.manage")
def index():
    counts = db.session.execute(
        select(
            select(func.count(Company.id)).scalar_subquery(),
            select(func.count(User.id)).scalar_subquery(),
            select(func.count(User.id)).where(User.locked_until > utcnow()).scalar_subquery(),
        )
    ).one()
    return render_template("admin/index.html", companies=counts[0], users=counts[1], locked=counts[2])


@bp.get("/companies")
@require("platform.manage")
def companies():
    rows = db.session.execute(services.list_companies()).all()
    return render_template("admin/companies.html", rows=rows)


@bp.route("/companies/new", methods=["GET", "POST"], defaults={"company_id": None})
@bp.route("/companies/<int:company_id>", methods=["GET", "POST"])
@require("platform.manage")
def company(company_id):
    company = services.get_company(company_id) if company_id else None
    form = CompanyForm(obj=company)
    if form.validate_on_submit():
        try:
            services.save_company(company, actor=current_user, name=form.name.data,
                                  vat_number=form.vat_number.data, default_language=form.default_language.data,
                                  is_active=form.is_active.data)
        except RuleViolation as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("The company has been saved."), "success")
            return redirect(url_for("admin.companies"))
    return render_template("admin/company.html", form=form, company=company)


@bp.get("/users")
@require("platform.manage")
def users():
    filters = UserFilterForm(request.args)
    all_companies = db.session.scalars(select(Company).order_by(Company.name)).all()
    filters.company.choices = choices([(0, _("All companies"))] + [(c.id, c.name) for c in all_companies])
    filters.validate()
    query = services.list_users(search=filters.q.data, company_id=filters.company.data, role=filters.role.data)
    page = paginate(query, request.args.get("page", 1, type=int))
    return render_template("admin/users.html", filters=filters, page=page, now=utcnow())


@bp.route("/users/new", methods=["GET", "POST"], defaults={"user_id": None})
@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@require("platform.manage")
def user(user_id):
    user = services.get_user(user_id) if user_id else None
    form = UserForm(obj=user)
    form.set_companies(db.session.scalars(select(Company).order_by(Company.name)).all())
    if request.method == "GET" and user is not None:
        form.company_id.data = user.company_id or 0
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in
                  ("email", "first_name", "last_name", "role", "company_id", "language")}
        try:
            if user is None:
                services.create_user(actor=current_user, **fields)
            else:
                services.update_user(user, actor=current_user, is_active=form.is_active.data, **fields)
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("The user has been saved."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user.html", form=form, user=user, now=utcnow(),
                           two_step_unreadable=user is not None and renewal.needs_renewal(user))


@bp.post("/users/<int:user_id>/two-step/reset")
@require("platform.manage")
def reset_two_step(user_id):
    try:
        required = renewal.reset_two_step(services.get_user(user_id), actor=current_user)
    except RuleViolation as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Two-step authentication has been reset. The user sets it up again at the next login.") if required
              else _("Two-step authentication has been reset. The user has been told by e-mail and can turn it on "
                     "again after logging in with the password."), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.post("/users/<int:user_id>/unlock")
@require("platform.manage")
def unlock(user_id):
    services.unlock_user(services.get_user(user_id), actor=current_user)
    db.session.commit()
    flash(_("The account has been unlocked."), "success")
    return redirect(url_for("admin.user", user_id=user_id))

