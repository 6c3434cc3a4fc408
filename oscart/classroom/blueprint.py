from flask import Blueprint

from oscart.classroom.models import ATTENDANCE_STATUSES, REGISTRATION_LABELS, STATUS_LABELS

bp = Blueprint("classroom", __name__, url_prefix="/classroom")


@bp.context_processor
def _labels():
    # Translated once per page, not once per row (a lazy string is looked up on every use).
    return {"STATUS_LABELS": {key: str(label) for key, label in STATUS_LABELS.items()},
            "ATTENDANCE_STATUSES": ATTENDANCE_STATUSES,
            "REGISTRATION_LABELS": {key: str(label) for key, label in REGISTRATION_LABELS.items()}}
