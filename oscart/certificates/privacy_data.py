"""Certificates in the privacy registry: exported as metadata plus the stored PDFs; deleted on erasure.

The printed holder name and the PDF identify the person, and a certificate of nobody certifies nothing: on
erasure the certificates go (the verification page then answers "not found"); the anonymised enrolment keeps
the training record for statistics. Under a legal hold they stay exactly as issued.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update

from oscart.certificates.models import Certificate
from oscart.core.extensions import db
from oscart.core.personal_data import Export, eraser, exporter, free_text, plain, retained
from oscart.training.models import Course

free_text(Certificate.revoked_reason, mentions_people=True, kept_under_legal_hold=True)
retained("trainer_on_certificates", _l("A trainer's name and the place on certificates issued to the people trained"),
         _l("An issued certificate is a signed document its holder needs as proof of training; changing it would "
            "break its signature."),
         _l("as long as the holder's certificate is kept"))

FIELDS = ("code", "origin", "language", "holder_name", "course_title", "hours", "place", "trainer_name",
          "started_on", "completed_on", "issued_at", "valid_until", "superseded_at", "revoked_at",
          "revoked_reason", "is_signed", "pdf_sha256", "pdf_size")


def pdf_name(code):
    return f"certificates/{code}.pdf"


@exporter("certificates", _l("Certificates"), _l("Your certificates as issued, with their PDF files."))
def export_certificates(user):
    rows = db.session.execute(
        select(Course.code.label("course_code"), Certificate.pdf, *(getattr(Certificate, f) for f in FIELDS))
        .join(Course, Course.id == Certificate.course_id)
        .where(Certificate.user_id == user.id).order_by(Certificate.issued_at, Certificate.id)).all()
    data = [{"course_code": row.course_code, **{f: plain(getattr(row, f)) for f in FIELDS},
             "file": pdf_name(row.code)} for row in rows]
    return Export(data, files=[(pdf_name(row.code), row.pdf) for row in rows])


@eraser("certificates")
def erase_certificates(user, *, legal_hold):
    if legal_hold:
        return 0
    mine = Certificate.user_id == user.id
    db.session.execute(update(Certificate).where(mine, Certificate.reissue_of_id.is_not(None))
                       .values(reissue_of_id=None))
    return db.session.execute(delete(Certificate).where(mine)).rowcount
