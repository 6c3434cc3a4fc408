from flask import Blueprint

from oscart.classroom.forms import REGISTRATION_LABELS, STATUS_LABELS
from oscart.classroom.models import ATTENDANCE_STATUSES

bp = Blueprint("classroom", __name__, url_prefix="/classroom")


@bp.context_processor
def _labels():
    return {"STATUS_LABELS": STATUS_LABELS, "ATTENDANCE_STATUSES": ATTENDANCE_STATUSES,
            "REGISTRATION_LABELS": REGISTRATION_LABELS}
