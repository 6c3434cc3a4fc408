"""Where finishing a course leads: the certificate just earned, to view and download, and what comes next."""

from flask import redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from oscart.certificates import services
from oscart.certificates.blueprint import bp
from oscart.certificates.models import Certificate
from oscart.core.extensions import db
from oscart.core.security import require
from oscart.training.models import Enrolment
from oscart.training.quiz_models import QuizAttempt


@bp.get("/certificates/earned/<int:course_id>")
@require("certificates.own")
def earned(course_id):
    """The newest current certificate of the course for the reader; without one, the course page."""
    row = db.session.execute(services.list_own(current_user).where(
        Certificate.course_id == course_id, Certificate.revoked_at.is_(None),
        Certificate.superseded_at.is_(None)).limit(1)).first()
    if row is None:
        return redirect(url_for("training.course", course_id=course_id))
    return render_template("certificates/earned.html", row=row, attempt_id=_last_attempt(course_id))


def _last_attempt(course_id):
    """The reader's last submitted knowledge check of the course, whose result shows the explanations."""
    return db.session.scalar(
        select(QuizAttempt.id).join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
        .where(Enrolment.user_id == current_user.id, Enrolment.course_id == course_id,
               QuizAttempt.submitted_at.is_not(None))
        .order_by(QuizAttempt.submitted_at.desc(), QuizAttempt.id.desc()).limit(1))
