"""Where finishing a course leads: the certificate just earned, to view and download, and what comes next."""

from flask import redirect, render_template, url_for
from flask_login import current_user

from oscart.certificates import services
from oscart.certificates.blueprint import bp
from oscart.certificates.models import Certificate
from oscart.core.extensions import db
from oscart.core.security import require


@bp.get("/certificates/earned/<int:course_id>")
@require("certificates.own")
def earned(course_id):
    """The newest current certificate of the course for the reader; without one, the course page."""
    row = db.session.execute(services.list_own(current_user).where(
        Certificate.course_id == course_id, Certificate.revoked_at.is_(None),
        Certificate.superseded_at.is_(None)).limit(1)).first()
    if row is None:
        return redirect(url_for("training.course", course_id=course_id))
    return render_template("certificates/earned.html", row=row)
