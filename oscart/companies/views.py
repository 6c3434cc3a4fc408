from flask import Blueprint, render_template, request
from flask_login import current_user

from oscart.companies import services
from oscart.pagination import paginate
from oscart.security import require

bp = Blueprint("companies", __name__, url_prefix="/company")


@bp.get("/")
@require("company.manage")
def index():
    company = services.get_own_company(current_user)
    return render_template("companies/index.html", company=company,
                           employee_count=services.count_employees(current_user))


@bp.get("/employees")
@require("company.manage")
def employees():
    search = request.args.get("q", "")[:100]
    page = paginate(services.list_employees(current_user, search=search), request.args.get("page", 1, type=int))
    return render_template("companies/employees.html", page=page, search=search)
