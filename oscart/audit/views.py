"""The audit trail of a company account: filters, pages and an export (CSV or XLSX)."""

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from oscart.audit import queries
from oscart.audit.export import export_rows, header
from oscart.audit.forms import AuditFilterForm
from oscart.audit.labels import ACTION_LABELS
from oscart.audit.models import AuditEvent
from oscart.audit.services import record_event
from oscart.core import tabular
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.i18n import translated_labels
from oscart.core.security import can, require

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _filters():
    form = AuditFilterForm(request.args)
    form.validate()
    for name in ("date_from", "date_to"):
        if getattr(form, name).errors:
            getattr(form, name).data = None
    return form


def _values(form):
    return {"person": form.person.data, "action": form.action.data or None, "date_from": form.date_from.data,
            "date_to": form.date_to.data,
            "company_id": form.company.data if can(current_user, "audit.all") else None}


@bp.get("/")
@require("audit.view")
def index():
    form = _filters()
    found = queries.events_page(current_user, request.args.get("page", 1, type=int), per_page=50, **_values(form))
    labels = translated_labels(ACTION_LABELS)
    form.action.choices = [SelectChoice("", _("All actions"))] + [SelectChoice(a, labels.get(a, a))
                                                                  for a in found["actions"]]
    all_companies = can(current_user, "audit.all")
    if all_companies:
        form.company.choices = [SelectChoice(0, _("All companies"))] + [SelectChoice(c.id, c.name)
                                                                        for c in found["companies"]]
    return render_template("audit/index.html", filters=form, page=found["page"], labels=labels,
                           all_companies=all_companies)


@bp.get("/export.xlsx", defaults={"extension": "xlsx"})
@bp.get("/export.csv", defaults={"extension": "csv"})
@require("audit.view")
def export(extension):
    form = _filters()
    record_event("audit.exported", actor=current_user, company_id=current_user.company_id,
                 filters={k: str(v) for k, v in form.data.items() if v}, format=extension)
    db.session.commit()
    rows = _in_chunks(queries.list_events(current_user, **_values(form)))
    return tabular.export_response(extension, f"audit-{utcnow():%Y%m%d-%H%M}", header(), export_rows(rows))


def _in_chunks(query, size=1000):
    """Rows in pages of ``size`` by position, newest first: memory stays flat, and no server-side cursor
    has to survive the commits that after-request hooks may make while the response streams."""
    last_seq = None
    while True:
        page = query if last_seq is None else query.where(AuditEvent.seq < last_seq)
        rows = db.session.execute(page.limit(size)).all()
        yield from rows
        if len(rows) < size:
            return
        last_seq = rows[-1].seq
